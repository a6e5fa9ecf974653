-- Portal accounts people can actually get: reception creates a patient's or a
-- relative's login, and the person sets their own password with a one-time
-- activation code.
--
--   * The code is made by the database, shown once (the function that issues
--     it returns it) and stored only as its SHA-256, in a table hms_app can
--     neither read nor write. It is valid 72 hours from issue (the database
--     sets both times), is used at most once, and a new code voids the old.
--     Five wrong tries void it too.
--   * A new portal account has an unusable password (a sealed hash of random
--     bytes: no password produces it) and is inactive until activated.
--   * A patient's account is linked to the patient by the function that
--     creates it, and in no other way: hms_app can no longer write
--     patient_user. One patient, one account.
--   * A relative's account is created unlinked. A relative reaches a patient
--     only through a proxy grant, which follows the proxy rules (0014): the
--     patient's own grant in the portal, a guardian of a minor, or the
--     patient's consent recorded by staff. Creating the login gives nothing.
--   * account_create no longer makes patient or relative accounts: reception
--     cannot make a portal login whose password it knows.
--
-- Every step writes an audit row: account.create (naming the patient),
-- account.code_issue, account.activate.
-- depends: 0022_scheduling

CREATE TABLE portal_activation_code (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL CONSTRAINT portal_activation_code_hash_length CHECK (length(code_hash) = 32),
    issued_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    issued_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL DEFAULT now() + interval '72 hours',
    used_at timestamptz,
    voided_at timestamptz,
    wrong_attempts integer NOT NULL DEFAULT 0,
    CONSTRAINT portal_activation_code_valid_72_hours CHECK (expires_at = issued_at + interval '72 hours'),
    CONSTRAINT portal_activation_code_wrong_attempts_range CHECK (wrong_attempts BETWEEN 0 AND 5),
    CONSTRAINT portal_activation_code_used_or_voided CHECK (used_at IS NULL OR voided_at IS NULL)
);
COMMENT ON TABLE portal_activation_code IS
'One-time codes that let a person set the password of their new portal account; only the SHA-256 is kept.';
COMMENT ON COLUMN portal_activation_code.code_hash IS 'SHA-256 of the code as typed, normalised (never the code).';
COMMENT ON COLUMN portal_activation_code.issued_by IS 'The verified member of staff who issued the code.';
COMMENT ON COLUMN portal_activation_code.wrong_attempts IS 'Wrong codes tried for this account; the fifth voids the code.';

-- At most one live code per account; also what activation and reissue look up.
CREATE UNIQUE INDEX portal_activation_code_one_live ON portal_activation_code (user_id)
WHERE used_at IS NULL AND voided_at IS NULL;
CREATE INDEX portal_activation_code_issued_by_idx ON portal_activation_code (issued_by);

-- hms_app never reads or writes codes, not even their hashes: only the
-- functions below do.
ALTER TABLE portal_activation_code ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON portal_activation_code FROM hms_app;

-- Codes are typed by people: case, spaces and dashes do not count, and the
-- letters O, I and L read as the digits they look like.
CREATE FUNCTION hms_private.portal_code_hash(p_code text) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN sha256(convert_to(
    translate(upper(regexp_replace(coalesce(p_code, ''), '[^A-Za-z0-9]', '', 'g')), 'OIL', '011'), 'UTF8'
));

-- A new code for an account: voids the live one and returns the new code,
-- the only time it exists outside the hash. 12 symbols of 32 (Crockford's
-- base 32: no I, L, O, U), 60 random bits, grouped by four.
CREATE FUNCTION hms_private.portal_code_issue(p_user bigint) RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    -- Bytes 6 and 8 of a version 4 UUID hold its version and variant bits.
    v_random bytea := uuid_send(gen_random_uuid());
    v_code text := '';
    v_i integer;
BEGIN
    FOREACH v_i IN ARRAY ARRAY[0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13] LOOP
        v_code := v_code || substr(v_alphabet, (get_byte(v_random, v_i) & 31) + 1, 1);
    END LOOP;
    UPDATE portal_activation_code SET voided_at = now()
    WHERE user_id = p_user AND used_at IS NULL AND voided_at IS NULL;
    INSERT INTO portal_activation_code (user_id, code_hash, issued_by)
    VALUES (p_user, hms_private.portal_code_hash(v_code), hms_current_user_id());
    RETURN substr(v_code, 1, 4) || '-' || substr(v_code, 5, 4) || '-' || substr(v_code, 9, 4);
END
$$;

-- A password no one knows: a sealed argon2id hash of random bytes.
CREATE FUNCTION hms_private.unusable_password() RETURNS text
LANGUAGE sql VOLATILE
RETURN '$argon2id$v=19$m=65536,t=3,p=4$'
|| rtrim(encode(uuid_send(gen_random_uuid()), 'base64'), '=')
|| '$sha256:' || encode(sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())), 'hex');

-- Reception or an administrator creates a registered patient's portal
-- account, linked to the patient, and gets its first activation code.
CREATE FUNCTION portal_account_create_for_patient(p_patient_id bigint, p_username text, p_locale text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_patient patient%ROWTYPE;
    v_user bigint;
BEGIN
    IF hms_private.require_role(ARRAY['administrator', 'receptionist']) IS NULL THEN
        RAISE EXCEPTION 'Portal accounts are created by a member of staff.' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO v_patient FROM patient WHERE id = p_patient_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such patient.' USING ERRCODE = 'P0002';
    END IF;
    IF EXISTS (SELECT 1 FROM patient_user WHERE patient_id = p_patient_id) THEN
        RAISE EXCEPTION 'The patient already has a portal account.'
            USING ERRCODE = 'HM100', CONSTRAINT = 'patient_user_patient_id_key';
    END IF;
    INSERT INTO app_user (username, password_hash, role, full_name, email, locale, is_active)
    VALUES (lower(p_username), hms_private.unusable_password(), 'patient',
        left(v_patient.given_name || ' ' || v_patient.family_name, 200), NULL, coalesce(p_locale, 'sv'), false)
    RETURNING id INTO v_user;
    INSERT INTO patient_user (user_id, patient_id) VALUES (v_user, p_patient_id);
    INSERT INTO audit_log (user_id, user_role, patient_id, action, object_type, object_id, detail)
    VALUES (hms_current_user_id(), hms_current_role()::user_role, p_patient_id, 'account.create', 'app_user', v_user,
        format('%s as patient, portal account of patient %s', lower(p_username), p_patient_id));
    RETURN hms_private.portal_code_issue(v_user);
END
$$;
COMMENT ON FUNCTION portal_account_create_for_patient IS
'Reception: a patient''s portal account, linked to the patient, inactive until activated; returns the code once.';

-- Reception or an administrator creates a relative's portal account. It is
-- linked to no patient: a relative acts for a patient only by a proxy grant.
CREATE FUNCTION portal_account_create_for_relative(p_username text, p_full_name text, p_email text, p_locale text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint;
BEGIN
    IF hms_private.require_role(ARRAY['administrator', 'receptionist']) IS NULL THEN
        RAISE EXCEPTION 'Portal accounts are created by a member of staff.' USING ERRCODE = '42501';
    END IF;
    INSERT INTO app_user (username, password_hash, role, full_name, email, locale, is_active)
    VALUES (lower(p_username), hms_private.unusable_password(), 'relative', p_full_name, p_email,
        coalesce(p_locale, 'sv'), false)
    RETURNING id INTO v_user;
    PERFORM hms_private.audit_account(v_user, 'account.create', format('%s as relative', lower(p_username)));
    RETURN hms_private.portal_code_issue(v_user);
END
$$;
COMMENT ON FUNCTION portal_account_create_for_relative IS
'Reception: a relative''s portal account, linked to no patient, inactive until activated; returns the code once.';

-- A new code for a portal account whose code was lost or has expired (or
-- whose holder forgot the password): the old code is void from now on. A
-- deactivated account that was once activated stays the administrator's.
CREATE FUNCTION portal_code_reissue(p_user bigint) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_account app_user%ROWTYPE;
BEGIN
    IF hms_private.require_role(ARRAY['administrator', 'receptionist']) IS NULL THEN
        RAISE EXCEPTION 'Activation codes are issued by a member of staff.' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO v_account FROM app_user WHERE id = p_user AND role IN ('patient', 'relative') FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such portal account.' USING ERRCODE = 'P0002';
    END IF;
    IF NOT v_account.is_active
        AND EXISTS (SELECT 1 FROM portal_activation_code WHERE user_id = p_user AND used_at IS NOT NULL) THEN
        RAISE EXCEPTION 'The account is deactivated; an administrator reactivates it.'
            USING ERRCODE = 'HM101', CONSTRAINT = 'portal_code_account_deactivated';
    END IF;
    PERFORM hms_private.audit_account(p_user, 'account.code_issue', 'a new activation code; the old one is void');
    RETURN hms_private.portal_code_issue(p_user);
END
$$;
COMMENT ON FUNCTION portal_code_reissue IS 'Reception: a new activation code for a portal account; voids the old.';

-- The person activates their account: with the right, live code for that
-- username, their password (argon2id's encoded hash, which the seal trigger
-- keeps only as a SHA-256) is set, the code used and the account active; its
-- sessions end. Every failure answers the same false and raises nothing, so
-- the count of wrong tries is kept (the fifth voids the code) and nobody
-- learns whether a username exists or has a code.
CREATE FUNCTION portal_account_activate(p_username text, p_code text, p_password_hash text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_account app_user%ROWTYPE;
    v_code portal_activation_code%ROWTYPE;
BEGIN
    SELECT * INTO v_account FROM app_user
    WHERE lower(username) = lower(p_username) AND role IN ('patient', 'relative') FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    SELECT * INTO v_code FROM portal_activation_code
    WHERE user_id = v_account.id AND used_at IS NULL AND voided_at IS NULL FOR UPDATE;
    IF NOT FOUND OR v_code.expires_at <= now() THEN
        RETURN false;
    END IF;
    IF v_code.code_hash IS DISTINCT FROM hms_private.portal_code_hash(p_code) THEN
        UPDATE portal_activation_code SET
            wrong_attempts = wrong_attempts + 1,
            voided_at = CASE WHEN wrong_attempts + 1 >= 5 THEN now() END
        WHERE id = v_code.id;
        RETURN false;
    END IF;
    UPDATE portal_activation_code SET used_at = now() WHERE id = v_code.id;
    UPDATE app_user SET
        password_hash = p_password_hash,
        password_changed_at = now(),
        failed_login_count = 0,
        locked_until = NULL,
        is_active = true
    WHERE id = v_account.id;
    DELETE FROM user_session WHERE user_id = v_account.id;
    INSERT INTO audit_log (user_id, user_role, action, object_type, object_id, detail)
    VALUES (v_account.id, v_account.role, 'account.activate', 'app_user', v_account.id,
        'password set with an activation code');
    RETURN true;
END
$$;
COMMENT ON FUNCTION portal_account_activate IS
'Public: sets a portal account''s password with its live activation code; false for every failure.';

-- Portal accounts come only from the functions above.
CREATE OR REPLACE FUNCTION account_create(
    p_username text, p_password_hash text, p_role user_role, p_full_name text, p_email text, p_locale text
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM hms_private.require_role(ARRAY['administrator']);
    IF p_role IN ('patient', 'relative') AND NOT hms_private.is_maintenance() THEN
        RAISE EXCEPTION 'Portal accounts are created with an activation code.'
            USING ERRCODE = 'HM102', CONSTRAINT = 'account_create_portal_by_code';
    END IF;
    INSERT INTO app_user (username, password_hash, role, full_name, email, locale)
    VALUES (p_username, p_password_hash, p_role, p_full_name, p_email, coalesce(p_locale, 'sv'))
    RETURNING id INTO v_id;
    PERFORM hms_private.audit_account(v_id, 'account.create', format('%s as %s', p_username, p_role));
    RETURN v_id;
END
$$;

-- The link between a patient and their account is written only by
-- portal_account_create_for_patient.
DROP POLICY patient_user_link ON patient_user;
REVOKE INSERT, UPDATE, DELETE ON patient_user FROM hms_app;

GRANT EXECUTE ON FUNCTION
portal_account_create_for_patient,
portal_account_create_for_relative,
portal_code_reissue,
portal_account_activate
TO hms_app;
