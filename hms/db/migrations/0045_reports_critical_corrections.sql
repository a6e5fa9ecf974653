-- A critical laboratory result corrected before anyone acknowledged it no
-- longer counts as a critical result left unacknowledged.
--
-- A correction is a new result that supersedes the first (0029), and only
-- the current result waits for a doctor's acknowledgement: the lists of
-- unacknowledged critical results leave a superseded one out. The figure
-- counted every critical result, so a value the laboratory withdrew (a
-- haemolysed sample, a mix-up) stood in the report as one no doctor ever
-- answered. Now a superseded result counts only if it was acknowledged
-- before or after its correction: it was answered, and its minutes are
-- real. A correction that is itself critical counts on its own.
-- The unique constraint lab_result_superseded_once indexes supersedes, so
-- the check is one index probe per critical result.
-- depends: 0044_patient_name_words_follow_names

CREATE OR REPLACE VIEW reporting.clinical_critical_month_live AS
SELECT
    r.care_unit_id,
    date_trunc('month', r.entered_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS critical_results,
    count(a.result_id)::integer AS acknowledged,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM a.acknowledged_at - r.entered_at) / 60))::numeric,
        0
    ) AS median_minutes_to_ack
FROM lab_result AS r
LEFT JOIN lab_result_ack AS a ON r.id = a.result_id
WHERE
    r.flag IN ('critical_low', 'critical_high')
    AND (
        a.result_id IS NOT NULL
        OR NOT EXISTS (
            SELECT FROM lab_result AS n
            WHERE n.supersedes = r.id
        )
    )
GROUP BY r.care_unit_id, date_trunc('month', r.entered_at AT TIME ZONE 'Europe/Stockholm');

REFRESH MATERIALIZED VIEW reporting.clinical_critical_month;
