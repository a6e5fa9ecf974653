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

-- name: contact_visible$
-- Whether the current user may see a protected patient's contact details.
SELECT hms_contact_visible(:patient_id) AS visible;

-- name: emergency_queue
-- Emergency accesses for review: unreviewed first (oldest waiting at the
-- top), then the most recently reviewed. Served by emergency_access_unreviewed_idx.
SELECT
    e.id,
    e.user_id,
    e.patient_id,
    e.reason,
    e.starts_at,
    e.expires_at,
    e.expires_at > now() AS is_active,
    e.reviewed_at,
    e.review::text AS review,
    e.review_comment,
    u.username,
    u.full_name AS user_name,
    u.role::text AS user_role,
    r.full_name AS reviewer_name,
    p.personal_number,
    p.given_name,
    p.family_name
FROM emergency_access AS e
INNER JOIN app_user AS u ON e.user_id = u.id
INNER JOIN patient AS p ON e.patient_id = p.id
LEFT JOIN app_user AS r ON e.reviewed_by = r.id
ORDER BY
    e.reviewed_at IS NULL DESC,
    CASE WHEN e.reviewed_at IS NULL THEN e.starts_at END ASC,
    e.reviewed_at DESC
LIMIT :limit;

-- name: emergency_actions
-- What each emergency access was used for: the audit rows of that user and
-- patient while it ran. Served by audit_log_user_at_idx.
SELECT
    e.id AS access_id,
    a.at,
    a.action,
    a.object_type,
    a.object_id,
    a.outcome::text AS outcome,
    a.detail
FROM emergency_access AS e
INNER JOIN audit_log AS a
    ON
        e.user_id = a.user_id
        AND e.patient_id = a.patient_id
        AND e.starts_at <= a.at
        AND e.expires_at > a.at
WHERE e.id = any(:access_ids::bigint[])
ORDER BY e.id ASC, a.at ASC, a.id ASC;

-- name: emergency_access_review^
-- The one review of an emergency access, by an administrator who is not its
-- user (emergency_access_not_self_reviewed); the guard trigger refuses a
-- second review (HM040) and RLS lets only administrators write it.
UPDATE emergency_access SET
    reviewed_at = now(),
    reviewed_by = :reviewed_by,
    review = :review::emergency_review,
    review_comment = :review_comment
WHERE id = :access_id
RETURNING id, user_id, patient_id, review::text AS review;

-- name: care_unit_in_care$
-- The care unit a form about the patient preselects: of the user's care
-- units, the one that has the patient in care, by the rule of hms_in_care
-- (the unit of an open encounter first, then of an active care assignment,
-- then of the latest encounter ended within 30 days); else the user's only
-- unit; else NULL, and the user chooses.
SELECT
    coalesce(
        (
            SELECT c.care_unit_id
            FROM (
                SELECT
                    e.care_unit_id,
                    1 AS preference,
                    e.started_at AS since
                FROM encounter AS e
                WHERE e.patient_id = :patient_id AND e.ended_at IS NULL
                UNION ALL
                SELECT
                    a.care_unit_id,
                    2 AS preference,
                    lower(a.during) AS since
                FROM care_assignment AS a
                WHERE a.patient_id = :patient_id AND a.during @> now()
                UNION ALL
                SELECT
                    e.care_unit_id,
                    3 AS preference,
                    e.ended_at AS since
                FROM encounter AS e
                WHERE e.patient_id = :patient_id AND e.ended_at > now() - interval '30 days'
            ) AS c
            INNER JOIN staff_care_unit AS s ON c.care_unit_id = s.care_unit_id AND s.user_id = :user_id
            ORDER BY c.preference ASC, c.since DESC
            LIMIT 1
        ),
        (
            SELECT min(s.care_unit_id) FROM staff_care_unit AS s
            WHERE s.user_id = :user_id
            HAVING count(*) = 1
        )
    ) AS care_unit_id;
