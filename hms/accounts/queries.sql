-- name: login_parameters$
-- The argon2id parameters and salt a login for this name must use.
SELECT hms_login_parameters(:username) AS parameters;

-- name: session_open$
-- A login: the password's proof opens a session for the token, or counts a
-- failure (NULL either way on failure).
SELECT
    hms_session_open(
        :username, :proof, :token, :csrf_token, :client_addr::inet, :user_agent,
        :idle_minutes, :max_failures, :lock_minutes
    ) AS user_id;

-- name: authenticate^
-- Make the session's user this transaction's verified user; returns who it is.
SELECT
    user_id AS id,
    username,
    role,
    full_name,
    locale,
    csrf_token,
    is_idle
FROM hms_authenticate(:token);

-- name: session_close!
-- End one session (logout).
SELECT hms_session_close(:token);

-- name: account_create$
-- Create a login account (administrators; reception for portal accounts).
SELECT account_create(:username, :password_hash, :role::user_role, :full_name, :email, :locale) AS id;

-- name: account_update!
-- Change an account's login name, name and e-mail (audited).
SELECT account_update(:user_id, :username, :full_name, :email);

-- name: account_set_role!
-- Give an account a new role, ending its sessions (audited).
SELECT account_set_role(:user_id, :role::user_role);

-- name: account_set_units!
-- Set the care units a staff member works in (audited).
SELECT account_set_units(:user_id, :care_unit_ids::bigint[]);

-- name: account_reset_password!
-- Set a new password, unlock the account and end its sessions (audited).
SELECT account_reset_password(:user_id, :password_hash);

-- name: account_set_active!
-- Deactivate (ending every session) or reactivate an account (audited).
SELECT account_set_active(:user_id, :is_active);

-- name: account_set_locale!
-- Remember the language the current user chose.
SELECT account_set_locale(:locale);

-- name: user_care_units
-- The care units a staff member works in.
SELECT
    cu.id,
    cu.code,
    cu.name,
    cu.kind,
    d.name AS department_name
FROM staff_care_unit AS scu
INNER JOIN care_unit AS cu ON scu.care_unit_id = cu.id
INNER JOIN department AS d ON cu.department_id = d.id
WHERE scu.user_id = :user_id
ORDER BY d.name, cu.name;

-- name: staff_list
-- Staff accounts for the administrator's list, optionally filtered by text and role.
SELECT
    u.id,
    u.username,
    u.full_name,
    u.role,
    u.is_active,
    u.locked_until IS NOT NULL AND u.locked_until > now() AS is_locked,
    sp.profession,
    sp.licence_number,
    coalesce(string_agg(cu.code, ', ' ORDER BY cu.code), '') AS care_units
FROM app_user AS u
INNER JOIN staff_profile AS sp ON u.id = sp.user_id
LEFT JOIN staff_care_unit AS scu ON u.id = scu.user_id
LEFT JOIN care_unit AS cu ON scu.care_unit_id = cu.id
WHERE
    (:q::text IS NULL OR hms_fold(u.full_name || ' ' || u.username) LIKE hms_like_contains(hms_fold(:q)))
    AND (:role::user_role IS NULL OR u.role = :role::user_role)
GROUP BY u.id, sp.user_id
ORDER BY u.is_active DESC, u.full_name ASC
LIMIT 500;

-- name: staff_get^
-- One staff account with its profile.
SELECT
    u.id,
    u.username,
    u.full_name,
    u.email,
    u.role,
    u.is_active,
    u.locale,
    u.locked_until IS NOT NULL AND u.locked_until > now() AS is_locked,
    u.failed_login_count,
    sp.profession,
    sp.licence_number,
    sp.title,
    sp.phone
FROM app_user AS u
INNER JOIN staff_profile AS sp ON u.id = sp.user_id
WHERE u.id = :user_id;

-- name: staff_care_unit_ids
-- The ids of a staff member's care units (for the edit form's checkboxes).
SELECT care_unit_id
FROM staff_care_unit
WHERE user_id = :user_id;

-- name: staff_profile_create!
-- Attach the professional profile of a new staff account.
INSERT INTO staff_profile (user_id, role, profession, licence_number, title, phone)
VALUES (:user_id, :role, :profession, :licence_number, :title, :phone);

-- name: staff_profile_update!
-- Change a staff member's profession, licence, title and phone.
UPDATE staff_profile SET
    profession = :profession,
    licence_number = :licence_number,
    title = :title,
    phone = :phone
WHERE user_id = :user_id;

-- name: user_count_by_role
-- Active accounts per role, for the administrator's home page.
SELECT
    role,
    count(*) AS n
FROM app_user
WHERE is_active
GROUP BY role
ORDER BY role;

-- name: colleagues
-- Active staff sharing at least one care unit with the user.
SELECT DISTINCT
    u.id,
    u.full_name,
    u.role
FROM staff_care_unit AS mine
INNER JOIN staff_care_unit AS theirs ON mine.care_unit_id = theirs.care_unit_id
INNER JOIN app_user AS u ON theirs.user_id = u.id
WHERE mine.user_id = :user_id AND u.id <> :user_id AND u.is_active
ORDER BY u.full_name
LIMIT 30;

-- name: locked_users
-- Accounts locked after repeated failed logins, for the administrator.
SELECT
    id,
    username,
    full_name
FROM app_user
WHERE locked_until > now()
ORDER BY full_name;

-- name: user_by_username^
-- Any account by username, whatever its role or state: the user an audit
-- review filter names, or who took a patient's consent (the database refuses
-- one that is not staff). Served by app_user_username_key.
SELECT
    id,
    username,
    full_name
FROM app_user
WHERE lower(username) = lower(:username);

-- name: relative_by_username^
-- An active account of role relative, by username (whom a patient may grant).
SELECT
    id,
    username,
    full_name
FROM app_user
WHERE lower(username) = lower(:username) AND role = 'relative' AND is_active;

-- name: specialists_active
-- External specialists a doctor may send a question to (the request form).
SELECT
    u.id,
    u.full_name,
    sp.profession
FROM app_user AS u
LEFT JOIN staff_profile AS sp ON u.id = sp.user_id
WHERE u.role = 'external_specialist' AND u.is_active
ORDER BY u.full_name, u.id;

-- name: portal_account_create_for_patient$
-- A registered patient's portal account, linked to the patient, inactive
-- until activated; returns its activation code, the only time it is shown.
SELECT portal_account_create_for_patient(:patient_id, :username, :locale) AS code;

-- name: portal_account_create_for_relative$
-- A relative's portal account, linked to no patient (proxy grants do that);
-- returns its activation code, the only time it is shown.
SELECT portal_account_create_for_relative(:username, :full_name, :email, :locale) AS code;

-- name: portal_code_reissue$
-- A new activation code for a portal account; the old one is void.
SELECT portal_code_reissue(:user_id) AS code;

-- name: portal_account_activate$
-- Set a portal account's password with its activation code (false for any failure).
SELECT portal_account_activate(:username, :code, :password_hash) AS activated;

-- name: portal_account_of_patient^
-- The portal account a patient logs in with, if any.
SELECT
    u.id,
    u.username,
    u.is_active,
    u.created_at
FROM patient_user AS pu
INNER JOIN app_user AS u ON pu.user_id = u.id
WHERE pu.patient_id = :patient_id;

-- name: portal_account_get^
-- A patient's or relative's account by id (whose code reception reissues).
SELECT
    id,
    username,
    full_name,
    role,
    is_active
FROM app_user
WHERE id = :user_id AND role IN ('patient', 'relative');

-- name: notification_counts^
-- The header's counts of what waits for the verified user in each module, in
-- one call that reads under row-level security and answers no row when it
-- cannot count (hms_header_counts, migration 0052): the page needs no
-- savepoint around it.
SELECT
    c.messages,
    c.requests,
    c.consultations,
    c.referrals
FROM hms_header_counts() AS c;
