-- What a request costs: the access functions keep their plans.
--
-- A function in LANGUAGE sql that cannot be inlined into its caller (every
-- SECURITY DEFINER one, and every one with a SET clause) is parsed and
-- planned again each time a statement first calls it: PostgreSQL 15 keeps a
-- SQL function's plan only for the statement that called it. The access
-- functions are called from the policies of every journal table and from the
-- audit log's trigger, so a chart paid for some twenty such plans, and a
-- search one per patient listed (hms_access_unit, from the audit trigger).
-- Every function a policy calls is now either inlined into the statement
-- (plain SQL, no SECURITY DEFINER, no SET) or PL/pgSQL
-- (tests/wall/test_policy_shape.py holds it there).
-- PL/pgSQL keeps its plans for the life of the connection, so the same
-- queries, written as PL/pgSQL, are planned once per connection instead of
-- once per statement. The rules are unchanged: the queries are the same,
-- word for word.
--
-- And who acts is read in one step: hms_current_user_id() and
-- hms_current_role() read the verified identity's row themselves instead of
-- through hms_private.identity(), a second function call (and a second
-- change of search_path) on every call.
-- depends: 0034_journal_discharge_summary

CREATE OR REPLACE FUNCTION hms_current_user_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint;
BEGIN
    SELECT v.user_id INTO v_user
    FROM hms_private.verified_identity AS v
    WHERE v.backend_pid = pg_backend_pid() AND v.xact = pg_current_xact_id_if_assigned();
    RETURN v_user;
END
$$;

CREATE OR REPLACE FUNCTION hms_current_role() RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_role text;
BEGIN
    SELECT v.role::text INTO v_role
    FROM hms_private.verified_identity AS v
    WHERE v.backend_pid = pg_backend_pid() AND v.xact = pg_current_xact_id_if_assigned();
    RETURN v_role;
END
$$;

CREATE OR REPLACE FUNCTION hms_in_care(p_user bigint, p_patient bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM encounter AS e
        INNER JOIN staff_care_unit AS s ON e.care_unit_id = s.care_unit_id
        LEFT JOIN emergency_access AS x ON e.emergency_access_id = x.id
        WHERE
            s.user_id = p_user AND e.patient_id = p_patient
            AND (e.ended_at IS NULL OR e.ended_at > now() - interval '30 days')
            AND (x.id IS NULL OR now() < x.expires_at)
    ) OR EXISTS (
        SELECT 1 FROM care_assignment AS a
        INNER JOIN staff_care_unit AS s ON a.care_unit_id = s.care_unit_id
        WHERE s.user_id = p_user AND a.patient_id = p_patient AND a.during @> now()
    );
END
$$;

CREATE OR REPLACE FUNCTION hms_emergency_active(p_user bigint, p_patient bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM emergency_access AS x
        WHERE x.user_id = p_user AND x.patient_id = p_patient AND now() >= x.starts_at AND now() < x.expires_at
    );
END
$$;

CREATE OR REPLACE FUNCTION hms_patient_exists(p_patient bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN hms_current_user_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM patient AS p
        WHERE p.id = p_patient
    );
END
$$;

CREATE OR REPLACE FUNCTION hms_wholly_visible(p_area text) RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN coalesce((
        SELECT array_agg(d.patient_id) FROM hms_private.access_decision AS d
        WHERE
            d.backend_pid = pg_backend_pid() AND d.area = p_area AND d.care_unit_id = 0 AND d.visible
            AND d.xact = pg_current_xact_id_if_assigned()
    ), '{}');
END
$$;

CREATE OR REPLACE FUNCTION hms_access_unit(p_user bigint, p_patient bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN coalesce(
        (
            SELECT min(s.care_unit_id) FROM staff_care_unit AS s
            WHERE
                s.user_id = p_user AND p_patient IS NOT NULL
                AND (
                    EXISTS (
                        SELECT 1 FROM encounter AS e
                        WHERE
                            e.patient_id = p_patient
                            AND e.care_unit_id = s.care_unit_id
                            AND (e.ended_at IS NULL OR e.ended_at > now() - interval '30 days')
                    )
                    OR EXISTS (
                        SELECT 1 FROM care_assignment AS a
                        WHERE
                            a.patient_id = p_patient
                            AND a.care_unit_id = s.care_unit_id AND a.during @> now()
                    )
                )
        ),
        (
            SELECT min(s.care_unit_id) FROM staff_care_unit AS s
            WHERE s.user_id = p_user
            HAVING count(*) = 1
        )
    );
END
$$;

CREATE OR REPLACE FUNCTION hms_private.remember(
    p_area text, p_patient bigint, p_care_unit bigint, p_basis text, p_visible boolean
) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO hms_private.access_decision AS d (backend_pid, xact, area, patient_id, care_unit_id, basis, visible)
    VALUES (pg_backend_pid(), pg_current_xact_id(), p_area, p_patient, p_care_unit, p_basis, p_visible)
    ON CONFLICT (backend_pid, area, patient_id, care_unit_id)
    DO UPDATE SET xact = excluded.xact, basis = excluded.basis, visible = excluded.visible;
END
$$;

CREATE OR REPLACE FUNCTION pharmacy_my_locations() RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN coalesce((
        SELECT array_agg(l.id ORDER BY l.id) FROM stock_location AS l
        WHERE
            hms_current_role() IN ('pharmacist', 'administrator')
            OR (
                hms_current_role() IN ('nurse', 'doctor')
                AND l.care_unit_id IN (
                    SELECT s.care_unit_id FROM staff_care_unit AS s
                    WHERE s.user_id = hms_current_user_id()
                )
            )
    ), '{}');
END
$$;

CREATE OR REPLACE FUNCTION hms_consultation_patients(p_part consultation_part) RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN coalesce((
        SELECT array_agg(DISTINCT c.patient_id) FROM consultation AS c
        WHERE c.specialist_id = hms_current_user_id() AND c.status = 'open' AND p_part = any(c.parts)
    ), '{}');
END
$$;

-- A backend's verified identity is one row, written over in place by each
-- transaction that proves a session, instead of deleted and inserted again:
-- the update touches no indexed column, so it stays on its page (a HOT
-- update) and the old version is pruned there, and the table and its index
-- stay the size of the pool, without waiting for a vacuum. Every path that
-- proves nothing still removes the row, so an earlier proof never stands in
-- this transaction (and the row's xact ties it to this transaction anyway).
ALTER TABLE hms_private.verified_identity SET (fillfactor = 50);

CREATE OR REPLACE FUNCTION hms_authenticate(p_token text)
RETURNS TABLE (
    user_id bigint, username text, role user_role, full_name text, locale text, csrf_token text, is_idle boolean
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_session user_session%ROWTYPE;
    v_user app_user%ROWTYPE;
BEGIN
    -- Whatever this backend decided before no longer counts.
    DELETE FROM hms_private.access_decision AS d WHERE d.backend_pid = pg_backend_pid();
    IF p_token IS NULL OR p_token = '' THEN
        DELETE FROM hms_private.verified_identity AS v WHERE v.backend_pid = pg_backend_pid();
        RETURN;
    END IF;
    SELECT * INTO v_session FROM user_session AS s WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8'));
    IF NOT FOUND THEN
        DELETE FROM hms_private.verified_identity AS v WHERE v.backend_pid = pg_backend_pid();
        RETURN;
    END IF;
    SELECT * INTO v_user FROM app_user AS u WHERE u.id = v_session.user_id AND u.is_active;
    IF NOT FOUND OR v_session.expires_at <= now() OR v_session.last_seen_at < now() - v_session.idle_limit THEN
        DELETE FROM hms_private.verified_identity AS v WHERE v.backend_pid = pg_backend_pid();
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
    INSERT INTO hms_private.verified_identity AS v (backend_pid, xact, user_id, role)
    VALUES (pg_backend_pid(), pg_current_xact_id(), v_user.id, v_user.role)
    ON CONFLICT (backend_pid) DO UPDATE SET xact = excluded.xact, user_id = excluded.user_id, role = excluded.role;
    RETURN QUERY SELECT v_user.id, v_user.username, v_user.role, v_user.full_name, v_user.locale,
        v_session.csrf_token, false;
END
$$;
