-- One rule says when a relative's grant is in force.
--
-- "In force today" was written five times: three times in the access
-- decision (hms_decide_basis, last in 0048) and twice in the portal's
-- queries. The date bug that 0048 mended was possible because each copy
-- chose its own "today". hms_proxy_grant_in_force is now the only place
-- that compares a grant's dates with the hospital's day; the decision and
-- the portal call it, and a test (tests/wall/test_grant_in_force.py) finds
-- any other SQL that compares starts_on or ends_on.
--
-- It is a plain SQL function with one expression, STABLE and without SET
-- options, so the planner inlines it: the decision reads the same plan as
-- before, and the hms_app role executes it with its own rights.
-- depends: 0048_grants_by_hospital_day

CREATE FUNCTION hms_proxy_grant_in_force(p_starts_on date, p_ends_on date, p_revoked_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN p_revoked_at IS NULL AND hms_today() >= p_starts_on AND (p_ends_on IS NULL OR hms_today() <= p_ends_on);
COMMENT ON FUNCTION hms_proxy_grant_in_force IS
'Whether a relative''s grant is in force on the hospital''s day: not revoked, begun, not ended.';

GRANT EXECUTE ON FUNCTION hms_proxy_grant_in_force TO hms_app;

CREATE OR REPLACE FUNCTION hms_decide_basis(v_user bigint, v_role text, p_patient bigint, p_area text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF p_area = 'messages' THEN
        IF v_role = 'patient' THEN
            RETURN CASE WHEN EXISTS (SELECT 1 FROM patient_user WHERE user_id = v_user AND patient_id = p_patient)
                THEN 'own' END;
        END IF;
        IF v_role = 'relative' THEN
            RETURN CASE WHEN EXISTS (
                SELECT 1 FROM proxy_grant
                WHERE relative_user_id = v_user AND patient_id = p_patient
                    AND hms_proxy_grant_in_force(starts_on, ends_on, revoked_at)
                    AND 'messages' = ANY (scopes)
            ) THEN 'proxy' END;
        END IF;
        IF v_role IN ('doctor', 'nurse') THEN
            IF hms_in_care(v_user, p_patient) THEN
                RETURN 'care';
            END IF;
            IF hms_emergency_active(v_user, p_patient) THEN
                RETURN 'emergency';
            END IF;
        END IF;
        RETURN NULL;
    END IF;
    IF p_area = 'appointments' THEN
        IF v_role = 'patient' THEN
            RETURN CASE WHEN EXISTS (SELECT 1 FROM patient_user WHERE user_id = v_user AND patient_id = p_patient)
                THEN 'own' END;
        END IF;
        IF v_role = 'relative' THEN
            RETURN CASE WHEN EXISTS (
                SELECT 1 FROM proxy_grant
                WHERE relative_user_id = v_user AND patient_id = p_patient
                    AND hms_proxy_grant_in_force(starts_on, ends_on, revoked_at)
                    AND ('record' = ANY (scopes) OR 'appointments' = ANY (scopes))
            ) THEN 'proxy' END;
        END IF;
        IF v_role IN ('receptionist', 'administrator') THEN
            RETURN 'role';
        END IF;
        IF v_role IN ('doctor', 'nurse') THEN
            IF hms_in_care(v_user, p_patient) THEN
                RETURN 'care';
            END IF;
            IF EXISTS (
                SELECT 1 FROM appointment AS a JOIN staff_care_unit AS s ON s.care_unit_id = a.care_unit_id
                WHERE a.patient_id = p_patient AND s.user_id = v_user
            ) THEN
                RETURN 'unit';
            END IF;
            IF hms_emergency_active(v_user, p_patient) THEN
                RETURN 'emergency';
            END IF;
        END IF;
        RETURN NULL;
    END IF;
    IF v_role IN ('patient') THEN
        RETURN CASE WHEN EXISTS (SELECT 1 FROM patient_user WHERE user_id = v_user AND patient_id = p_patient)
            THEN 'own' END;
    END IF;
    IF v_role = 'relative' THEN
        RETURN CASE WHEN EXISTS (
            SELECT 1 FROM proxy_grant
            WHERE relative_user_id = v_user AND patient_id = p_patient
                AND hms_proxy_grant_in_force(starts_on, ends_on, revoked_at)
                AND (
                    p_area = 'demographics' OR 'record' = ANY (scopes)
                    OR (p_area = 'medication' AND 'medication' = ANY (scopes::text []))
                )
        ) THEN 'proxy' END;
    END IF;
    IF v_role = 'external_specialist' THEN
        RETURN CASE WHEN EXISTS (
            SELECT 1 FROM consultation WHERE specialist_id = v_user AND patient_id = p_patient AND status = 'open'
        ) THEN 'consultation' END;
    END IF;
    IF p_area = 'demographics' AND v_role IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator') THEN
        RETURN 'role';
    END IF;
    IF p_area = 'medication' AND v_role = 'pharmacist' THEN
        RETURN 'role';
    END IF;
    IF p_area IN ('clinical', 'medication') AND v_role IN ('doctor', 'nurse') THEN
        IF hms_in_care(v_user, p_patient) THEN
            RETURN 'care';
        END IF;
        IF hms_emergency_active(v_user, p_patient) THEN
            RETURN 'emergency';
        END IF;
    END IF;
    RETURN NULL;
END
$$;
