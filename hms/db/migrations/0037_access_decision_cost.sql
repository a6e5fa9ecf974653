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
