-- A unit's discharges in a month are the sum of its wards' discharges on the
-- days of that month, and both are published: with one day suppressed, the
-- month less the shown days was that day's count. The month's total now
-- follows the rule of report_total_shown (0038), its parts being the ward
-- days: shown when nothing is left over once the shown days are taken away,
-- or when at least two days are suppressed and what is left over leaves
-- each of them open (more than one each, less than four each, on average);
-- otherwise withheld. What is left over is reckoned as a reader would, the
-- month less the shown days, so discharges without a bed count in it too.
-- depends: 0040_reports_oversight_communication

CREATE OR REPLACE VIEW report_flow_unit_month WITH (security_barrier) AS
SELECT
    f.care_unit_id,
    u.name AS care_unit,
    f.month,
    CASE
        WHEN f.discharges < 5 THEN NULL
        WHEN f.discharges = d.shown THEN f.discharges
        WHEN
            d.hidden_days >= 2 AND f.discharges - d.shown > d.hidden_days
            AND f.discharges - d.shown < 4 * d.hidden_days
            THEN f.discharges
    END AS discharges,
    CASE WHEN f.discharges >= 5 THEN f.mean_stay_days END AS mean_stay_days,
    CASE WHEN f.readmissions >= 5 THEN f.readmissions END AS readmissions
FROM reporting.flow_unit_month AS f
INNER JOIN care_unit AS u ON f.care_unit_id = u.id
CROSS JOIN
    LATERAL (
        SELECT
            coalesce(sum(w.discharged) FILTER (WHERE w.discharged >= 5), 0) AS shown,
            count(*) FILTER (WHERE w.discharged BETWEEN 1 AND 4) AS hidden_days
        FROM reporting.flow_ward_day AS w
        WHERE w.care_unit_id = f.care_unit_id AND w.day >= f.month AND w.day < f.month + interval '1 month'
    ) AS d
WHERE f.care_unit_id = any((SELECT hms_report_units())::bigint[]);
