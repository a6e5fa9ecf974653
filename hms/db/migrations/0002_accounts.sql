-- Accounts: every person who logs in, their role, and staff profiles.
-- depends: 0001_foundations

CREATE TYPE user_role AS ENUM (
    'doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator',
    'external_specialist', 'patient', 'relative'
);

CREATE TABLE app_user (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL CONSTRAINT app_user_username_format CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    password_hash text NOT NULL CONSTRAINT app_user_password_is_argon2 CHECK (password_hash LIKE '$argon2%'),
    role user_role NOT NULL,
    full_name text NOT NULL CONSTRAINT app_user_full_name_length CHECK (length(full_name) BETWEEN 1 AND 200),
    email text CONSTRAINT app_user_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254),
    is_active boolean NOT NULL DEFAULT true,
    failed_login_count integer NOT NULL DEFAULT 0 CONSTRAINT app_user_failed_login_count_nonnegative CHECK (failed_login_count >= 0),
    locked_until timestamptz,
    locale text NOT NULL DEFAULT 'sv' CONSTRAINT app_user_locale_known CHECK (locale IN ('sv', 'en')),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Target of the composite foreign keys below that pin a row to one role.
    CONSTRAINT app_user_id_role_key UNIQUE (id, role)
);
COMMENT ON TABLE app_user IS 'One person who can log in: staff, patient or relative. Never deleted, only deactivated.';

-- Login looks users up case-insensitively; this also makes "Anna" and "anna" the same username.
CREATE UNIQUE INDEX app_user_username_key ON app_user (lower(username));

CREATE TRIGGER app_user_touch BEFORE UPDATE ON app_user
FOR EACH ROW EXECUTE FUNCTION hms_touch_updated_at();

-- Staff roles, the ones that get a staff profile and care units.
CREATE FUNCTION user_role_is_staff(r user_role) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN r IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator', 'external_specialist');

CREATE TABLE staff_profile (
    user_id bigint PRIMARY KEY,
    role user_role NOT NULL CONSTRAINT staff_profile_role_is_staff CHECK (user_role_is_staff(role)),
    profession text NOT NULL CONSTRAINT staff_profile_profession_length CHECK (length(profession) BETWEEN 1 AND 100),
    -- Swedish licence (legitimationsnummer) for licensed professions; NULL for e.g. receptionists.
    licence_number text CONSTRAINT staff_profile_licence_number_format CHECK (licence_number ~ '^[0-9A-Z-]{4,20}$'),
    title text CONSTRAINT staff_profile_title_length CHECK (length(title) <= 100),
    phone text CONSTRAINT staff_profile_phone_format CHECK (phone ~ '^\+?[0-9 ()-]{5,20}$'),
    -- A user's role can change only while the profile still fits it: changing a
    -- doctor into a patient cascades here and fails the CHECK above.
    CONSTRAINT staff_profile_user_fk FOREIGN KEY (user_id, role) REFERENCES app_user (id, role) ON UPDATE CASCADE ON DELETE RESTRICT,
    CONSTRAINT staff_profile_licence_number_key UNIQUE (licence_number)
);
COMMENT ON TABLE staff_profile IS 'The professional side of a staff user: profession, licence and title.';

-- Server-side sessions. The cookie carries a random token; only its SHA-256
-- is stored, so a copy of this table opens no session.
CREATE TABLE user_session (
    token_hash bytea PRIMARY KEY CONSTRAINT user_session_token_hash_length CHECK (length(token_hash) = 32),
    user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token text NOT NULL CONSTRAINT user_session_csrf_token_length CHECK (length(csrf_token) >= 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    client_addr inet,
    user_agent text
);
COMMENT ON TABLE user_session IS 'One logged-in browser session; ends at logout or after the idle timeout.';

-- Used by session_touch's sweep of idle sessions and by "log out everywhere".
CREATE INDEX user_session_user_id_idx ON user_session (user_id);
CREATE INDEX user_session_last_seen_at_idx ON user_session (last_seen_at);

-- Records a failed login and locks the account once the limit is reached.
-- Atomic (one UPDATE), so parallel guesses cannot slip past the limit.
CREATE FUNCTION user_login_failed(p_user_id bigint, p_max_failures integer, p_lock interval)
RETURNS void
LANGUAGE sql AS $$
    UPDATE app_user
    SET failed_login_count = failed_login_count + 1,
        locked_until = CASE WHEN failed_login_count + 1 >= p_max_failures
            THEN now() + p_lock ELSE locked_until END
    WHERE id = p_user_id;
$$;

-- Clears the failure count after a successful login.
CREATE FUNCTION user_login_succeeded(p_user_id bigint) RETURNS void
LANGUAGE sql AS $$
    UPDATE app_user SET failed_login_count = 0, locked_until = NULL
    WHERE id = p_user_id AND (failed_login_count <> 0 OR locked_until IS NOT NULL);
$$;

GRANT SELECT, INSERT, UPDATE ON app_user TO hms_app;
GRANT SELECT, INSERT, UPDATE ON staff_profile TO hms_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON user_session TO hms_app;
