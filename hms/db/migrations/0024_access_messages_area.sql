-- The messages area of the access decision: who may write to a patient's
-- care and read what was written, on the patient's side of a thread or a
-- care request.
--
--   * The patient ('own').
--   * A relative whose grant is in force and has the messages scope
--     ('proxy'). The record scope does not include it: reading a record and
--     speaking for the patient are separate consents.
--   * Doctors and nurses with the patient in care, or under emergency access.
--
-- Staff of the care unit a thread or request is addressed to reach it by that
-- unit, per row, in the tables' own policies; that is not a basis on the
-- patient. Every branch of the other areas is kept as it was (0022).
-- depends: 0023_accounts_activation

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
                WHERE relative_user_id = v_user AND patient_id = p_patient AND revoked_at IS NULL
                    AND current_date >= starts_on AND (ends_on IS NULL OR current_date <= ends_on)
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
                WHERE relative_user_id = v_user AND patient_id = p_patient AND revoked_at IS NULL
                    AND current_date >= starts_on AND (ends_on IS NULL OR current_date <= ends_on)
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
            WHERE relative_user_id = v_user AND patient_id = p_patient AND revoked_at IS NULL
                AND current_date >= starts_on AND (ends_on IS NULL OR current_date <= ends_on)
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
