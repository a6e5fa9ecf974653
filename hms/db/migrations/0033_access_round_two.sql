-- The second round of attacks on the modules of 0025-0032, closed in the
-- database (tests/wall/test_red_team_round2.py):
--
--   * Messaging: a block binds a relative in messaging as everywhere else. A
--     relative reads no conversation with a unit the patient blocks, and is
--     not offered that unit to write to.
--   * Lab and radiology: a result or a report names a line or an examination
--     of its own patient, in a unit whose rows the writer sees; anything else
--     is refused with one answer, so nothing is told of another patient's
--     orders or of how far they have come.
--   * Referrals: a referral carries no diagnosis that the patient's block
--     hides from the receiving unit.
--   * Consultations: an outside specialist reads only the consultations put
--     to them. The parts are one to six, each at most once (0031 added lab).
--   * The journal: who marked an entry in error, and when, are the verified
--     user and the time, whatever the UPDATE says.
-- depends: 0032_consultations_lab_policies

-- Messaging: the patient side passes a block's per-row test.
DROP POLICY message_thread_read ON message_thread;
CREATE POLICY message_thread_read ON message_thread FOR SELECT TO hms_app
USING (
    (
        (SELECT hms_current_role()) IN ('doctor', 'nurse')
        AND care_unit_id IN (
            SELECT s.care_unit_id FROM staff_care_unit AS s
            WHERE s.user_id = (SELECT hms_current_user_id())
        )
    )
    OR (
        hms_access_basis(patient_id, 'messages') IN ('own', 'proxy')
        AND (
            patient_id = any((SELECT hms_wholly_visible('messages'))::bigint[])
            OR hms_row_visible(patient_id, care_unit_id, 'messages')
        )
    )
);

CREATE OR REPLACE FUNCTION message_thread_units(p_patient bigint)
RETURNS TABLE (care_unit_id bigint, name text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT coalesce(hms_access_basis(p_patient, 'messages') IN ('own', 'proxy'), false) THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT u.id, u.name FROM care_unit AS u
    WHERE u.is_active AND hms_row_visible(p_patient, u.id, 'messages') AND (
        EXISTS (SELECT 1 FROM encounter AS e WHERE e.patient_id = p_patient AND e.care_unit_id = u.id)
        OR EXISTS (SELECT 1 FROM care_assignment AS a WHERE a.patient_id = p_patient AND a.care_unit_id = u.id)
        OR EXISTS (
            SELECT 1 FROM appointment AS p
            WHERE p.patient_id = p_patient AND p.care_unit_id = u.id AND p.status <> 'offered'
        )
    )
    ORDER BY u.name, u.id;
END
$$;

CREATE OR REPLACE FUNCTION lab_result_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_item lab_order_item;
    v_order lab_order;
    v_patient patient;
    v_current bigint;
    v_range record;
BEGIN
    IF hms_current_role() IS DISTINCT FROM 'doctor' AND hms_current_role() IS DISTINCT FROM 'nurse' THEN
        RAISE EXCEPTION 'Results are entered by doctors and nurses.'
            USING ERRCODE = 'HM270', CONSTRAINT = 'lab_result_by_clinician';
    END IF;
    -- The line of this patient, in a unit whose rows the writer sees; any
    -- other line is answered alike, so nothing is told of another's orders.
    SELECT * INTO v_item FROM lab_order_item WHERE id = NEW.item_id AND patient_id = NEW.patient_id;
    IF NOT FOUND OR NOT coalesce(hms_row_visible(v_item.patient_id, v_item.care_unit_id, 'clinical'), false) THEN
        RAISE EXCEPTION 'No such order line.' USING ERRCODE = '23503', CONSTRAINT = 'lab_result_line_fk';
    END IF;
    -- The line's unit; the patient and test stay as written, for the foreign key.
    NEW.care_unit_id := v_item.care_unit_id;
    SELECT * INTO v_order FROM lab_order WHERE id = v_item.order_id FOR UPDATE;
    IF v_order.status NOT IN ('sampled', 'partially_resulted', 'resulted') THEN
        RAISE EXCEPTION 'Results come after the sample is taken.'
            USING ERRCODE = 'HM271', CONSTRAINT = 'lab_result_after_sampling';
    END IF;
    SELECT r.id INTO v_current FROM lab_result AS r
    WHERE r.item_id = NEW.item_id AND NOT EXISTS (SELECT 1 FROM lab_result AS n WHERE n.supersedes = r.id);
    IF NEW.supersedes IS DISTINCT FROM v_current THEN
        RAISE EXCEPTION 'The test has a newer result; a correction replaces the current one.'
            USING ERRCODE = 'HM272', CONSTRAINT = 'lab_result_supersedes_current';
    END IF;
    SELECT * INTO v_patient FROM patient WHERE id = v_item.patient_id;
    SELECT * INTO v_range FROM lab_range_for(v_item.loinc, v_patient.sex, v_patient.date_of_birth, v_order.sampled_at);
    NEW.unit := (SELECT t.unit FROM lab_test AS t WHERE t.loinc = v_item.loinc);
    NEW.ref_low := v_range.low;
    NEW.ref_high := v_range.high;
    NEW.flag := lab_flag_of(NEW.value, v_range.low, v_range.high, v_range.critical_low, v_range.critical_high);
    NEW.entered_by := hms_current_user_id();
    NEW.entered_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION radiology_report_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_order radiology_order;
BEGIN
    IF hms_current_role() IS DISTINCT FROM 'doctor' OR NOT coalesce(hms_may_write_clinical(NEW.patient_id), false) THEN
        RAISE EXCEPTION 'A doctor with the patient in care writes the report.'
            USING ERRCODE = 'HM274', CONSTRAINT = 'radiology_report_by_doctor';
    END IF;
    SELECT * INTO v_order FROM radiology_order WHERE id = NEW.order_id AND patient_id = NEW.patient_id FOR UPDATE;
    IF NOT FOUND OR NOT coalesce(hms_row_visible(v_order.patient_id, v_order.care_unit_id, 'clinical'), false) THEN
        RAISE EXCEPTION 'No such examination.' USING ERRCODE = '23503', CONSTRAINT = 'radiology_report_order_fk';
    END IF;
    IF v_order.status <> 'ordered' THEN
        RAISE EXCEPTION 'The examination is already reported or cancelled.'
            USING ERRCODE = 'HM275', CONSTRAINT = 'radiology_report_once';
    END IF;
    NEW.care_unit_id := v_order.care_unit_id;
    NEW.written_by := hms_current_user_id();
    NEW.signed_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION referral_send(
    p_patient bigint, p_from_unit bigint, p_to_unit bigint, p_urgency referral_urgency, p_question text,
    p_diagnoses bigint[] DEFAULT '{}'
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_current_user_id();
    v_id bigint;
    v_found integer;
BEGIN
    IF v_user IS NULL OR hms_current_role() IS DISTINCT FROM 'doctor' THEN
        RAISE EXCEPTION 'Referrals are sent by doctors.' USING ERRCODE = 'HM251', CONSTRAINT = 'referral_by_doctor';
    END IF;
    IF NOT hms_private.doctor_of(p_from_unit) THEN
        RAISE EXCEPTION 'Send the referral from one of your own care units.'
            USING ERRCODE = 'HM251', CONSTRAINT = 'referral_from_own_unit';
    END IF;
    IF hms_access_basis(p_patient, 'clinical') IS DISTINCT FROM 'care'
        AND hms_access_basis(p_patient, 'clinical') IS DISTINCT FROM 'emergency' THEN
        RAISE EXCEPTION 'You may refer only a patient in your care.'
            USING ERRCODE = 'HM252', CONSTRAINT = 'referral_patient_in_care';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM care_unit WHERE id = p_to_unit AND is_active) THEN
        RAISE EXCEPTION 'Choose a care unit of the hospital to refer to.'
            USING ERRCODE = 'HM253', CONSTRAINT = 'referral_to_active_unit';
    END IF;
    -- Each named diagnosis is this patient's, not entered in error, and one the
    -- sender sees (a blocked unit's diagnosis is not theirs to pass on),
    SELECT count(*) INTO v_found FROM diagnosis AS d
    WHERE
        d.id = ANY (p_diagnoses) AND d.patient_id = p_patient AND d.entered_in_error_at IS NULL
        AND hms_row_visible(d.patient_id, d.care_unit_id, 'clinical')
        -- nor one the patient's block hides from the receiving unit (the
        -- sender may see it under emergency access, or as its own unit's)
        AND (
            d.care_unit_id = p_to_unit
            OR NOT EXISTS (
                SELECT 1 FROM journal_block AS b
                WHERE b.patient_id = p_patient AND b.care_unit_id = d.care_unit_id AND b.revoked_at IS NULL
            )
        );
    IF v_found <> cardinality(ARRAY(SELECT DISTINCT unnest(coalesce(p_diagnoses, '{}')))) THEN
        RAISE EXCEPTION 'Choose diagnoses from the patient''s own list.'
            USING ERRCODE = 'HM254', CONSTRAINT = 'referral_diagnosis_same_patient_fk';
    END IF;
    INSERT INTO referral (patient_id, from_unit_id, to_unit_id, sent_by, urgency, question)
    VALUES (p_patient, p_from_unit, p_to_unit, v_user, p_urgency, btrim(p_question))
    RETURNING id INTO v_id;
    INSERT INTO referral_diagnosis (referral_id, patient_id, diagnosis_id, code)
    SELECT v_id, p_patient, d.id, d.code FROM diagnosis AS d
    WHERE d.id = ANY (p_diagnoses) AND d.patient_id = p_patient;
    RETURN v_id;
END
$$;

-- Consultations: a specialist reads only their own.
CREATE POLICY consultation_own_specialist ON consultation AS RESTRICTIVE FOR SELECT TO hms_app
USING (
    (SELECT hms_current_role()) IS DISTINCT FROM 'external_specialist'
    OR specialist_id = (SELECT hms_current_user_id())
);

CREATE FUNCTION hms_private.each_once(p_values consultation_part[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, public
RETURN cardinality(p_values) = (SELECT count(DISTINCT v.part) FROM unnest(p_values) AS v (part));
-- The check runs as the writer.
GRANT EXECUTE ON FUNCTION hms_private.each_once TO hms_app;

ALTER TABLE consultation DROP CONSTRAINT consultation_parts_chosen;
ALTER TABLE consultation ADD CONSTRAINT consultation_parts_chosen CHECK (
    cardinality(parts) BETWEEN 1 AND 6 AND array_position(parts, NULL) IS NULL AND hms_private.each_once(parts)
);

-- The journal: an error mark is the verified user's, now. (The owner, with
-- no verified user, keeps what it writes.)
CREATE FUNCTION hms_private.error_mark_by_identity() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NEW.entered_in_error_at IS NOT NULL AND OLD.entered_in_error_at IS NULL
        AND hms_current_user_id() IS NOT NULL THEN
        NEW.entered_in_error_at := now();
        NEW.entered_in_error_by := hms_current_user_id();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER note_error_mark_by_identity BEFORE UPDATE ON note
FOR EACH ROW EXECUTE FUNCTION hms_private.error_mark_by_identity();
