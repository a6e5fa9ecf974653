-- A correction to the reports of 0039.
--
-- An overridden safety warning belongs to the unit its prescription version
-- was written from, where the prescriber who overrode it was working. The
-- figure counted it for the unit that first prescribed the drug, so a dose
-- changed on surgery, over a warning, counted as the medical unit's.
-- depends: 0041_reports_small_differences

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
