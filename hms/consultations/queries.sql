-- name: consultation_request^
-- A doctor's question about a patient to an external specialist, with the
-- parts of the record the specialist may read. Row-level security
-- (consultation_request, consultation_request_by_doctor) checks the
-- requester's access, role and unit once more.
INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts)
VALUES (:patient_id, :care_unit_id, :by, :specialist_id, :question, :parts::consultation_part[])
RETURNING id;

-- name: consultation_answer$
-- The specialist answers an open consultation: the answer and its signed
-- journal note in their name, in one function (migration 0027); returns the
-- note's id. From then on they no longer reach the patient.
SELECT consultation_answer(:consultation_id, :answer);

-- name: consultation_close!
-- The requesting doctor closes an answered consultation.
SELECT consultation_close(:consultation_id);

-- name: consultation_withdraw!
-- The requesting doctor withdraws a consultation not yet answered; the
-- specialist's access ends at once.
SELECT consultation_withdraw(:consultation_id, :reason);

-- name: consultation_answer_seen!
-- The requester opened the answer: it is no longer new to them.
SELECT consultation_answer_seen(:consultation_id);

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
    c.parts::text[] AS parts,
    c.created_at,
    c.answered_at,
    c.answer_note_id,
    c.answer_seen_at,
    c.closed_at,
    c.withdrawn_at,
    c.withdraw_reason,
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
-- then newest first. Uses consultation_specialist_idx for specialists and
-- consultation_requester_idx for requesters.
SELECT
    c.id,
    c.patient_id,
    c.status::text AS status,
    c.created_at,
    c.answered_at,
    c.closed_at,
    c.withdrawn_at,
    c.status = 'answered' AND c.answer_seen_at IS NULL AND c.requested_by = :user_id AS answer_unseen,
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
