-- name: referral_send$
-- Send a referral (migration 0028: a doctor, from their unit, for a patient
-- in their care, naming her own diagnoses); returns its id.
SELECT referral_send(
    :patient_id, :from_unit_id, :to_unit_id, :urgency::referral_urgency, :question, :diagnosis_ids::bigint[]
);

-- name: referral_accept$
-- A doctor of the receiving unit accepts; returns the care assignment's id.
SELECT referral_accept(:referral_id);

-- name: referral_reject!
-- A doctor of the receiving unit rejects, with a reason.
SELECT referral_reject(:referral_id, :reason);

-- name: referral_withdraw!
-- The sender withdraws a referral not yet answered.
SELECT referral_withdraw(:referral_id, :reason);

-- name: referral_get^
-- One referral the user may read (row-level security: the sender, and the
-- doctors of the sending and the receiving unit), with the patient's
-- identity, the units, the people, and when an answer is due.
SELECT
    r.id,
    r.patient_id,
    r.from_unit_id,
    r.to_unit_id,
    r.sent_by,
    r.urgency::text AS urgency,
    r.question,
    r.status::text AS status,
    r.sent_at,
    r.decided_at,
    r.decision_reason,
    r.turnaround,
    r.sent_at + make_interval(days => t.target_days) AS due_at,
    t.target_days,
    fu.name AS from_unit,
    tu.name AS to_unit,
    s.full_name AS sender,
    d.full_name AS decided_by,
    p.given_name,
    p.family_name,
    p.personal_number
FROM referral AS r
INNER JOIN referral_urgency_target AS t ON r.urgency = t.urgency
INNER JOIN care_unit AS fu ON r.from_unit_id = fu.id
INNER JOIN care_unit AS tu ON r.to_unit_id = tu.id
INNER JOIN app_user AS s ON r.sent_by = s.id
LEFT JOIN app_user AS d ON r.decided_by = d.id
LEFT JOIN patient AS p ON r.patient_id = p.id
WHERE r.id = :referral_id;

-- name: referral_diagnoses
-- The diagnoses a referral names, as sent, with their titles.
SELECT
    rd.diagnosis_id,
    rd.code,
    c.title
FROM referral_diagnosis AS rd
INNER JOIN icd10_code AS c ON rd.code = c.code
WHERE rd.referral_id = :referral_id
ORDER BY rd.code;

-- name: referrals_incoming
-- Referrals to the user's units: those waiting first (oldest first, from
-- referral_incoming_sent_idx), then the decided ones, newest first.
SELECT
    r.id,
    r.patient_id,
    r.urgency::text AS urgency,
    r.status::text AS status,
    r.sent_at,
    r.decided_at,
    r.turnaround,
    r.sent_at + make_interval(days => t.target_days) AS due_at,
    left(r.question, 120) AS question_start,
    fu.name AS from_unit,
    tu.name AS to_unit,
    s.full_name AS sender,
    p.given_name,
    p.family_name,
    p.personal_number
FROM referral AS r
INNER JOIN referral_urgency_target AS t ON r.urgency = t.urgency
INNER JOIN care_unit AS fu ON r.from_unit_id = fu.id
INNER JOIN care_unit AS tu ON r.to_unit_id = tu.id
INNER JOIN app_user AS s ON r.sent_by = s.id
LEFT JOIN patient AS p ON r.patient_id = p.id
WHERE r.to_unit_id = any(:unit_ids::bigint[])
ORDER BY (r.status = 'sent') DESC, CASE WHEN r.status = 'sent' THEN r.sent_at END ASC, r.sent_at DESC, r.id DESC
LIMIT :limit;

-- name: referrals_outgoing
-- The referrals the user sent, newest first (referral_sent_by_idx).
SELECT
    r.id,
    r.patient_id,
    r.urgency::text AS urgency,
    r.status::text AS status,
    r.sent_at,
    r.decided_at,
    r.turnaround,
    r.sent_at + make_interval(days => t.target_days) AS due_at,
    left(r.question, 120) AS question_start,
    fu.name AS from_unit,
    tu.name AS to_unit,
    s.full_name AS sender,
    p.given_name,
    p.family_name,
    p.personal_number
FROM referral AS r
INNER JOIN referral_urgency_target AS t ON r.urgency = t.urgency
INNER JOIN care_unit AS fu ON r.from_unit_id = fu.id
INNER JOIN care_unit AS tu ON r.to_unit_id = tu.id
INNER JOIN app_user AS s ON r.sent_by = s.id
LEFT JOIN patient AS p ON r.patient_id = p.id
WHERE r.sent_by = :user_id
ORDER BY r.sent_at DESC, r.id DESC
LIMIT :limit;

-- name: urgency_targets
-- The urgencies and their target days, for the form.
SELECT
    urgency::text AS urgency,
    target_days
FROM referral_urgency_target
ORDER BY target_days DESC;
