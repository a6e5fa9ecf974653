-- name: audit_insert!
-- One access to one patient's data (or to none, for a refused or empty lookup).
INSERT INTO audit_log (
    user_id, user_role, patient_id, action, object_type, object_id, client_addr, outcome, reason, detail
)
VALUES (
    :user_id, :user_role, :patient_id, :action, :object_type, :object_id, :client_addr, :outcome, :reason, :detail
);

-- name: patient_exists$
-- Whether a refused request's patient id names a patient (asked only by a
-- verified user; the answer goes into the refusal's audit row, not to the user).
SELECT hms_patient_exists(:patient_id) AS known;

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

-- name: audit_search
-- The review page: the log filtered by patient, user, period, action prefix
-- and outcome, newest first, one keyset page (before_at, before_id) at a time.
-- Served by audit_log_patient_at_idx or audit_log_user_at_idx when either is given.
SELECT
    a.id,
    a.at,
    a.user_role::text AS user_role,
    a.patient_id,
    a.action,
    a.object_type,
    a.object_id,
    a.outcome::text AS outcome,
    a.reason,
    a.detail,
    host(a.client_addr) AS client_addr,
    u.username,
    u.full_name AS user_name,
    p.personal_number,
    p.given_name,
    p.family_name,
    target.full_name AS object_name
FROM audit_log AS a
LEFT JOIN app_user AS u ON a.user_id = u.id
LEFT JOIN patient AS p ON a.patient_id = p.id
-- An account change names whose account it was.
LEFT JOIN app_user AS target ON a.object_type = 'app_user' AND a.object_id = target.id
WHERE
    (:patient_id::bigint IS NULL OR a.patient_id = :patient_id)
    AND (:user_id::bigint IS NULL OR a.user_id = :user_id)
    AND (:from_at::timestamptz IS NULL OR a.at >= :from_at)
    AND (:to_at::timestamptz IS NULL OR a.at < :to_at)
    AND (:action::text IS NULL OR a.action LIKE hms_like_prefix(:action))
    AND (:outcome::audit_outcome IS NULL OR a.outcome = :outcome)
    AND (:before_id::bigint IS NULL OR (a.at, a.id) < (:before_at::timestamptz, :before_id))
ORDER BY a.at DESC, a.id DESC
LIMIT :limit;

-- name: report_outside_units
-- Report: clinicians who reached patients outside their care units. A read is
-- "outside" when, at its time, the patient had no encounter (open, or ended
-- within 30 days, as hms_in_care counts) and no care assignment in any of the
-- reader's units (hms_was_in_care, which sees past RLS as the decision does). Unit membership is as it stands today. Per reader and
-- patient: how often, how much of it under emergency access, first and last
-- time; with the reader's total of such patients (a window over the groups).
WITH reads AS (
    SELECT
        a.id,
        a.at,
        a.user_id,
        a.patient_id,
        a.action
    FROM audit_log AS a
    WHERE
        a.at >= :from_at AND a.at < :to_at
        AND a.outcome = 'allowed'
        AND a.user_role IN ('doctor', 'nurse')
        AND a.patient_id IS NOT NULL
),

outside AS (
    SELECT
        r.id,
        r.at,
        r.user_id,
        r.patient_id,
        r.action,
        exists(
            SELECT 1 FROM emergency_access AS e
            WHERE
                e.user_id = r.user_id AND e.patient_id = r.patient_id
                AND r.at >= e.starts_at AND r.at < e.expires_at
        ) AS under_emergency
    FROM reads AS r
    WHERE NOT hms_was_in_care(r.user_id, r.patient_id, r.at)
),

pairs AS (
    SELECT
        user_id,
        patient_id,
        count(*) AS accesses,
        count(*) FILTER (WHERE under_emergency) AS emergency_accesses,
        min(at) AS first_at,
        max(at) AS last_at,
        string_agg(DISTINCT action, ', ' ORDER BY action) AS actions
    FROM outside
    GROUP BY user_id, patient_id
    HAVING count(*) >= :min_count
)

SELECT
    pr.user_id,
    pr.patient_id,
    pr.accesses,
    pr.emergency_accesses,
    pr.first_at,
    pr.last_at,
    pr.actions,
    u.username,
    u.full_name AS user_name,
    p.personal_number,
    p.given_name,
    p.family_name,
    count(*) OVER (PARTITION BY pr.user_id) AS patients_of_user
FROM pairs AS pr
INNER JOIN app_user AS u ON pr.user_id = u.id
INNER JOIN patient AS p ON pr.patient_id = p.id
ORDER BY patients_of_user DESC, pr.user_id ASC, pr.accesses DESC, pr.patient_id ASC
LIMIT :limit;

-- name: report_coworkers
-- Report: reads of co-workers' records. Staff have no personal identity
-- number, so a co-worker's record is found by name: a patient whose folded
-- "given family" equals the staff member's full name or its tail after a
-- title ("Dr Alice Andersson" matches Alice Andersson). Namesakes match too.
WITH staff_words AS (
    SELECT
        u.id AS staff_id,
        u.full_name AS staff_name,
        regexp_split_to_array(hms_fold(btrim(u.full_name)), '\s+') AS words
    FROM app_user AS u
    WHERE user_role_is_staff(u.role)
),

staff_names AS (
    SELECT
        sw.staff_id,
        sw.staff_name,
        array_to_string(sw.words[i:], ' ') AS candidate
    FROM staff_words AS sw
    CROSS JOIN LATERAL generate_subscripts(sw.words, 1) AS i
),

staff_patients AS (
    SELECT DISTINCT ON (p.id, sn.staff_id)
        p.id AS patient_id,
        sn.staff_id,
        sn.staff_name
    FROM staff_names AS sn
    INNER JOIN patient AS p ON sn.candidate = p.search_name
    ORDER BY p.id ASC, sn.staff_id ASC
),

pairs AS (
    SELECT
        a.user_id,
        a.patient_id,
        count(*) AS accesses,
        min(a.at) AS first_at,
        max(a.at) AS last_at,
        string_agg(DISTINCT a.action, ', ' ORDER BY a.action) AS actions
    FROM audit_log AS a
    WHERE
        a.at >= :from_at AND a.at < :to_at
        AND a.patient_id IN (SELECT sp.patient_id FROM staff_patients AS sp)
        AND user_role_is_staff(a.user_role)
    GROUP BY a.user_id, a.patient_id
    HAVING count(*) >= :min_count
)

SELECT
    pr.user_id,
    pr.patient_id,
    pr.accesses,
    pr.first_at,
    pr.last_at,
    pr.actions,
    u.username,
    u.full_name AS user_name,
    p.personal_number,
    p.given_name,
    p.family_name,
    string_agg(sp.staff_name, ', ' ORDER BY sp.staff_name) AS staff_names,
    bool_or(sp.staff_id = pr.user_id) AS own_name
FROM pairs AS pr
INNER JOIN app_user AS u ON pr.user_id = u.id
INNER JOIN patient AS p ON pr.patient_id = p.id
INNER JOIN staff_patients AS sp ON pr.patient_id = sp.patient_id
GROUP BY
    pr.user_id, pr.patient_id, pr.accesses, pr.first_at, pr.last_at, pr.actions,
    u.username, u.full_name, p.personal_number, p.given_name, p.family_name
ORDER BY pr.last_at DESC, pr.user_id ASC, pr.patient_id ASC
LIMIT :limit;

-- name: report_same_surname
-- Report: staff reading records of patients who share their surname (the
-- last word of the staff member's name, accents and case folded), a common
-- sign of looking up relatives. Ranked by how many such patients each reader has.
WITH staff AS (
    SELECT
        u.id,
        u.username,
        u.full_name,
        hms_fold(substring(btrim(u.full_name) FROM '([^[:space:]]+)$')) AS surname
    FROM app_user AS u
    WHERE user_role_is_staff(u.role)
),

pairs AS (
    SELECT
        a.user_id,
        a.patient_id,
        count(*) AS accesses,
        min(a.at) AS first_at,
        max(a.at) AS last_at,
        string_agg(DISTINCT a.action, ', ' ORDER BY a.action) AS actions
    FROM audit_log AS a
    INNER JOIN staff AS s ON a.user_id = s.id
    INNER JOIN patient AS p ON a.patient_id = p.id
    WHERE
        a.at >= :from_at AND a.at < :to_at
        AND hms_fold(p.family_name) = s.surname
    GROUP BY a.user_id, a.patient_id
    HAVING count(*) >= :min_count
)

SELECT
    pr.user_id,
    pr.patient_id,
    pr.accesses,
    pr.first_at,
    pr.last_at,
    pr.actions,
    s.username,
    s.full_name AS user_name,
    p.personal_number,
    p.given_name,
    p.family_name,
    dense_rank() OVER (ORDER BY pr.user_id) AS reader_no,
    count(*) OVER (PARTITION BY pr.user_id) AS patients_of_user
FROM pairs AS pr
INNER JOIN staff AS s ON pr.user_id = s.id
INNER JOIN patient AS p ON pr.patient_id = p.id
ORDER BY patients_of_user DESC, pr.user_id ASC, pr.last_at DESC
LIMIT :limit;

-- name: audit_log_verify$
-- The first broken link of the audit log's hash chain, or NULL when it holds
-- (run as the schema owner: the chain must be read whole, past RLS).
SELECT audit_log_verify() AS broken_at;

-- name: audit_log_size^
-- How many rows the chain holds, and how many wait for their seal.
SELECT
    count(chain_seq) AS sealed,
    count(*) - count(chain_seq) AS waiting
FROM audit_log;

-- name: patient_access_visits
-- Loggutdrag, one line per visit: who reached a patient's record, newest
-- first, without the reader's own actions. A visit is one user's run of log
-- rows with no pause longer than 30 minutes, found as gaps and islands: lag()
-- marks each row that starts a visit, and a running count of the marks
-- numbers the visits. Refused attempts make visits of their own. Only the
-- newest :rows_scanned rows are read (audit_log_patient_at_idx), so the cost
-- does not grow with the length of the patient's history. Each visit names
-- the reader (name, profession, role), the care unit the rows name or else the
-- reader's units today, and every action taken.
WITH recent AS (
    SELECT
        a.id,
        a.at,
        a.user_id,
        a.user_role,
        a.care_unit_id,
        a.action,
        a.outcome,
        a.action = 'emergency_access.open' OR a.detail = 'emergency' AS emergency
    FROM audit_log AS a
    WHERE a.patient_id = :patient_id AND a.user_id IS DISTINCT FROM :me
    ORDER BY a.at DESC, a.id DESC
    LIMIT :rows_scanned
),

marked AS (
    SELECT
        r.*,
        coalesce(r.at - lag(r.at) OVER reader > interval '30 minutes', true) AS starts_visit
    FROM recent AS r
    WINDOW reader AS (PARTITION BY r.user_id, r.outcome ORDER BY r.at, r.id)
),

numbered AS (
    SELECT
        m.*,
        count(*) FILTER (WHERE m.starts_visit) OVER (
            PARTITION BY m.user_id, m.outcome ORDER BY m.at, m.id
        ) AS visit
    FROM marked AS m
),

visits AS (
    SELECT
        n.user_id,
        n.outcome,
        min(n.at) AS started_at,
        max(n.at) AS ended_at,
        count(*) AS events,
        max(n.user_role::text) AS user_role,
        bool_or(n.emergency) AS emergency,
        array_agg(DISTINCT n.action ORDER BY n.action) AS actions,
        array_agg(DISTINCT n.care_unit_id) FILTER (WHERE n.care_unit_id IS NOT NULL) AS care_unit_ids
    FROM numbered AS n
    GROUP BY n.user_id, n.outcome, n.visit
)

SELECT
    v.user_id,
    v.outcome::text AS outcome,
    v.started_at,
    v.ended_at,
    v.events,
    v.user_role,
    v.emergency,
    v.actions,
    u.full_name AS reader_name,
    sp.profession,
    coalesce(
        (
            SELECT string_agg(cu.name, ', ' ORDER BY cu.name)
            FROM care_unit AS cu WHERE cu.id = any(v.care_unit_ids)
        ),
        (
            SELECT string_agg(cu.name, ', ' ORDER BY cu.name)
            FROM staff_care_unit AS s INNER JOIN care_unit AS cu ON s.care_unit_id = cu.id
            WHERE s.user_id = v.user_id
        )
    ) AS care_units
FROM visits AS v
LEFT JOIN app_user AS u ON v.user_id = u.id
LEFT JOIN staff_profile AS sp ON v.user_id = sp.user_id
ORDER BY v.started_at DESC
LIMIT :limit;
