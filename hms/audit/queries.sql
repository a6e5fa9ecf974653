-- name: audit_insert!
-- One access to one patient's data (or to none, for a refused or empty lookup).
INSERT INTO audit_log (
    user_id, user_role, patient_id, action, object_type, object_id, client_addr, outcome, reason, detail
)
VALUES (
    :user_id, :user_role, :patient_id, :action, :object_type, :object_id, :client_addr, :outcome, :reason, :detail
);

-- name: audit_insert_many!
-- One row per patient shown in a list or search result, in one statement.
INSERT INTO audit_log (user_id, user_role, patient_id, action, client_addr, detail)
SELECT
    :user_id AS user_id,
    :user_role AS user_role,
    ids.patient_id,
    :action AS action,
    :client_addr AS client_addr,
    :detail AS detail
FROM unnest(:patient_ids::bigint[]) AS ids (patient_id);

-- name: audit_for_patient
-- A patient's accesses, newest first (review pages and the patient's own log).
SELECT
    a.id,
    a.at,
    a.action,
    a.outcome,
    a.user_role,
    u.full_name AS user_name
FROM audit_log AS a
LEFT JOIN app_user AS u ON a.user_id = u.id
WHERE a.patient_id = :patient_id
ORDER BY a.at DESC, a.id DESC
LIMIT :limit;
