-- name: drug_search
-- Drugs of the formulary by name or ATC code (the prescribing form's list).
SELECT
    d.id,
    d.generic_name,
    d.atc_code,
    d.form,
    d.strength,
    d.strength_unit,
    d.strength_per,
    d.dose_unit,
    d.max_daily_dose,
    d.routes::text[] AS routes,
    d.stock_unit,
    d.retired_at
FROM drug AS d
WHERE
    (:include_retired OR d.retired_at IS NULL)
    AND (
        cast(:term AS text) IS NULL
        OR lower(d.generic_name) LIKE hms_like_prefix(lower(:term))
        OR d.atc_code LIKE hms_like_prefix(upper(:term))
    )
ORDER BY d.generic_name, d.form, d.strength
LIMIT :limit;

-- name: drug_get^
-- One drug of the formulary.
SELECT
    d.id,
    d.generic_name,
    d.atc_code,
    d.form,
    d.strength,
    d.strength_unit,
    d.strength_per,
    d.dose_unit,
    d.max_daily_dose,
    d.routes::text[] AS routes,
    d.stock_unit,
    d.retired_at
FROM drug AS d
WHERE d.id = :drug_id;

-- name: drug_add^
-- An administrator adds a drug to the formulary.
INSERT INTO drug (
    generic_name, atc_code, form, strength, strength_unit, strength_per, dose_unit, max_daily_dose, routes, stock_unit
)
VALUES (
    :generic_name, :atc_code, :form, :strength, :strength_unit, :strength_per, :dose_unit, :max_daily_dose,
    cast(:routes AS medication_route[]), :stock_unit
)
RETURNING id;

-- name: drug_set_retired^
-- An administrator retires a drug (or takes it back into use).
UPDATE drug
SET retired_at = CASE WHEN :retired THEN now() END
WHERE id = :drug_id
RETURNING id;

-- name: medication_list
-- A patient's prescriptions with their current version, newest first; row
-- level security leaves out what the reader may not see.
SELECT
    p.id,
    p.patient_id,
    p.status,
    p.review_state,
    p.created_at,
    d.generic_name,
    d.form,
    d.strength,
    d.strength_unit,
    d.strength_per,
    d.atc_code,
    v.id AS version_id,
    v.version_no,
    v.change,
    v.dose,
    v.dose_unit,
    v.route,
    v.schedule,
    v.times_of_day,
    v.interval_hours,
    v.max_doses_per_day,
    v.starts_at,
    v.ends_at,
    v.instructions,
    v.reason,
    v.written_at,
    w.full_name AS written_by_name,
    pb.full_name AS prescribed_by_name,
    dx.code AS indication_code,
    icd.title AS indication_title,
    (SELECT count(*) FROM prescription_warning AS pw WHERE pw.prescription_id = p.id) AS warnings
FROM prescription AS p
INNER JOIN prescription_version AS v ON p.current_version_id = v.id
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN app_user AS w ON v.written_by = w.id
INNER JOIN app_user AS pb ON p.prescribed_by = pb.id
LEFT JOIN diagnosis AS dx ON v.indication_id = dx.id
LEFT JOIN icd10_code AS icd ON dx.code = icd.code
WHERE p.patient_id = :patient_id
ORDER BY p.status = 'discontinued', d.generic_name ASC, p.created_at DESC;

-- name: prescription_get^
-- One prescription of a patient with its current version.
SELECT
    p.id,
    p.patient_id,
    p.drug_id,
    p.status,
    p.review_state,
    p.created_at,
    d.generic_name,
    d.form,
    d.strength,
    d.strength_unit,
    d.strength_per,
    d.dose_unit AS drug_dose_unit,
    d.max_daily_dose,
    d.routes::text[] AS drug_routes,
    v.id AS version_id,
    v.version_no,
    v.dose,
    v.dose_unit,
    v.route,
    v.schedule,
    v.times_of_day,
    v.interval_hours,
    v.max_doses_per_day,
    v.starts_at,
    v.ends_at,
    v.indication_id,
    v.instructions,
    v.care_unit_id
FROM prescription AS p
INNER JOIN prescription_version AS v ON p.current_version_id = v.id
INNER JOIN drug AS d ON p.drug_id = d.id
WHERE p.id = :prescription_id AND p.patient_id = :patient_id;

-- name: prescription_versions
-- Every version of a prescription, newest first: its history.
SELECT
    v.id,
    v.version_no,
    v.change,
    v.status,
    v.dose,
    v.dose_unit,
    v.route,
    v.schedule,
    v.times_of_day,
    v.interval_hours,
    v.max_doses_per_day,
    v.starts_at,
    v.ends_at,
    v.instructions,
    v.reason,
    v.override_reason,
    v.written_at,
    u.full_name AS written_by_name
FROM prescription_version AS v
INNER JOIN app_user AS u ON v.written_by = u.id
WHERE v.prescription_id = :prescription_id AND v.patient_id = :patient_id
ORDER BY v.version_no DESC;

-- name: prescription_warnings
-- The warnings overridden on a prescription, with their reasons.
SELECT
    w.version_id,
    w.kind,
    w.severity,
    w.subject,
    w.detail_en,
    w.detail_sv,
    w.override_reason,
    w.overridden_at,
    u.full_name AS overridden_by_name
FROM prescription_warning AS w
INNER JOIN app_user AS u ON w.overridden_by = u.id
WHERE w.prescription_id = :prescription_id AND w.patient_id = :patient_id
ORDER BY w.overridden_at DESC, w.id ASC;

-- name: prescription_reviews
-- The pharmacist's approvals and queries and the prescriber's answers.
SELECT
    r.version_id,
    r.outcome,
    r.message,
    r.reviewed_at,
    u.full_name AS reviewed_by_name,
    u.role AS reviewed_by_role
FROM prescription_review AS r
INNER JOIN app_user AS u ON r.reviewed_by = u.id
WHERE r.prescription_id = :prescription_id AND r.patient_id = :patient_id
ORDER BY r.reviewed_at DESC, r.id DESC;

-- name: medication_check
-- Every safety warning for a proposed dose, in one round trip.
SELECT
    c.kind,
    c.severity,
    c.subject,
    c.detail_en,
    c.detail_sv
FROM
    medication_check(
        :patient_id, :drug_id, :dose, cast(:dose_unit AS dose_unit), :doses_per_day, :prescription_id
    ) AS c
ORDER BY c.severity DESC, c.kind ASC, c.subject ASC;

-- name: medication_check_schedule
-- The same checks for a dose written as a schedule: the doses a day come
-- from the schedule as the database counts them (dose_schedule_per_day).
SELECT
    c.kind,
    c.severity,
    c.subject,
    c.detail_en,
    c.detail_sv
FROM
    medication_check(
        :patient_id, :drug_id, :dose, cast(:dose_unit AS dose_unit),
        dose_schedule_per_day(
            cast(:schedule AS dose_schedule), cast(:times_of_day AS time[]), cast(:interval_hours AS smallint),
            cast(:max_doses_per_day AS smallint)
        ),
        :prescription_id
    ) AS c
ORDER BY c.severity DESC, c.kind ASC, c.subject ASC;

-- name: prescription_version_insert^
-- A version: the first, a change, pause, resumption, renewal or end. The
-- database fills in the rest (prescription_version_fill) and refuses what
-- the rules do not allow.
INSERT INTO prescription_version (
    prescription_id, patient_id, drug_id, change, based_on, care_unit_id, dose, dose_unit, route, schedule,
    times_of_day, interval_hours, max_doses_per_day, starts_at, ends_at, indication_id, instructions, reason,
    override_reason
)
VALUES (
    :prescription_id, :patient_id, :drug_id, cast(:change AS prescription_change), :based_on, :care_unit_id, :dose,
    cast(:dose_unit AS dose_unit), cast(:route AS medication_route), cast(:schedule AS dose_schedule),
    cast(:times_of_day AS time[]), :interval_hours, :max_doses_per_day, :starts_at, :ends_at, :indication_id,
    :instructions, :reason, :override_reason
)
RETURNING id, prescription_id, version_no;

-- name: prescription_review_insert^
-- A pharmacist's approval or query, or the prescriber's answer.
INSERT INTO prescription_review (prescription_id, version_id, outcome, message)
VALUES (:prescription_id, :version_id, cast(:outcome AS prescription_review_state), :message)
RETURNING id, patient_id;

-- name: review_queue
-- The pharmacist's queue: active prescriptions waiting for review (new,
-- changed, or answered after a query), oldest first.
SELECT
    p.id,
    p.patient_id,
    p.review_state,
    pt.given_name,
    pt.family_name,
    pt.personal_number,
    d.generic_name,
    d.form,
    d.strength,
    d.strength_unit,
    v.dose,
    v.dose_unit,
    v.route,
    v.schedule,
    v.written_at,
    u.full_name AS written_by_name,
    (SELECT count(*) FROM prescription_warning AS pw WHERE pw.version_id = v.id) AS warnings
FROM prescription AS p
INNER JOIN prescription_version AS v ON p.current_version_id = v.id
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN patient AS pt ON p.patient_id = pt.id
INNER JOIN app_user AS u ON v.written_by = u.id
WHERE p.status = 'active' AND p.review_state IN ('pending', 'answered')
ORDER BY v.written_at, p.id
LIMIT :limit;

-- name: queries_for_prescriber
-- Queries from the pharmacy waiting for a doctor's answer, on prescriptions
-- they wrote the current version of.
SELECT
    p.id,
    p.patient_id,
    pt.given_name,
    pt.family_name,
    d.generic_name,
    r.message,
    r.reviewed_at,
    u.full_name AS reviewed_by_name
FROM prescription AS p
INNER JOIN prescription_version AS v ON p.current_version_id = v.id
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN patient AS pt ON p.patient_id = pt.id
INNER JOIN LATERAL (
    SELECT
        rr.message,
        rr.reviewed_at,
        rr.reviewed_by
    FROM prescription_review AS rr
    WHERE rr.prescription_id = p.id
    ORDER BY rr.reviewed_at DESC, rr.id DESC
    LIMIT 1
) AS r ON true
INNER JOIN app_user AS u ON r.reviewed_by = u.id
WHERE p.review_state = 'queried' AND v.written_by = :user_id
ORDER BY r.reviewed_at;

-- name: allergies_for_dosing
-- The patient's current allergies, for the pharmacist's review.
SELECT
    a.substance,
    a.atc_code,
    a.category,
    a.severity,
    a.reaction,
    a.is_intolerance
FROM allergy AS a
WHERE a.patient_id = :patient_id AND a.entered_in_error_at IS NULL
ORDER BY a.severity DESC, a.substance ASC;

-- name: latest_weight^
-- The latest recorded weight, for dosing.
SELECT
    v.weight_kg,
    v.measured_at
FROM vital_signs AS v
WHERE v.patient_id = :patient_id AND v.weight_kg IS NOT NULL AND v.entered_in_error_at IS NULL
ORDER BY v.measured_at DESC
LIMIT 1;

-- name: diagnoses_active
-- The patient's active diagnoses, to link as an indication.
SELECT
    dx.id,
    dx.code,
    icd.title
FROM diagnosis AS dx
INNER JOIN icd10_code AS icd ON dx.code = icd.code
WHERE dx.patient_id = :patient_id AND dx.resolved_date IS NULL AND dx.entered_in_error_at IS NULL
ORDER BY dx.recorded_at DESC;

-- name: mar_doses
-- The ward's doses due in a window, with their patients and drugs.
SELECT
    m.prescription_id,
    m.patient_id,
    m.scheduled_for,
    m.administration_id,
    m.outcome,
    m.administered_at,
    pt.given_name,
    pt.family_name,
    d.generic_name,
    d.form,
    d.strength,
    d.strength_unit,
    v.dose,
    v.dose_unit,
    v.route,
    v.instructions
FROM mar_doses(:care_unit_id, :from_at, :to_at) AS m
INNER JOIN prescription_version AS v ON m.version_id = v.id
INNER JOIN prescription AS p ON m.prescription_id = p.id
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN patient AS pt ON m.patient_id = pt.id
ORDER BY m.scheduled_for, pt.family_name, pt.given_name, d.generic_name;

-- name: mar_as_needed
-- The ward's as-needed prescriptions, with how many doses were given today.
SELECT
    p.id AS prescription_id,
    p.patient_id,
    pt.given_name,
    pt.family_name,
    d.generic_name,
    d.form,
    d.strength,
    d.strength_unit,
    v.dose,
    v.dose_unit,
    v.route,
    v.max_doses_per_day,
    v.instructions,
    (
        SELECT count(*) FROM medication_administration AS a
        WHERE
            a.prescription_id = p.id AND a.outcome = 'given' AND a.entered_in_error_at IS NULL
            AND a.administered_at >= hms_day_start(hms_today())
    ) AS given_today
FROM encounter AS e
INNER JOIN prescription AS p ON e.patient_id = p.patient_id AND p.status = 'active'
INNER JOIN prescription_version AS v ON p.current_version_id = v.id AND v.schedule = 'as_needed'
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN patient AS pt ON p.patient_id = pt.id
WHERE e.care_unit_id = :care_unit_id AND e.ended_at IS NULL
ORDER BY pt.family_name, pt.given_name, d.generic_name;

-- name: administration_insert^
-- A dose given, not given or refused. Who recorded it is the verified user.
INSERT INTO medication_administration (
    prescription_id, care_unit_id, scheduled_for, outcome, administered_at, dose, dose_unit, note
)
VALUES (
    :prescription_id, :care_unit_id, :scheduled_for, cast(:outcome AS administration_outcome), :administered_at,
    :dose, cast(:dose_unit AS dose_unit), :note
)
RETURNING id, patient_id;

-- name: administrations
-- The doses recorded on one prescription, newest first.
SELECT
    a.id,
    a.scheduled_for,
    a.outcome,
    a.administered_at,
    a.dose,
    a.dose_unit,
    a.note,
    a.entered_in_error_at,
    a.entered_in_error_reason,
    u.full_name AS recorded_by_name
FROM medication_administration AS a
INNER JOIN app_user AS u ON a.recorded_by = u.id
WHERE a.prescription_id = :prescription_id AND a.patient_id = :patient_id
ORDER BY a.administered_at DESC, a.id DESC
LIMIT :limit;

-- name: medication_current
-- The drugs a patient takes now, for the chart's summary (one query).
SELECT
    p.id,
    p.status,
    d.generic_name,
    d.form,
    d.strength,
    d.strength_unit,
    d.strength_per,
    v.dose,
    v.dose_unit,
    v.route,
    v.schedule,
    v.times_of_day,
    v.interval_hours,
    v.max_doses_per_day
FROM prescription AS p
INNER JOIN prescription_version AS v ON p.current_version_id = v.id
INNER JOIN drug AS d ON p.drug_id = d.id
WHERE p.patient_id = :patient_id AND p.status <> 'discontinued'
ORDER BY d.generic_name, p.id;

-- name: latest_renal_function^
-- The latest kidney function, for dosing.
SELECT
    r.egfr,
    r.creatinine,
    r.measured_at
FROM renal_function AS r
WHERE r.patient_id = :patient_id AND r.entered_in_error_at IS NULL
ORDER BY r.measured_at DESC
LIMIT 1;

-- name: renal_function_add^
-- A measurement of kidney function, recorded in the recorder's name.
INSERT INTO renal_function (patient_id, care_unit_id, measured_at, egfr, creatinine, recorded_by)
VALUES (:patient_id, :care_unit_id, :measured_at, :egfr, :creatinine, :by)
RETURNING id;

-- name: active_prescriptions
-- Every active prescription the pharmacist oversees, by patient, with what
-- dosing depends on: allergies, the latest weight and kidney function.
-- Optionally only the patients with an open encounter on one unit.
SELECT
    p.id,
    p.patient_id,
    p.review_state,
    pt.given_name,
    pt.family_name,
    pt.personal_number,
    d.generic_name,
    d.form,
    d.strength,
    d.strength_unit,
    d.strength_per,
    v.dose,
    v.dose_unit,
    v.route,
    v.schedule,
    v.times_of_day,
    v.interval_hours,
    v.max_doses_per_day,
    (
        SELECT string_agg(a.substance, ', ' ORDER BY a.substance) FROM allergy AS a
        WHERE a.patient_id = p.patient_id AND a.entered_in_error_at IS NULL
    ) AS allergies,
    (
        SELECT vs.weight_kg FROM vital_signs AS vs
        WHERE vs.patient_id = p.patient_id AND vs.weight_kg IS NOT NULL AND vs.entered_in_error_at IS NULL
        ORDER BY vs.measured_at DESC LIMIT 1
    ) AS weight_kg,
    (
        SELECT rf.egfr FROM renal_function AS rf
        WHERE rf.patient_id = p.patient_id AND rf.egfr IS NOT NULL AND rf.entered_in_error_at IS NULL
        ORDER BY rf.measured_at DESC LIMIT 1
    ) AS egfr
FROM prescription AS p
INNER JOIN prescription_version AS v ON p.current_version_id = v.id
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN patient AS pt ON p.patient_id = pt.id
WHERE
    p.status = 'active'
    AND (
        cast(:care_unit_id AS bigint) IS NULL
        OR EXISTS (
            SELECT 1 FROM encounter AS e
            WHERE e.patient_id = p.patient_id AND e.care_unit_id = :care_unit_id AND e.ended_at IS NULL
        )
    )
ORDER BY pt.family_name, pt.given_name, p.patient_id, d.generic_name
LIMIT :limit;

-- name: prescription_changes_between
-- Every prescription version a patient's prescriptions got in a period (a
-- stay): started, changed, paused, resumed, renewed, discontinued, in the
-- order they were written, for the discharge summary.
SELECT
    v.prescription_id,
    v.version_no,
    v.change,
    v.dose,
    v.dose_unit,
    v.route,
    v.schedule,
    v.times_of_day,
    v.interval_hours,
    v.max_doses_per_day,
    v.reason,
    v.written_at,
    d.generic_name,
    d.strength,
    d.strength_unit,
    d.form
FROM prescription_version AS v
INNER JOIN drug AS d ON v.drug_id = d.id
WHERE v.patient_id = :patient_id AND v.written_at >= :since AND v.written_at <= :until
ORDER BY v.written_at ASC, v.prescription_id ASC, v.version_no ASC;
