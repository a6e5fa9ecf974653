-- name: consultation_request^
-- A doctor's question about a patient to an external specialist. Row-level
-- security (consultation_request) checks the requester's access once more.
INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question)
VALUES (:patient_id, :care_unit_id, :by, :specialist_id, :question)
RETURNING id;

-- name: consultation_answer^
-- The specialist answers an open consultation; from then on they no longer
-- reach the patient (hms_access_basis counts only open consultations). The
-- status in the WHERE makes the transition race-free: one answer wins.
UPDATE consultation
SET status = 'answered', answer = :answer, answered_at = now()
WHERE id = :consultation_id AND specialist_id = :by AND status = 'open'
RETURNING id, patient_id;

-- name: consultation_close^
-- The requesting doctor closes an answered consultation.
UPDATE consultation
SET status = 'closed', closed_at = now()
WHERE id = :consultation_id AND requested_by = :by AND status = 'answered'
RETURNING id, patient_id;

-- name: consultation_get^
-- One consultation, for its requester or its specialist only. The patient's
-- name shows only while the user may see the patient (row-level security on
-- patient), hence the outer join.
SELECT
    c.id,
    c.patient_id,
    c.care_unit_id,
    c.requested_by,
    c.specialist_id,
    c.question,
    c.answer,
    c.status::text AS status,
    c.created_at,
    c.answered_at,
    c.closed_at,
    cu.name AS care_unit,
    r.full_name AS requester,
    s.full_name AS specialist,
    p.given_name,
    p.family_name
FROM consultation AS c
INNER JOIN care_unit AS cu ON c.care_unit_id = cu.id
INNER JOIN app_user AS r ON c.requested_by = r.id
INNER JOIN app_user AS s ON c.specialist_id = s.id
LEFT JOIN patient AS p ON c.patient_id = p.id
WHERE c.id = :consultation_id AND (c.requested_by = :user_id OR c.specialist_id = :user_id);

-- name: consultations_mine
-- The user's consultations, as requester or as specialist: open ones first,
-- then newest first. Uses consultation_specialist_idx for specialists.
SELECT
    c.id,
    c.patient_id,
    c.status::text AS status,
    c.created_at,
    c.answered_at,
    c.closed_at,
    left(c.question, 120) AS question_start,
    cu.name AS care_unit,
    r.full_name AS requester,
    s.full_name AS specialist,
    p.given_name,
    p.family_name,
    p.personal_number
FROM consultation AS c
INNER JOIN care_unit AS cu ON c.care_unit_id = cu.id
INNER JOIN app_user AS r ON c.requested_by = r.id
INNER JOIN app_user AS s ON c.specialist_id = s.id
LEFT JOIN patient AS p ON c.patient_id = p.id
WHERE
    (c.requested_by = :user_id OR c.specialist_id = :user_id)
    AND (:status::text IS NULL OR c.status::text = :status)
ORDER BY (c.status = 'open') DESC, c.created_at DESC, c.id DESC
LIMIT :limit;
