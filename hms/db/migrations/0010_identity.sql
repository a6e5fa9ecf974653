-- The database as the last wall, part 1: who is acting.
--
-- Until now the app declared its user with set_config('hms.user_id', …), and
-- the database believed it: anyone holding the app role's credentials could
-- claim to be any user. From here on, identity is proven by a live session:
--
--   * a login proves the password to the database itself (the app sends the
--     argon2 output; the database keeps only its SHA-256, so the stored value
--     opens nothing), and the database opens the session;
--   * each transaction calls hms_authenticate(token) once; it checks the
--     token's hash against the live sessions and records the verified user in
--     a row that hms_app cannot write, keyed by this connection's backend and
--     this transaction's id;
--   * hms_current_user_id() and hms_current_role() read only that row. No
--     setting is believed, so set_config gains nothing, and a row of an
--     earlier transaction does not match this one.
--
-- The access decisions cached per transaction live beside it, in the same
-- kind of row (migration 0011). Nothing here is a secret: what protects the
-- identity is who may write the rows, not what anyone knows.
-- depends: 0009_access

-- Owner-only objects. hms_app gets no USAGE on this schema, so it cannot even
-- name what lives here.
CREATE SCHEMA hms_private;
REVOKE ALL ON SCHEMA hms_private FROM PUBLIC;

-- Background work (sealing the audit log, later reminders) logs in as its own
-- role with only the grants it needs; it never acts as a user.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hms_worker') THEN
        CREATE ROLE hms_worker LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO hms_worker;

-- The verified user of the transaction a backend is running now. Unlogged:
-- it describes live transactions only, and a crash ends them all anyway.
-- xact is the top-level transaction id (xid8 never repeats), which a
-- savepoint does not change and no later transaction can share.
CREATE UNLOGGED TABLE hms_private.verified_identity (
    backend_pid integer PRIMARY KEY,
    xact xid8 NOT NULL,
    user_id bigint NOT NULL,
    role user_role NOT NULL
);
COMMENT ON TABLE hms_private.verified_identity IS
'Per backend: the user hms_authenticate verified for the transaction xact. Written only by hms_authenticate.';

-- The decisions this backend has made in its current transaction: for a
-- patient and area (care_unit_id 0) the basis, and whether every row is
-- visible (no block hides any); for a care unit's rows of that patient,
-- whether they are visible. Row-level security asks per row; this answers
-- from the second row on. Written only by the functions below.
CREATE UNLOGGED TABLE hms_private.access_decision (
    backend_pid integer NOT NULL,
    xact xid8 NOT NULL,
    area text NOT NULL,
    patient_id bigint NOT NULL,
    care_unit_id bigint NOT NULL,
    basis text,
    visible boolean NOT NULL,
    PRIMARY KEY (backend_pid, area, patient_id, care_unit_id)
);
COMMENT ON TABLE hms_private.access_decision IS
'Per backend: the access decisions made in transaction xact (care_unit_id 0: the patient''s own).';

-- Rows of backends that have ended mean nothing (a new backend with the same
-- pid runs other transactions), but they take room: the background worker
-- clears them.
CREATE FUNCTION hms_forget_ended_backends() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_gone integer;
BEGIN
    DELETE FROM hms_private.access_decision AS d
    WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity AS a WHERE a.pid = d.backend_pid);
    DELETE FROM hms_private.verified_identity AS v
    WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity AS a WHERE a.pid = v.backend_pid);
    GET DIAGNOSTICS v_gone = ROW_COUNT;
    RETURN v_gone;
END
$$;
GRANT EXECUTE ON FUNCTION hms_forget_ended_backends() TO hms_worker;

-- The verified identity of the current transaction, or no row.
CREATE FUNCTION hms_private.identity(OUT user_id bigint, OUT role user_role)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    SELECT v.user_id, v.role INTO user_id, role
    FROM hms_private.verified_identity AS v
    WHERE v.backend_pid = pg_backend_pid() AND v.xact = pg_current_xact_id_if_assigned();
END
$$;

-- The user the current transaction acts for, as hms_authenticate verified
-- it; NULL without a verified session (migrations, seeding, or a claim).
-- Policies write it as (SELECT hms_current_user_id()), once per statement.
CREATE OR REPLACE FUNCTION hms_current_user_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (hms_private.identity()).user_id;
END
$$;
COMMENT ON FUNCTION hms_current_user_id IS 'The user verified by hms_authenticate in this transaction, else NULL.';

-- The role of that user, from the account table at the moment of verification.
CREATE OR REPLACE FUNCTION hms_current_role() RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN (hms_private.identity()).role::text;
END
$$;
COMMENT ON FUNCTION hms_current_role IS 'The account role of the verified user, else NULL.';

-- Used by hms_login_parameters only: made-up salts for names that do not
-- exist. Read at run time, never folded into a plan (plans can be printed).
CREATE TABLE hms_private.salt_key (
    singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT salt_key_singleton CHECK (singleton),
    secret bytea NOT NULL CONSTRAINT salt_key_secret_length CHECK (length(secret) = 32)
);
COMMENT ON TABLE hms_private.salt_key IS 'The key that derives made-up login salts for unknown names.';
INSERT INTO hms_private.salt_key (secret)
SELECT sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));

-- ---------------------------------------------------------------------------
-- Passwords: the database checks them without knowing argon2.
-- The app runs argon2id over the password with the account's salt and
-- parameters (hms_login_parameters) and sends the raw output; the database
-- compares its SHA-256 with what it stores. The stored value is therefore of
-- no use at the login: only the password produces what must be sent.
-- ---------------------------------------------------------------------------

-- argon2's unpadded base64 to bytes.
CREATE FUNCTION hms_private.b64_decode(p_text text) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN decode(rpad(p_text, (length(p_text) + 3) / 4 * 4, '='), 'base64');

-- An encoded argon2id hash ("$argon2id$v=19$m=…,t=…,p=…$salt$hash", as
-- argon2-cffi writes it) is stored with its hash part replaced by the
-- SHA-256 of that hash ("…$salt$sha256:…"). Whoever writes the account
-- (seeding, the account functions) may hand in either form.
CREATE FUNCTION app_user_seal_password() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_parts text[] := string_to_array(NEW.password_hash, '$');
BEGIN
    IF NEW.password_hash ~ '^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$' THEN
        NEW.password_hash := '$' || array_to_string(v_parts[2:5], '$') || '$sha256:'
            || encode(sha256(hms_private.b64_decode(v_parts[6])), 'hex');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER app_user_seal_password BEFORE INSERT OR UPDATE OF password_hash ON app_user
FOR EACH ROW EXECUTE FUNCTION app_user_seal_password();

ALTER TABLE app_user DROP CONSTRAINT app_user_password_is_argon2;
ALTER TABLE app_user DISABLE TRIGGER app_user_touch;
UPDATE app_user SET password_hash = password_hash;
ALTER TABLE app_user ENABLE TRIGGER app_user_touch;
ALTER TABLE app_user ADD CONSTRAINT app_user_password_is_sealed CHECK (
    password_hash ~ '^\$argon2id\$v=19\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]+\$sha256:[0-9a-f]{64}$'
);
COMMENT ON COLUMN app_user.password_hash IS
'argon2id parameters and salt, then the SHA-256 of the argon2id output: checks a login, opens nothing.';

-- A session now ends by itself: idle past its limit, or at an absolute end.
ALTER TABLE user_session
ADD COLUMN idle_limit interval NOT NULL DEFAULT interval '15 minutes'
CONSTRAINT user_session_idle_limit_range CHECK (idle_limit BETWEEN interval '1 minute' AND interval '12 hours'),
ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '12 hours'
CONSTRAINT user_session_expires_within_a_day CHECK (expires_at <= created_at + interval '24 hours');

-- What the login form needs to run argon2: the parameters and salt of the
-- named account, or, for a name that does not exist, parameters and a salt
-- derived from the name, so the answer never tells whether an account exists.
CREATE FUNCTION hms_login_parameters(p_username text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN coalesce(
    (
        SELECT substring(password_hash FROM '^(.*)\$sha256:') FROM app_user
        WHERE lower(username) = lower(p_username)
    ),
    '$argon2id$v=19$m=65536,t=3,p=4$' || rtrim(encode(substr(sha256(
        (SELECT k.secret FROM hms_private.salt_key AS k)
        || convert_to('salt|' || lower(p_username), 'UTF8')
    ), 1, 16), 'base64'), '=')
);
COMMENT ON FUNCTION hms_login_parameters IS 'The argon2id parameters and salt a login must use (made up for unknown names).';

-- A login: the password's proof (raw argon2 output) opens a session for the
-- token the app made, or counts a failure and locks the account at the limit.
-- Every failure answers the same NULL. The token is stored only as its hash.
CREATE FUNCTION hms_session_open(
    p_username text, p_proof bytea, p_token text, p_csrf_token text, p_client_addr inet, p_user_agent text,
    p_idle_minutes integer, p_max_failures integer, p_lock_minutes integer
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user app_user%ROWTYPE;
BEGIN
    -- The lockout is policy: the app chooses within bounds, never beyond them.
    IF p_max_failures NOT BETWEEN 1 AND 20 OR p_lock_minutes NOT BETWEEN 1 AND 1440
        OR p_idle_minutes NOT BETWEEN 1 AND 720 OR length(p_token) < 32 THEN
        RAISE EXCEPTION 'Login settings out of bounds.' USING ERRCODE = 'HM050';
    END IF;
    SELECT * INTO v_user FROM app_user WHERE lower(username) = lower(p_username) FOR UPDATE;
    IF NOT FOUND OR NOT v_user.is_active OR v_user.locked_until > now() THEN
        RETURN NULL;
    END IF;
    IF encode(sha256(p_proof), 'hex') IS DISTINCT FROM substring(v_user.password_hash FROM '\$sha256:([0-9a-f]{64})$')
        THEN
        UPDATE app_user SET
            failed_login_count = failed_login_count + 1,
            locked_until = CASE WHEN failed_login_count + 1 >= p_max_failures
                THEN now() + make_interval(mins => p_lock_minutes) ELSE locked_until END
        WHERE id = v_user.id;
        RETURN NULL;
    END IF;
    UPDATE app_user SET failed_login_count = 0, locked_until = NULL
    WHERE id = v_user.id AND (failed_login_count <> 0 OR locked_until IS NOT NULL);
    DELETE FROM user_session WHERE last_seen_at < now() - idle_limit OR expires_at <= now();
    INSERT INTO user_session (token_hash, user_id, csrf_token, client_addr, user_agent, idle_limit)
    VALUES (sha256(convert_to(p_token, 'UTF8')), v_user.id, p_csrf_token, p_client_addr, left(p_user_agent, 300),
        make_interval(mins => p_idle_minutes));
    RETURN v_user.id;
END
$$;
COMMENT ON FUNCTION hms_session_open IS 'A login: checks the password''s proof and opens a session, or counts a failure.';

-- The one door to identity. Called at the start of every transaction of a
-- request: a live session (active account, not idle, not expired) makes its
-- user this transaction's verified user; anything else leaves none. (The
-- caches of access decisions belong to the transaction too: see 0011.) Returns
-- the user, with is_idle set (and no user) for a session that has just idled
-- out, so the login page can say why.
CREATE FUNCTION hms_authenticate(p_token text)
RETURNS TABLE (
    user_id bigint, username text, role user_role, full_name text, locale text, csrf_token text, is_idle boolean
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_session user_session%ROWTYPE;
    v_user app_user%ROWTYPE;
BEGIN
    -- Whatever this backend verified or decided before no longer counts.
    DELETE FROM hms_private.verified_identity AS v WHERE v.backend_pid = pg_backend_pid();
    DELETE FROM hms_private.access_decision AS d WHERE d.backend_pid = pg_backend_pid();
    IF p_token IS NULL OR p_token = '' THEN
        RETURN;
    END IF;
    SELECT * INTO v_session FROM user_session AS s WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8'));
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO v_user FROM app_user AS u WHERE u.id = v_session.user_id AND u.is_active;
    IF NOT FOUND OR v_session.expires_at <= now() OR v_session.last_seen_at < now() - v_session.idle_limit THEN
        DELETE FROM user_session AS s WHERE s.token_hash = v_session.token_hash;
        RETURN QUERY SELECT NULL::bigint, NULL::text, NULL::user_role, NULL::text, NULL::text, NULL::text, true;
        RETURN;
    END IF;
    -- Activity is written at most once a minute per session, to spare the WAL.
    IF v_session.last_seen_at < now() - interval '60 seconds' THEN
        UPDATE user_session AS s SET last_seen_at = now() WHERE s.token_hash = v_session.token_hash;
    END IF;
    -- pg_current_xact_id() gives the transaction its id now, so the row
    -- names this transaction and no other.
    INSERT INTO hms_private.verified_identity (backend_pid, xact, user_id, role)
    VALUES (pg_backend_pid(), pg_current_xact_id(), v_user.id, v_user.role);
    RETURN QUERY SELECT v_user.id, v_user.username, v_user.role, v_user.full_name, v_user.locale,
        v_session.csrf_token, false;
END
$$;
COMMENT ON FUNCTION hms_authenticate IS 'Makes the user of a live session this transaction''s verified user.';

-- Logout: the holder of a token ends that session.
CREATE FUNCTION hms_session_close(p_token text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    DELETE FROM user_session WHERE token_hash = sha256(convert_to(p_token, 'UTF8'));
$$;

-- ---------------------------------------------------------------------------
-- Accounts change only through functions that check the verified user's
-- right to do so and write an audit row naming who did what to whom.
-- ---------------------------------------------------------------------------

-- The schema owner's maintenance (migrations, seeding, `hms createuser` for
-- the first administrator) logs in as the owner and acts as no user; it is
-- trusted as the owner is. (session_user is the login role; SET ROLE does
-- not change it, and only a superuser could.)
CREATE FUNCTION hms_private.is_maintenance() RETURNS boolean
LANGUAGE sql STABLE
RETURN session_user NOT IN ('hms_app', 'hms_worker') AND hms_current_user_id() IS NULL;

-- Everyone who logs in as hms_app needs a verified user of a role in p_roles.
CREATE FUNCTION hms_private.require_role(p_roles text[]) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF hms_private.is_maintenance() THEN
        RETURN NULL;
    END IF;
    IF hms_current_user_id() IS NULL OR NOT hms_current_role() = ANY (p_roles) THEN
        RAISE EXCEPTION 'Not permitted for this account.' USING ERRCODE = '42501';
    END IF;
    RETURN hms_current_user_id();
END
$$;

CREATE FUNCTION hms_private.audit_account(p_user bigint, p_action text, p_detail text) RETURNS void
LANGUAGE sql VOLATILE AS $$
    INSERT INTO audit_log (user_id, user_role, action, object_type, object_id, detail)
    VALUES (hms_current_user_id(), hms_current_role()::user_role, p_action, 'app_user', p_user, left(p_detail, 1000));
$$;

-- Administrators create any account; reception creates portal accounts
-- (patients and relatives) only.
CREATE FUNCTION account_create(
    p_username text, p_password_hash text, p_role user_role, p_full_name text, p_email text, p_locale text
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM hms_private.require_role(CASE WHEN p_role IN ('patient', 'relative')
        THEN ARRAY['administrator', 'receptionist'] ELSE ARRAY['administrator'] END);
    INSERT INTO app_user (username, password_hash, role, full_name, email, locale)
    VALUES (p_username, p_password_hash, p_role, p_full_name, p_email, coalesce(p_locale, 'sv'))
    RETURNING id INTO v_id;
    PERFORM hms_private.audit_account(v_id, 'account.create', format('%s as %s', p_username, p_role));
    RETURN v_id;
END
$$;

-- Login name, name and e-mail.
CREATE FUNCTION account_update(p_user bigint, p_username text, p_full_name text, p_email text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_old app_user%ROWTYPE;
BEGIN
    PERFORM hms_private.require_role(ARRAY['administrator']);
    SELECT * INTO v_old FROM app_user WHERE id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such account.' USING ERRCODE = 'P0002';
    END IF;
    IF (p_username, p_full_name, p_email) IS NOT DISTINCT FROM (v_old.username, v_old.full_name, v_old.email) THEN
        RETURN;
    END IF;
    UPDATE app_user SET username = p_username, full_name = p_full_name, email = p_email WHERE id = p_user;
    PERFORM hms_private.audit_account(p_user, 'account.update', concat_ws(', ',
        CASE WHEN p_username IS DISTINCT FROM v_old.username THEN format('login %s -> %s', v_old.username, p_username) END,
        CASE WHEN p_full_name IS DISTINCT FROM v_old.full_name THEN 'name' END,
        CASE WHEN p_email IS DISTINCT FROM v_old.email THEN 'e-mail' END));
END
$$;

-- A new role is a new set of rights: audited, and sessions under the old one end.
CREATE FUNCTION account_set_role(p_user bigint, p_role user_role) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_old user_role;
BEGIN
    PERFORM hms_private.require_role(ARRAY['administrator']);
    IF p_user = hms_current_user_id() AND p_role <> 'administrator' THEN
        RAISE EXCEPTION 'An administrator cannot take the role from their own account.' USING ERRCODE = 'HM051';
    END IF;
    SELECT role INTO v_old FROM app_user WHERE id = p_user FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such account.' USING ERRCODE = 'P0002';
    END IF;
    IF v_old = p_role THEN
        RETURN;
    END IF;
    UPDATE app_user SET role = p_role WHERE id = p_user;
    DELETE FROM user_session WHERE user_id = p_user;
    PERFORM hms_private.audit_account(p_user, 'account.role', format('%s -> %s', v_old, p_role));
END
$$;

-- The care units a staff member works in, replaced as a whole.
CREATE FUNCTION account_set_units(p_user bigint, p_units bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_before bigint [];
    v_after bigint [] := ARRAY(SELECT DISTINCT u FROM unnest(coalesce(p_units, '{}')) AS u ORDER BY u);
BEGIN
    PERFORM hms_private.require_role(ARRAY['administrator']);
    v_before := ARRAY(SELECT care_unit_id FROM staff_care_unit WHERE user_id = p_user ORDER BY care_unit_id);
    IF v_before = v_after THEN
        RETURN;
    END IF;
    DELETE FROM staff_care_unit WHERE user_id = p_user AND NOT care_unit_id = ANY (v_after);
    INSERT INTO staff_care_unit (user_id, care_unit_id)
    SELECT p_user, u FROM unnest(v_after) AS u
    ON CONFLICT DO NOTHING;
    PERFORM hms_private.audit_account(p_user, 'account.units',
        format('%s -> %s', array_to_string(v_before, ','), array_to_string(v_after, ',')));
END
$$;

-- A new password set by an administrator: unlocks, and ends every session.
CREATE FUNCTION account_reset_password(p_user bigint, p_password_hash text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM hms_private.require_role(ARRAY['administrator']);
    UPDATE app_user SET
        password_hash = p_password_hash,
        password_changed_at = now(),
        failed_login_count = 0,
        locked_until = NULL
    WHERE id = p_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such account.' USING ERRCODE = 'P0002';
    END IF;
    DELETE FROM user_session WHERE user_id = p_user;
    PERFORM hms_private.audit_account(p_user, 'account.password_reset', NULL);
END
$$;

-- Deactivate (ends every session) or reactivate. Nobody deactivates themself.
CREATE FUNCTION account_set_active(p_user bigint, p_active boolean) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM hms_private.require_role(ARRAY['administrator']);
    IF p_user = hms_current_user_id() AND NOT p_active THEN
        RAISE EXCEPTION 'You cannot deactivate your own account.' USING ERRCODE = 'HM052';
    END IF;
    UPDATE app_user SET is_active = p_active WHERE id = p_user AND is_active IS DISTINCT FROM p_active;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF NOT p_active THEN
        DELETE FROM user_session WHERE user_id = p_user;
    END IF;
    PERFORM hms_private.audit_account(p_user,
        CASE WHEN p_active THEN 'account.reactivate' ELSE 'account.deactivate' END, NULL);
END
$$;

-- Users choose their own language, and only their own.
CREATE FUNCTION account_set_locale(p_locale text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    UPDATE app_user SET locale = p_locale WHERE id = hms_current_user_id();
$$;

-- The app reads accounts but writes them only through the functions above;
-- it never sees password hashes, and session rows not at all.
REVOKE ALL ON app_user, user_session, staff_care_unit FROM hms_app;
GRANT SELECT (
    id, username, role, full_name, email, is_active, failed_login_count, locked_until, locale,
    password_changed_at, created_at, updated_at
) ON app_user TO hms_app;
GRANT SELECT ON staff_care_unit TO hms_app;
DROP FUNCTION user_login_failed(bigint, integer, interval);
DROP FUNCTION user_login_succeeded(bigint);

-- Staff profiles and the organisation are administrators' to change.
ALTER TABLE staff_profile ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_profile_read ON staff_profile FOR SELECT TO hms_app USING (true);
CREATE POLICY staff_profile_admin_insert ON staff_profile FOR INSERT TO hms_app
WITH CHECK (hms_current_role() = 'administrator');
CREATE POLICY staff_profile_admin_update ON staff_profile FOR UPDATE TO hms_app
USING (hms_current_role() = 'administrator');

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['department', 'care_unit', 'ward', 'room', 'bed'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO hms_app USING (true)', t || '_read', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO hms_app WITH CHECK (hms_current_role() = ''administrator'')',
            t || '_admin_insert', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO hms_app USING (hms_current_role() = ''administrator'')',
            t || '_admin_update', t);
    END LOOP;
END
$$;
