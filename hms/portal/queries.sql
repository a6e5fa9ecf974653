-- name: proxy_grants_for_patient
-- A patient's proxy grants, active first, newest first, with the basis each
-- rests on (and, for consent, who took it, when and how).
SELECT
    g.id,
    g.scopes::text[] AS scopes,
    g.starts_on,
    g.ends_on,
    g.revoked_at,
    g.created_at,
    g.basis::text AS basis,
    g.consent_method::text AS consent_method,
    g.consent_taken_at,
    c.full_name AS consent_taken_by,
    r.username AS relative_username,
    r.full_name AS relative_name,
    b.full_name AS granted_by,
    hms_proxy_grant_in_force(g.starts_on, g.ends_on, g.revoked_at) AS is_active
FROM proxy_grant AS g
INNER JOIN app_user AS r ON g.relative_user_id = r.id
INNER JOIN app_user AS b ON g.granted_by = b.id
LEFT JOIN app_user AS c ON g.consent_taken_by = c.id
WHERE g.patient_id = :patient_id
ORDER BY g.revoked_at IS NULL DESC, g.created_at DESC;

-- name: proxy_grant_add^
-- Grant a relative access to a patient within scopes and a period, on a
-- basis: the patient's own in the portal, a guardian's, or recorded consent
-- (taken now unless said: the transaction's now, which is the grant's
-- created_at, so "consent before the grant" holds).
INSERT INTO proxy_grant (
    patient_id, relative_user_id, scopes, starts_on, ends_on, granted_by,
    basis, consent_taken_by, consent_taken_at, consent_method
)
VALUES (
    :patient_id, :relative_user_id, :scopes::proxy_scope[], :starts_on, :ends_on, :by,
    :basis::proxy_basis, :consent_taken_by,
    coalesce(:consent_taken_at, CASE WHEN :basis = 'recorded_consent' THEN now() END),
    :consent_method::proxy_consent_method
)
RETURNING id;

-- name: proxy_grant_revoke^
-- Revoke a grant (kept, with the time it ended).
UPDATE proxy_grant SET revoked_at = now()
WHERE id = :grant_id AND patient_id = :patient_id AND revoked_at IS NULL
RETURNING id;

-- name: granted_patients
-- Patients who have granted this relative access that is in force today.
SELECT
    p.id AS patient_id,
    p.given_name,
    p.family_name,
    g.scopes::text[] AS scopes,
    g.ends_on
FROM proxy_grant AS g
INNER JOIN patient AS p ON g.patient_id = p.id
WHERE
    g.relative_user_id = :user_id
    AND hms_proxy_grant_in_force(g.starts_on, g.ends_on, g.revoked_at)
ORDER BY p.family_name, p.given_name;

-- name: blocks_for_patient
-- A patient's blocks, active first.
SELECT
    b.id,
    b.care_unit_id,
    cu.name AS care_unit,
    b.created_at,
    b.revoked_at
FROM journal_block AS b
INNER JOIN care_unit AS cu ON b.care_unit_id = cu.id
WHERE b.patient_id = :patient_id
ORDER BY b.revoked_at IS NULL DESC, b.created_at DESC;

-- name: block_add^
-- Block one care unit's entries from staff of other units.
INSERT INTO journal_block (patient_id, care_unit_id, created_by)
VALUES (:patient_id, :care_unit_id, :by)
RETURNING id;

-- name: block_revoke^
-- Lift a block (kept, with the time it was lifted).
UPDATE journal_block SET revoked_at = now()
WHERE id = :block_id AND patient_id = :patient_id AND revoked_at IS NULL
RETURNING id;
