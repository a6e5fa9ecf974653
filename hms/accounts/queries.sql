-- name: user_for_login^
-- The account a login attempt names, matched case-insensitively.
SELECT
    id,
    username,
    password_hash,
    role,
    is_active,
    locked_until IS NOT NULL AND locked_until > now() AS is_locked
FROM app_user
WHERE lower(username) = lower(:username);

-- name: login_failed!
-- Count a failed login; locks the account at the limit (atomic in SQL).
SELECT user_login_failed(:user_id, :max_failures, make_interval(mins => :lock_minutes));

-- name: login_succeeded!
-- Clear the failure count after a successful login.
SELECT user_login_succeeded(:user_id);

-- name: session_create!
-- Open a session for a user who has just logged in.
INSERT INTO user_session (token_hash, user_id, csrf_token, client_addr, user_agent)
VALUES (:token_hash, :user_id, :csrf_token, :client_addr, :user_agent);

-- name: session_user^
-- The user behind a session cookie, if the session is live and the user active.
SELECT
    u.id,
    u.username,
    u.role,
    u.full_name,
    u.locale,
    s.csrf_token,
    s.last_seen_at < now() - interval '60 seconds' AS needs_touch,
    s.last_seen_at < now() - make_interval(mins => :idle_minutes) AS is_idle
FROM user_session AS s
INNER JOIN app_user AS u ON s.user_id = u.id
WHERE s.token_hash = :token_hash AND u.is_active;

-- name: session_touch!
-- Record activity; written at most once a minute per session to spare the WAL.
UPDATE user_session SET last_seen_at = now()
WHERE token_hash = :token_hash;

-- name: session_delete!
-- End one session (logout, idle timeout).
DELETE FROM user_session
WHERE token_hash = :token_hash;

-- name: sessions_delete_for_user!
-- End every session of a user (deactivation, password reset).
DELETE FROM user_session
WHERE user_id = :user_id;

-- name: sessions_delete_idle!
-- Sweep sessions idle past the limit.
DELETE FROM user_session
WHERE last_seen_at < now() - make_interval(mins => :idle_minutes);

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

-- name: user_create^
-- Create a login account.
INSERT INTO app_user (username, password_hash, role, full_name, email, locale)
VALUES (:username, :password_hash, :role, :full_name, :email, :locale)
RETURNING id;

-- name: staff_profile_create!
-- Attach the professional profile of a new staff account.
INSERT INTO staff_profile (user_id, role, profession, licence_number, title, phone)
VALUES (:user_id, :role, :profession, :licence_number, :title, :phone);

-- name: staff_update!
-- Change a staff account's name, e-mail and role (the profile's role follows by cascade).
UPDATE app_user SET full_name = :full_name, email = :email, role = :role
WHERE id = :user_id;

-- name: staff_profile_update!
-- Change a staff member's profession, licence, title and phone.
UPDATE staff_profile SET
    profession = :profession,
    licence_number = :licence_number,
    title = :title,
    phone = :phone
WHERE user_id = :user_id;

-- name: staff_care_units_clear!
-- Remove a staff member from every care unit (before setting the new list).
DELETE FROM staff_care_unit
WHERE user_id = :user_id;

-- name: staff_care_unit_add!
-- Place a staff member in a care unit.
INSERT INTO staff_care_unit (user_id, care_unit_id)
VALUES (:user_id, :care_unit_id);

-- name: user_set_active!
-- Activate or deactivate an account (users are never deleted).
UPDATE app_user SET is_active = :is_active
WHERE id = :user_id;

-- name: user_set_password!
-- Replace a password hash and unlock the account.
UPDATE app_user SET
    password_hash = :password_hash,
    password_changed_at = now(),
    failed_login_count = 0,
    locked_until = NULL
WHERE id = :user_id;

-- name: user_set_locale!
-- Remember the language a user chose.
UPDATE app_user SET locale = :locale
WHERE id = :user_id;

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

-- name: user_rename!
-- Change a login name (sessions are keyed by user id, so they stay valid).
UPDATE app_user SET username = :username
WHERE id = :user_id AND username <> :username;

-- name: user_set_role!
-- Change an account's role; staff_profile_user_fk carries it to the profile.
UPDATE app_user SET role = :role
WHERE id = :user_id;
