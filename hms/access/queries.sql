-- name: access_basis^
-- The access decision for one patient and area (migration 0009), and whether
-- the patient exists at all (for the audit row of a refusal only).
SELECT
    hms_access_basis(:patient_id, :area) AS basis,
    hms_patient_exists(:patient_id) AS known;

-- name: emergency_access_open^
-- Break the glass: four hours' access to one patient, with a reason.
INSERT INTO emergency_access (user_id, patient_id, reason)
VALUES (:user_id, :patient_id, :reason)
RETURNING id, expires_at;

-- name: emergency_access_active^
-- The user's running emergency access to a patient, if any.
SELECT
    id,
    reason,
    starts_at,
    expires_at
FROM emergency_access
WHERE user_id = :user_id AND patient_id = :patient_id AND now() < expires_at
ORDER BY expires_at DESC
LIMIT 1;

-- name: contact_visible$
-- Whether the current user may see a protected patient's contact details.
SELECT hms_contact_visible(:patient_id) AS visible;
