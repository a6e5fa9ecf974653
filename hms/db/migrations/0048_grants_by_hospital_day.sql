-- A relative's grant is in force by the hospital's day, not the server's.
--
-- The access decision (hms_decide_basis, last written in 0024) compared a
-- grant's starts_on and ends_on with current_date, the date in the
-- server's time zone. Every other date rule of the journal uses
-- hms_today(), the day in Stockholm (0016). On a server that keeps UTC,
-- from 23:00 (00:00 in summer) to midnight a grant that ended yesterday in
-- Stockholm was still in force, and one that begins today was not yet. The
-- function is the same but for that.
-- depends: 0047_reports_and_names_round_four

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
                    AND hms_today() >= starts_on AND (ends_on IS NULL OR hms_today() <= ends_on)
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
                    AND hms_today() >= starts_on AND (ends_on IS NULL OR hms_today() <= ends_on)
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
                AND hms_today() >= starts_on AND (ends_on IS NULL OR hms_today() <= ends_on)
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

-- A grant given without a first day begins on the hospital's today.
ALTER TABLE proxy_grant ALTER COLUMN starts_on SET DEFAULT hms_today();
