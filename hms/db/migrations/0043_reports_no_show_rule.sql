-- Two corrections to the reports of 0039.
--
-- An overridden safety warning belongs to the unit its prescription version
-- was written from, where the prescriber who overrode it was working. The
-- figure counted it for the unit that first prescribed the drug, so a dose
-- changed on surgery, over a warning, counted as the medical unit's.
--
-- And a unit's appointments per clinician (booked, attended or missed) add
-- up to its attended, its no-shows and those still booked: two splits of
-- the same appointments, both published. In a month whose appointments are
-- all settled, the clinicians' shown counts less the attended gave the
-- suppressed no-shows away (or, the other way, attended and no-shows gave a
-- suppressed clinician's count). The rule, in reporting.access_split_month:
--
--   * A reader is taken to know how many appointments neither split names
--     (those still booked, none in a month long past; walk-ins without a
--     clinician): so clinicians' total = attended + no-shows + that.
--   * Each suppressed attendance count is 0 to 4, each suppressed
--     clinician's count 1 to 4. With the shown cells that bounds the sum of
--     the suppressed attendance counts to an interval. When that interval
--     is a single value, the suppressed counts are pinned, and one of them
--     is given away: the one suppressed attendance count (unless it is 0:
--     none tells no count), both at 4, the one suppressed clinician's count,
--     or suppressed clinicians who must all be 1 or all be 4.
--   * Then the unit-month's clinicians are left out of the appointments
--     per clinician: no cell, not even a withheld one, since the number of
--     clinicians, each with one appointment at least, could pin it still
--     (nine clinicians, five attended: four no-shows). What remains is the
--     attendance alone, whose small counts are suppressed as ever.
--   * The pin depends only on what the reader sees (the shown cells, how
--     many are suppressed, the still booked), so leaving out tells no more
--     than that some suppressed count was pinned, not which or what.
--
-- The pages, charts and exports print what the view gives, so they agree.
-- depends: 0042_reports_clinical_speed

CREATE OR REPLACE VIEW reporting.medication_override_month_live AS
SELECT
    v.care_unit_id,
    date_trunc('month', w.overridden_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    w.kind,
    count(*)::integer AS overrides
FROM prescription_warning AS w
INNER JOIN prescription_version AS v ON w.version_id = v.id AND w.patient_id = v.patient_id
GROUP BY v.care_unit_id, date_trunc('month', w.overridden_at AT TIME ZONE 'Europe/Stockholm'), w.kind;

REFRESH MATERIALIZED VIEW reporting.medication_override_month;

-- Per unit and month, whether the two splits of its appointments pin a
-- suppressed count, and so its clinicians are left out (see above). A plain
-- view, read by report_access_clinician_month.
CREATE VIEW reporting.access_split_month AS
SELECT
    p.care_unit_id,
    p.month,
    p.pinned AS clinicians_left_out
FROM (
    SELECT
        b.care_unit_id,
        b.month,
        -- The suppressed attendance counts sum to lo ... hi; pinned when one
        -- value, and then what it gives away (see above).
        greatest(0, b.hidden_c - b.d) = least(4 * b.hidden_a, 4 * b.hidden_c - b.d)
        AND (
            (b.hidden_a = 1 AND greatest(0, b.hidden_c - b.d) BETWEEN 1 AND 4)
            OR (b.hidden_a = 2 AND greatest(0, b.hidden_c - b.d) = 8)
            OR b.hidden_c = 1
            OR (b.hidden_c >= 2 AND greatest(0, b.hidden_c - b.d) + b.d IN (b.hidden_c, 4 * b.hidden_c))
        ) AS pinned
    FROM (
        SELECT
            s.care_unit_id,
            s.month,
            s.hidden_c,
            s.hidden_a,
            -- suppressed clinicians' sum less suppressed attendance sum
            s.shown_a + s.unnamed - s.shown_c AS d
        FROM (
            SELECT
                c.care_unit_id,
                c.month,
                coalesce(sum(c.appointments) FILTER (WHERE c.appointments >= 5), 0) AS shown_c,
                count(*) FILTER (WHERE c.appointments < 5) AS hidden_c,
                -- No attendance row: none attended or missed, which a reader knows.
                CASE WHEN min(a.attended) >= 5 THEN min(a.attended) ELSE 0 END
                + CASE WHEN min(a.no_shows) >= 5 THEN min(a.no_shows) ELSE 0 END AS shown_a,
                CASE
                    WHEN count(a.care_unit_id) = 0 THEN 0
                    ELSE (min(a.attended) < 5)::integer + (min(a.no_shows) < 5)::integer
                END AS hidden_a,
                sum(c.appointments) - coalesce(min(a.attended), 0) - coalesce(min(a.no_shows), 0) AS unnamed
            FROM reporting.access_clinician_month AS c
            LEFT JOIN reporting.access_attendance_month AS a ON c.care_unit_id = a.care_unit_id AND c.month = a.month
            WHERE c.clinician_id IS NOT NULL
            GROUP BY c.care_unit_id, c.month
        ) AS s
    ) AS b
) AS p;
COMMENT ON VIEW reporting.access_split_month IS
'Per unit and month, whether its appointments per clinician are left out, so that with the attendance they give no suppressed count away (0043).';

CREATE OR REPLACE VIEW report_access_clinician_month WITH (security_barrier) AS
SELECT
    c.care_unit_id,
    u.name AS care_unit,
    s.full_name AS clinician,
    c.month,
    CASE WHEN c.appointments >= 5 THEN c.appointments END AS appointments
FROM reporting.access_clinician_month AS c
INNER JOIN care_unit AS u ON c.care_unit_id = u.id
INNER JOIN app_user AS s ON c.clinician_id = s.id
WHERE
    c.care_unit_id = any((SELECT hms_report_units())::bigint[])
    AND NOT EXISTS (
        SELECT 1 FROM reporting.access_split_month AS x
        WHERE x.care_unit_id = c.care_unit_id AND x.month = c.month AND x.clinicians_left_out
    );
