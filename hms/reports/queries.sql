-- Reports read the report_* views of 0038 only: aggregates over a unit and a
-- day or month, already kept to the user's units and already suppressed.

-- name: scope_units
-- The care units the user may report on, with their departments.
SELECT
    u.id AS care_unit_id,
    u.name AS care_unit,
    d.id AS department_id,
    d.name AS department
FROM care_unit AS u
INNER JOIN department AS d ON u.department_id = d.id
WHERE u.id = ANY((SELECT HMS_REPORT_UNITS())::bigint[])
ORDER BY d.name, u.name;

-- name: departments_headed
-- The departments the user heads (the clinician's home page links to their reports).
SELECT
    d.id AS department_id,
    d.name AS department
FROM department_head AS h
INNER JOIN department AS d ON h.department_id = d.id
WHERE h.user_id = :user_id
ORDER BY d.name;

-- name: freshness
-- When each figure was last refreshed.
SELECT
    figure,
    refreshed_at,
    took_ms
FROM report_refresh
ORDER BY figure;

-- name: department_heads
-- Every department with its heads, for the administrator's page.
SELECT
    d.id AS department_id,
    d.name AS department,
    d.name || ' (' || d.code || ')' AS department_label,
    u.id AS user_id,
    u.full_name,
    u.role,
    h.appointed_at
FROM department AS d
LEFT JOIN department_head AS h ON d.id = h.department_id
LEFT JOIN app_user AS u ON h.user_id = u.id
ORDER BY d.name, u.full_name;

-- name: head_candidates
-- Who may head a department: active doctors, nurses and administrators.
SELECT
    id AS user_id,
    full_name,
    role
FROM app_user
WHERE is_active AND role IN ('doctor', 'nurse', 'administrator')
ORDER BY full_name, id;

-- name: department_head_appoint
-- Appoint a head (the function checks that the user is an administrator).
SELECT DEPARTMENT_HEAD_APPOINT(:department_id, :user_id);

-- name: department_head_remove
-- Remove a head.
SELECT DEPARTMENT_HEAD_REMOVE(:department_id, :user_id);

-- name: flow_ward_day
-- Admissions, discharges and the noon census per ward and day.
SELECT
    care_unit_id,
    care_unit,
    ward,
    day,
    admitted,
    discharged,
    occupied,
    beds,
    occupancy_pct
FROM report_flow_ward_day
WHERE
    day BETWEEN :from_day AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, ward, day;

-- name: flow_unit_month
-- Discharges, mean length of stay and readmissions within 30 days per unit and month.
SELECT
    care_unit_id,
    care_unit,
    month,
    discharges,
    mean_stay_days,
    readmissions
FROM report_flow_unit_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month;

-- name: clinical_chapter_month
-- Diagnoses per ICD-10 chapter, unit and month.
SELECT
    care_unit_id,
    care_unit,
    month,
    chapter,
    diagnoses
FROM report_clinical_chapter_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month, chapter;

-- name: clinical_diagnosis_month
-- Diagnoses per ICD-10 code, unit and month.
SELECT
    care_unit_id,
    care_unit,
    month,
    chapter,
    code,
    title,
    title_sv,
    diagnoses
FROM report_clinical_diagnosis_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month, code;

-- name: clinical_procedure_month
-- Procedures per code, unit and month (surgery apart).
SELECT
    care_unit_id,
    care_unit,
    month,
    code,
    is_surgery,
    procedures
FROM report_clinical_procedure_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit ASC, month ASC, is_surgery DESC, code ASC;

-- name: clinical_news2_month
-- NEWS2 sets, red sets and the median minutes to the next set per unit and month.
SELECT
    care_unit_id,
    care_unit,
    month,
    scored_sets,
    red_sets,
    median_minutes_to_next
FROM report_clinical_news2_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month;

-- name: clinical_critical_month
-- Critical laboratory results and the median minutes to acknowledgement per unit and month.
SELECT
    care_unit_id,
    care_unit,
    month,
    critical_results,
    acknowledged,
    median_minutes_to_ack
FROM report_clinical_critical_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month;

-- name: access_wait_month
-- First visits after a referral or booking request, the median wait and the 90-day guarantee.
SELECT
    care_unit_id,
    care_unit,
    month,
    first_visits,
    median_wait_days,
    within_90_days_pct
FROM report_access_wait_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month;

-- name: access_attendance_month
-- Appointments attended and missed per unit and month.
SELECT
    care_unit_id,
    care_unit,
    month,
    attended,
    no_shows,
    no_show_pct
FROM report_access_attendance_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month;

-- name: access_clinician_month
-- Appointments per clinician and month.
SELECT
    care_unit_id,
    care_unit,
    clinician,
    month,
    appointments
FROM report_access_clinician_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, clinician, month;

-- name: medication_atc_month
-- New prescriptions per ATC group, unit and month.
SELECT
    care_unit_id,
    care_unit,
    month,
    atc_group,
    atc_name,
    atc_name_sv,
    prescriptions
FROM report_medication_atc_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month, atc_group;

-- name: medication_override_month
-- Overridden safety warnings per unit, month and kind.
SELECT
    care_unit_id,
    care_unit,
    month,
    kind,
    overrides
FROM report_medication_override_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month, kind;

-- name: medication_stock
-- Each stock location's value, expiring batches and stock-outs, as of the refresh (the period does not apply).
SELECT
    care_unit_id,
    care_unit,
    location,
    as_of,
    stock_value,
    expiring_batches,
    stock_outs
FROM report_medication_stock
WHERE :unit_id::bigint IS NULL OR care_unit_id = :unit_id
ORDER BY care_unit NULLS FIRST, location;

-- name: oversight_emergency_month
-- Emergency accesses per month and review state (the hospital's; administrators only).
SELECT
    month,
    review,
    accesses,
    median_hours_to_review
FROM report_oversight_emergency_month
WHERE month BETWEEN :from_month AND :to_day
ORDER BY month, review;

-- name: oversight_consultation_month
-- Consultations asked per unit and month, and how soon they were answered.
SELECT
    care_unit_id,
    care_unit,
    month,
    consultations,
    answered,
    median_hours_to_answer
FROM report_oversight_consultation_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month;

-- name: communication_message_month
-- Conversations with each unit per month, and how soon the unit first answered.
SELECT
    care_unit_id,
    care_unit,
    month,
    threads,
    answered,
    median_hours_to_answer
FROM report_communication_message_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month;

-- name: communication_request_month
-- Care requests per unit, month and kind, and how soon they were answered.
SELECT
    care_unit_id,
    care_unit,
    month,
    kind,
    requests,
    answered,
    median_hours_to_answer
FROM report_communication_request_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month, kind;

-- name: communication_referral_month
-- Referrals received per unit, month and urgency, and how soon they were decided.
SELECT
    care_unit_id,
    care_unit,
    month,
    urgency,
    referrals,
    decided,
    median_hours_to_decision,
    within_target_pct
FROM report_communication_referral_month
WHERE
    month BETWEEN :from_month AND :to_day
    AND (:unit_id::bigint IS NULL OR care_unit_id = :unit_id)
ORDER BY care_unit, month, urgency;
