-- Consultations finished: the referring doctor chooses which parts of the
-- record the outside specialist may read, the answer lands in the journal as
-- a signed note by the specialist, the requester sees that it came (and when
-- they read it), and a consultation not yet answered can be withdrawn.
--
-- Which tables each part opens to the specialist of an open consultation
-- (RESTRICTIVE policies below; every other basis is untouched):
--
--   part        tables
--   summary     encounter, care_plan, next_of_kin, allergy, and the diagnoses
--               on the problem list (unresolved, not entered in error)
--   notes       note, note_version (and so note_section), history_entry
--   diagnoses   diagnosis (all), procedure_record
--   vitals      vital_signs, renal_function
--   medication  prescription, prescription_version (and so its reviews and
--               warnings), medication_administration, stock_dispense,
--               allergy, renal_function
--
-- The patient's identity (the patient row: name, personal number, birth
-- date) is seen with any part while the consultation is open: the specialist
-- must know whom they answer about. Blocks bind the consultation basis as
-- before (hms_row_visible), so a blocked unit's rows stay hidden whatever the
-- parts. The access decision (hms_decide_basis) is unchanged: these policies
-- narrow what its 'consultation' basis shows, they do not widen anything.
--
-- Every change of a consultation after it is sent is a function that takes
-- who acts from the verified identity: consultation_answer (the specialist;
-- the answer, its journal note and the note's signature in one go),
-- consultation_close and consultation_withdraw (the requester),
-- consultation_answer_seen (the requester opened the answer). hms_app no
-- longer updates the table itself.
-- depends: 0026_requests_care

CREATE TYPE consultation_part AS ENUM ('summary', 'notes', 'diagnoses', 'vitals', 'medication');
ALTER TYPE consultation_status ADD VALUE 'withdrawn' AFTER 'closed';
-- The specialist's answer, as a journal note of its own kind.
ALTER TYPE note_kind ADD VALUE 'consultation' AFTER 'discharge_summary';

ALTER TABLE consultation
ADD COLUMN parts consultation_part[],
ADD COLUMN answer_note_id bigint,
ADD COLUMN answer_seen_at timestamptz,
ADD COLUMN withdrawn_at timestamptz,
ADD COLUMN withdraw_reason text CONSTRAINT consultation_withdraw_reason_length CHECK (
    length(withdraw_reason) <= 1000
);
COMMENT ON COLUMN consultation.parts IS 'The parts of the record the specialist may read while it is open; fixed once sent.';
COMMENT ON COLUMN consultation.answer_note_id IS 'The signed journal note that holds the answer, written by the specialist.';
COMMENT ON COLUMN consultation.answer_seen_at IS 'When the requester first opened the answer (unseen answers are the requester''s notice).';

-- Consultations sent before the parts existed let the specialist read every part.
UPDATE consultation SET parts = '{summary,notes,diagnoses,vitals,medication}';
ALTER TABLE consultation ALTER COLUMN parts SET NOT NULL;
ALTER TABLE consultation
ADD CONSTRAINT consultation_parts_chosen CHECK (cardinality(parts) BETWEEN 1 AND 5 AND array_position(parts, NULL) IS NULL),
ADD CONSTRAINT consultation_answer_note_fk FOREIGN KEY (answer_note_id, patient_id) REFERENCES note (id, patient_id)
ON DELETE RESTRICT,
ADD CONSTRAINT consultation_withdrawn_has_time CHECK ((status::text = 'withdrawn') = (withdrawn_at IS NOT NULL)),
ADD CONSTRAINT consultation_withdraw_reason_when_withdrawn CHECK (withdraw_reason IS NULL OR withdrawn_at IS NOT NULL),
ADD CONSTRAINT consultation_answer_seen_after_answer CHECK (answer_seen_at IS NULL OR answered_at IS NOT NULL);
-- A withdrawn consultation has no answer, like an open one.
ALTER TABLE consultation DROP CONSTRAINT consultation_answered_has_answer;
ALTER TABLE consultation ADD CONSTRAINT consultation_answered_has_answer CHECK (
    status::text IN ('open', 'withdrawn') OR (answer IS NOT NULL AND answered_at IS NOT NULL)
);

-- The requester's notice of answers not yet read (the header's count):
-- answered and unseen, by requester.
CREATE INDEX consultation_unseen_answer_idx ON consultation (requested_by)
WHERE status = 'answered' AND answer_seen_at IS NULL;
-- Used by consultations_mine for requesters (specialists: consultation_specialist_idx).
CREATE INDEX consultation_requester_idx ON consultation (requested_by, created_at DESC);

-- A consultation moves forward only: open -> answered -> closed, or open ->
-- withdrawn; what was asked, of whom, about whom and which parts never change;
-- the answer's note is set with the answer; the answer is seen once.
-- (Replaces the guard of 0009, which knew no withdrawal and no parts.)
CREATE OR REPLACE FUNCTION consultation_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Consultations are never deleted.' USING ERRCODE = 'HM041',
            CONSTRAINT = 'consultation_moves_forward';
    END IF;
    IF (NEW.patient_id, NEW.care_unit_id, NEW.requested_by, NEW.specialist_id, NEW.question, NEW.created_at,
        NEW.parts)
        IS DISTINCT FROM (OLD.patient_id, OLD.care_unit_id, OLD.requested_by, OLD.specialist_id, OLD.question,
            OLD.created_at, OLD.parts)
        OR NOT (
            (OLD.status = NEW.status AND NEW.answer IS NOT DISTINCT FROM OLD.answer
                AND NEW.answer_note_id IS NOT DISTINCT FROM OLD.answer_note_id
                AND NEW.withdrawn_at IS NOT DISTINCT FROM OLD.withdrawn_at
                AND NEW.withdraw_reason IS NOT DISTINCT FROM OLD.withdraw_reason)
            OR (OLD.status = 'open' AND NEW.status = 'answered' AND NEW.withdrawn_at IS NULL)
            OR (OLD.status = 'answered' AND NEW.status = 'closed' AND NEW.answer = OLD.answer
                AND NEW.answer_note_id IS NOT DISTINCT FROM OLD.answer_note_id)
            OR (OLD.status = 'open' AND NEW.status::text = 'withdrawn' AND NEW.answer IS NULL
                AND NEW.answer_note_id IS NULL)
        )
        OR (OLD.answer_seen_at IS NOT NULL AND NEW.answer_seen_at IS DISTINCT FROM OLD.answer_seen_at) THEN
        RAISE EXCEPTION 'A consultation only moves forward: open, answered, closed (or withdrawn while open).'
            USING ERRCODE = 'HM041', CONSTRAINT = 'consultation_moves_forward';
    END IF;
    RETURN NEW;
END
$$;

-- The patients whose open consultation to the acting specialist includes a
-- part: the restrictive policies ask it once per statement (an InitPlan),
-- only for external specialists.
CREATE FUNCTION hms_consultation_patients(p_part consultation_part) RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
RETURN coalesce((
    SELECT array_agg(DISTINCT c.patient_id) FROM consultation AS c
    WHERE
        c.specialist_id = hms_current_user_id() AND c.status = 'open'
        AND p_part = any(c.parts)  -- a parameter, not a column -- noqa: RF03
), '{}');
COMMENT ON FUNCTION hms_consultation_patients IS
'Patients of the acting specialist''s open consultations that include the part (empty for everyone else).';

-- The restrictive policies: for an external specialist a row passes only when
-- an open consultation of theirs about the patient includes the row's part.
-- Everyone else passes them untouched (the first arm), so their reads cost
-- nothing more.
DO $$
DECLARE
    rule record;
BEGIN
    FOR rule IN
        SELECT * FROM (VALUES
            ('note', 'notes', NULL),
            ('note_version', 'notes', NULL),
            ('history_entry', 'notes', NULL),
            ('diagnosis', 'diagnoses', 'summary'),
            ('procedure_record', 'diagnoses', NULL),
            ('vital_signs', 'vitals', NULL),
            ('renal_function', 'vitals', 'medication'),
            ('encounter', 'summary', NULL),
            ('care_plan', 'summary', NULL),
            ('next_of_kin', 'summary', NULL),
            ('allergy', 'summary', 'medication'),
            ('prescription', 'medication', NULL),
            ('prescription_version', 'medication', NULL),
            ('medication_administration', 'medication', NULL),
            ('stock_dispense', 'medication', NULL)
        ) AS r (tbl, part, also)
    LOOP
        EXECUTE format(
            'CREATE POLICY %I ON %I AS RESTRICTIVE FOR SELECT TO hms_app USING ('
            '(SELECT hms_current_role()) IS DISTINCT FROM ''external_specialist'' '
            'OR patient_id = ANY ((SELECT hms_consultation_patients(%L))::bigint[])%s)',
            rule.tbl || '_consultation_part', rule.tbl, rule.part,
            CASE
                WHEN rule.tbl = 'diagnosis' THEN
                    ' OR (resolved_date IS NULL AND entered_in_error_at IS NULL AND patient_id = ANY ('
                    '(SELECT hms_consultation_patients(''summary''))::bigint[]))'
                WHEN rule.also IS NOT NULL THEN
                    format(' OR patient_id = ANY ((SELECT hms_consultation_patients(%L))::bigint[])', rule.also)
                ELSE ''
            END
        );
    END LOOP;
END
$$;

-- The answer: the specialist's answer on the consultation, and the same
-- words as a journal note of kind 'consultation' in the consultation's care
-- unit, written and signed by the specialist, in one go. Their access ends
-- with it (the consultation is no longer open). Returns the note's id.
CREATE FUNCTION consultation_answer(p_consultation bigint, p_answer text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_current_user_id();
    c consultation;
    v_note bigint;
    v_version bigint;
BEGIN
    SELECT * INTO c FROM consultation WHERE id = p_consultation FOR UPDATE;
    IF NOT FOUND OR v_user IS NULL OR c.specialist_id <> v_user
        OR hms_current_role() IS DISTINCT FROM 'external_specialist' THEN
        RAISE EXCEPTION 'Only the specialist asked answers the consultation.'
            USING ERRCODE = 'HM240', CONSTRAINT = 'consultation_answer_by_specialist';
    END IF;
    IF c.status <> 'open' THEN
        RAISE EXCEPTION 'The consultation is no longer open.'
            USING ERRCODE = 'HM241', CONSTRAINT = 'consultation_answer_while_open';
    END IF;
    IF p_answer IS NULL OR length(btrim(p_answer)) NOT BETWEEN 1 AND 8000 THEN
        RAISE EXCEPTION 'Write an answer of at most 8000 characters.'
            USING ERRCODE = 'HM242', CONSTRAINT = 'consultation_answer_length';
    END IF;
    INSERT INTO note (patient_id, care_unit_id, kind, created_by)
    VALUES (c.patient_id, c.care_unit_id, 'consultation', v_user)
    RETURNING id INTO v_note;
    INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id)
    VALUES (v_note, c.patient_id, 1, v_user, c.care_unit_id)
    RETURNING id INTO v_version;
    INSERT INTO note_section (version_id, position, heading, body)
    VALUES (v_version, 1, 'Frågeställning', c.question), (v_version, 2, 'Konsultsvar', btrim(p_answer));
    UPDATE note_version SET status = 'signed', signed_at = now() WHERE id = v_version;
    UPDATE consultation SET status = 'answered', answer = btrim(p_answer), answered_at = now(), answer_note_id = v_note
    WHERE id = c.id;
    RETURN v_note;
END
$$;
COMMENT ON FUNCTION consultation_answer IS
'The specialist answers: the answer and its signed journal note by the specialist, atomically; access ends.';

-- The requester's consultation, locked, or a refusal.
CREATE FUNCTION hms_private.consultation_of_requester(p_consultation bigint) RETURNS consultation
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    c consultation;
BEGIN
    SELECT * INTO c FROM consultation WHERE id = p_consultation FOR UPDATE;
    IF NOT FOUND OR hms_current_user_id() IS NULL OR c.requested_by <> hms_current_user_id()
        OR hms_current_role() IS DISTINCT FROM 'doctor' THEN
        RAISE EXCEPTION 'Only the doctor who asked may do this.'
            USING ERRCODE = 'HM243', CONSTRAINT = 'consultation_by_requester';
    END IF;
    RETURN c;
END
$$;

-- The requester closes an answered consultation.
CREATE FUNCTION consultation_close(p_consultation bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    c consultation := hms_private.consultation_of_requester(p_consultation);
BEGIN
    IF c.status <> 'answered' THEN
        RAISE EXCEPTION 'Only an answered consultation can be closed.'
            USING ERRCODE = 'HM244', CONSTRAINT = 'consultation_close_answered';
    END IF;
    UPDATE consultation SET status = 'closed', closed_at = now(), answer_seen_at = coalesce(answer_seen_at, now())
    WHERE id = c.id;
END
$$;

-- The requester withdraws a consultation not yet answered: the specialist's
-- access ends at once (it is no longer open).
CREATE FUNCTION consultation_withdraw(p_consultation bigint, p_reason text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    c consultation := hms_private.consultation_of_requester(p_consultation);
BEGIN
    IF c.status <> 'open' THEN
        RAISE EXCEPTION 'Only a consultation not yet answered can be withdrawn.'
            USING ERRCODE = 'HM245', CONSTRAINT = 'consultation_withdraw_open';
    END IF;
    UPDATE consultation SET status = 'withdrawn', withdrawn_at = now(), withdraw_reason = nullif(btrim(p_reason), '')
    WHERE id = c.id;
END
$$;

-- The requester opened the answer: noted once (their notice of it ends).
-- Anyone else's call changes nothing.
CREATE FUNCTION consultation_answer_seen(p_consultation bigint) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
    UPDATE consultation SET answer_seen_at = now()
    WHERE
        id = p_consultation AND requested_by = hms_current_user_id()
        AND status IN ('answered', 'closed') AND answer_seen_at IS NULL;
END;

-- Writes go through the functions above: the app's role inserts a request
-- (its own columns only) and updates nothing.
DROP POLICY consultation_update ON consultation;
REVOKE UPDATE, INSERT ON consultation FROM hms_app;
GRANT INSERT (patient_id, care_unit_id, requested_by, specialist_id, question, parts) ON consultation TO hms_app;
-- A request is a doctor's, from one of their own care units.
CREATE POLICY consultation_request_by_doctor ON consultation AS RESTRICTIVE FOR INSERT TO hms_app
WITH CHECK (
    (SELECT hms_current_role()) = 'doctor'
    AND care_unit_id IN (
        SELECT s.care_unit_id FROM staff_care_unit AS s
        WHERE s.user_id = (SELECT hms_current_user_id())
    )
);

-- A consultation note is the specialist's answer, written by
-- consultation_answer alone, and never amended: a doctor neither writes one
-- nor adds a version in the specialist's note.
CREATE POLICY note_consultation_by_answer ON note AS RESTRICTIVE FOR INSERT TO hms_app
WITH CHECK (kind::text <> 'consultation');
CREATE POLICY note_version_consultation_not_amended ON note_version AS RESTRICTIVE FOR INSERT TO hms_app
WITH CHECK (NOT EXISTS (
    SELECT 1 FROM note AS n
    WHERE n.id = note_version.note_id AND n.kind::text = 'consultation'
));

REVOKE EXECUTE ON FUNCTION
hms_consultation_patients, consultation_answer, hms_private.consultation_of_requester, consultation_close,
consultation_withdraw, consultation_answer_seen
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
hms_consultation_patients, consultation_answer, consultation_close, consultation_withdraw, consultation_answer_seen
TO hms_app;
