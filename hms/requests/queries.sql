-- name: request_file$
-- File a request (the database checks who may ask what, and routes it).
SELECT
    care_request_file(
        :patient_id, :kind, :care_unit_id, :prescription_id, :note_id, :body, :proposed_text
    ) AS id;

-- name: request_take!
-- A handler takes an open request routed to them.
SELECT care_request_take(:request_id);

-- name: request_decide!
-- The handler who took the request answers, approves or refuses it.
SELECT
    care_request_decide(
        :request_id, :outcome, :answer, :prescription_version_id, :amended_version_id, :appointment_id
    );

-- name: request_withdraw!
-- The patient side withdraws a request still open.
SELECT care_request_withdraw(:request_id);

-- name: request_units
-- The care units a request of this kind may go to (contact with the patient).
SELECT
    u.id,
    u.name
FROM care_request_units(:patient_id, :kind) AS u;

-- name: requests_for_patient
-- A patient's requests, newest first, with what each concerns and its answer
-- (row-level security shows the kinds the reader may see).
SELECT
    r.id,
    r.patient_id,
    r.kind,
    r.status,
    r.care_unit_id,
    cu.name AS care_unit,
    r.prescription_id,
    d.generic_name AS drug,
    r.note_id,
    r.body,
    r.proposed_text,
    r.filed_at,
    f.full_name AS filed_by_name,
    r.answer,
    r.answered_at,
    a.full_name AS answered_by_name,
    r.prescription_version_id,
    r.amended_version_id,
    r.appointment_id
FROM care_request AS r
INNER JOIN care_unit AS cu ON r.care_unit_id = cu.id
INNER JOIN app_user AS f ON r.filed_by = f.id
LEFT JOIN app_user AS a ON r.answered_by = a.id
LEFT JOIN prescription AS p ON r.prescription_id = p.id
LEFT JOIN drug AS d ON p.drug_id = d.id
WHERE r.patient_id = :patient_id
ORDER BY r.filed_at DESC, r.id DESC
LIMIT :limit;

-- name: request_get^
-- One request with its patient, unit and the people who handled it.
SELECT
    r.id,
    r.patient_id,
    pt.given_name,
    pt.family_name,
    pt.personal_number,
    r.kind,
    r.status,
    r.care_unit_id,
    cu.name AS care_unit,
    r.prescription_id,
    r.prescriber_id,
    d.generic_name AS drug,
    r.note_id,
    r.note_version_id,
    r.body,
    r.proposed_text,
    r.filed_by,
    f.full_name AS filed_by_name,
    r.filed_at,
    r.taken_by,
    t.full_name AS taken_by_name,
    r.taken_at,
    r.answer,
    r.answered_by,
    a.full_name AS answered_by_name,
    r.answered_at,
    r.prescription_version_id,
    r.amended_version_id,
    r.appointment_id
FROM care_request AS r
INNER JOIN patient AS pt ON r.patient_id = pt.id
INNER JOIN care_unit AS cu ON r.care_unit_id = cu.id
INNER JOIN app_user AS f ON r.filed_by = f.id
LEFT JOIN app_user AS t ON r.taken_by = t.id
LEFT JOIN app_user AS a ON r.answered_by = a.id
LEFT JOIN prescription AS p ON r.prescription_id = p.id
LEFT JOIN drug AS d ON p.drug_id = d.id
WHERE r.id = :request_id;

-- name: request_queue
-- The requests still to be handled that are routed to the user: renewals of
-- their prescriptions (care_request_prescriber_idx) and the kinds their role
-- handles in their units (care_request_unit_queue_idx); oldest first.
SELECT
    r.id,
    r.patient_id,
    pt.given_name,
    pt.family_name,
    pt.personal_number,
    r.kind,
    r.status,
    cu.name AS care_unit,
    r.filed_at,
    t.full_name AS taken_by_name,
    r.taken_by
FROM care_request AS r
INNER JOIN patient AS pt ON r.patient_id = pt.id
INNER JOIN care_unit AS cu ON r.care_unit_id = cu.id
LEFT JOIN app_user AS t ON r.taken_by = t.id
WHERE
    (
        r.kind = 'renewal' AND r.prescriber_id = :user_id
        AND r.status IN ('open', 'in_progress')
    )
    OR (
        r.care_unit_id = any(:unit_ids::bigint[])
        AND r.kind = any(:kinds::care_request_kind[])
        AND r.status IN ('open', 'in_progress')
    )
ORDER BY r.filed_at, r.id
LIMIT :limit;

-- name: request_kinds_for_role
-- The kinds a staff role handles in its units (the database's routing).
SELECT k.kind
FROM unnest(enum_range(null::care_request_kind)) AS k (kind)
WHERE care_request_routes_to(k.kind, :role)
ORDER BY k.kind;
