-- A unit's discharges in a month are the sum of its wards' discharges on the
-- days of that month, and both are published: with one day suppressed, the
-- month less the shown days was that day's count. The month's total now
-- follows the rule of report_total_shown (0038), its parts being the ward
-- days: shown when nothing is left over once the shown days are taken away,
-- or when at least two days are suppressed and what is left over leaves
-- each of them open (more than one each, less than four each, on average);
-- otherwise withheld. What is left over is reckoned as a reader would, the
-- month less the shown days, so discharges without a bed count in it too.
--
-- And a count published beside the count it is part of (red NEWS2 sets
-- beside scored sets, readmissions beside discharges, results acknowledged,
-- consultations, messages and requests answered, referrals decided) gave
-- their difference away: seven sets, five red, is two sets not red. A share
-- is already withheld when its complement is below 5; now the part is too
-- when the rest of its whole is 1 to 4. (None left over tells no count.)
--
-- The functions that read the verified identity find it by the backend's
-- process id, and a parallel worker is a process of its own: labelled
-- PARALLEL SAFE, they ran in workers and read nobody there, so a parallel
-- scan under a policy silently lost the rows the workers read. They are
-- PARALLEL RESTRICTED, as pg_backend_pid() itself is: the leader runs them.
--
-- A department is headed by a doctor, nurse or administrator, but an
-- account's role can change after its appointment, and the appointment
-- stayed: an account made an outside specialist's still read its
-- department's reports. hms_report_units now asks the role too.
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
    CASE
        WHEN f.readmissions >= 5 AND f.discharges - f.readmissions NOT BETWEEN 1 AND 4 THEN f.readmissions
    END AS readmissions
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

CREATE OR REPLACE VIEW report_clinical_news2_month WITH (security_barrier) AS
SELECT
    n.care_unit_id,
    u.name AS care_unit,
    n.month,
    CASE WHEN n.scored_sets >= 5 THEN n.scored_sets END AS scored_sets,
    CASE WHEN n.red_sets >= 5 AND n.scored_sets - n.red_sets NOT BETWEEN 1 AND 4 THEN n.red_sets END AS red_sets,
    CASE WHEN n.red_followed >= 5 THEN n.median_minutes_to_next END AS median_minutes_to_next
FROM reporting.clinical_news2_month AS n
INNER JOIN care_unit AS u ON n.care_unit_id = u.id
WHERE n.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE OR REPLACE VIEW report_clinical_critical_month WITH (security_barrier) AS
SELECT
    c.care_unit_id,
    u.name AS care_unit,
    c.month,
    CASE WHEN c.critical_results >= 5 THEN c.critical_results END AS critical_results,
    CASE
        WHEN c.acknowledged >= 5 AND c.critical_results - c.acknowledged NOT BETWEEN 1 AND 4 THEN c.acknowledged
    END AS acknowledged,
    CASE WHEN c.acknowledged >= 5 THEN c.median_minutes_to_ack END AS median_minutes_to_ack
FROM reporting.clinical_critical_month AS c
INNER JOIN care_unit AS u ON c.care_unit_id = u.id
WHERE c.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE OR REPLACE VIEW report_oversight_consultation_month WITH (security_barrier) AS
SELECT
    c.care_unit_id,
    u.name AS care_unit,
    c.month,
    CASE WHEN c.consultations >= 5 THEN c.consultations END AS consultations,
    CASE WHEN c.answered >= 5 AND c.consultations - c.answered NOT BETWEEN 1 AND 4 THEN c.answered END AS answered,
    CASE WHEN c.answered >= 5 THEN c.median_hours_to_answer END AS median_hours_to_answer
FROM reporting.oversight_consultation_month AS c
INNER JOIN care_unit AS u ON c.care_unit_id = u.id
WHERE c.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE OR REPLACE VIEW report_communication_message_month WITH (security_barrier) AS
SELECT
    m.care_unit_id,
    u.name AS care_unit,
    m.month,
    CASE WHEN m.threads >= 5 THEN m.threads END AS threads,
    CASE WHEN m.answered >= 5 AND m.threads - m.answered NOT BETWEEN 1 AND 4 THEN m.answered END AS answered,
    CASE WHEN m.answered >= 5 THEN m.median_hours_to_answer END AS median_hours_to_answer
FROM reporting.communication_message_month AS m
INNER JOIN care_unit AS u ON m.care_unit_id = u.id
WHERE m.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE OR REPLACE VIEW report_communication_request_month WITH (security_barrier) AS
SELECT
    r.care_unit_id,
    u.name AS care_unit,
    r.month,
    r.kind,
    CASE WHEN r.requests >= 5 THEN r.requests END AS requests,
    CASE WHEN r.answered >= 5 AND r.requests - r.answered NOT BETWEEN 1 AND 4 THEN r.answered END AS answered,
    CASE WHEN r.answered >= 5 THEN r.median_hours_to_answer END AS median_hours_to_answer
FROM reporting.communication_request_month AS r
INNER JOIN care_unit AS u ON r.care_unit_id = u.id
WHERE r.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE OR REPLACE VIEW report_communication_referral_month WITH (security_barrier) AS
SELECT
    r.care_unit_id,
    u.name AS care_unit,
    r.month,
    r.urgency,
    CASE WHEN r.referrals >= 5 THEN r.referrals END AS referrals,
    CASE WHEN r.decided >= 5 AND r.referrals - r.decided NOT BETWEEN 1 AND 4 THEN r.decided END AS decided,
    CASE WHEN r.decided >= 5 THEN r.median_hours_to_decision END AS median_hours_to_decision,
    CASE
        WHEN r.within_target >= 5 AND r.decided - r.within_target >= 5
            THEN round(100.0 * r.within_target / r.decided, 1)
    END AS within_target_pct
FROM reporting.communication_referral_month AS r
INNER JOIN care_unit AS u ON r.care_unit_id = u.id
WHERE r.care_unit_id = any((SELECT hms_report_units())::bigint[]);

ALTER FUNCTION hms_private.identity() PARALLEL RESTRICTED;
ALTER FUNCTION hms_current_user_id() PARALLEL RESTRICTED;
ALTER FUNCTION hms_current_role() PARALLEL RESTRICTED;

CREATE OR REPLACE FUNCTION hms_report_units() RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}')
    FROM care_unit AS u
    WHERE
        hms_current_role() = 'administrator'
        OR (
            hms_current_role() IN ('doctor', 'nurse')
            AND u.department_id IN (
                SELECT h.department_id FROM department_head AS h WHERE h.user_id = hms_current_user_id()
            )
        )
$$;
