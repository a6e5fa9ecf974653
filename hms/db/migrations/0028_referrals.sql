-- Referrals (remisser) between the hospital's own care units: a doctor asks
-- another unit to take over or share a patient's care.
--
--   * A doctor refers a patient within their clinical reach (in care, or
--     under emergency access: the basis on which they may write in the
--     journal) from one of their own units to another unit, with a question,
--     an urgency and the relevant diagnoses, chosen among the patient's own
--     (a composite foreign key: a referral names no other patient's diagnosis).
--   * The receiving unit's doctors see it, row by row, by their membership of
--     the unit it is sent to: the referral's own content and the patient's
--     identity, not the rest of the record until they accept.
--   * Accepting puts the patient in the unit's care (a care_assignment, which
--     hms_in_care honours), in the name of the doctor who accepts; rejecting
--     needs a reason; the sender may withdraw while it is unanswered. Every
--     write is a function that takes who acts from the verified identity;
--     hms_app reads referrals and writes none directly.
--   * sent_at and decided_at give the turnaround; the urgency's target days
--     give the date an answer is due.
-- depends: 0027_consultations_finish

CREATE TYPE referral_urgency AS ENUM ('routine', 'urgent', 'acute');
CREATE TYPE referral_status AS ENUM ('sent', 'accepted', 'rejected', 'withdrawn');

-- How soon each urgency should be answered (reference data).
CREATE TABLE referral_urgency_target (
    urgency referral_urgency PRIMARY KEY,
    target_days integer NOT NULL CONSTRAINT referral_urgency_target_days_range CHECK (target_days BETWEEN 1 AND 365)
);
COMMENT ON TABLE referral_urgency_target IS 'How many days a referral of one urgency should wait for its answer at most.';
INSERT INTO referral_urgency_target (urgency, target_days) VALUES ('routine', 30), ('urgent', 7), ('acute', 1);

CREATE TABLE referral (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    from_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    to_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    sent_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    urgency referral_urgency NOT NULL REFERENCES referral_urgency_target (urgency) ON DELETE RESTRICT,
    question text NOT NULL CONSTRAINT referral_question_length CHECK (length(btrim(question)) BETWEEN 10 AND 4000),
    status referral_status NOT NULL DEFAULT 'sent',
    sent_at timestamptz NOT NULL DEFAULT now(),
    decided_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    decided_at timestamptz,
    decision_reason text,
    care_assignment_id bigint REFERENCES care_assignment (id) ON DELETE RESTRICT,
    -- The turnaround: from sending to the receiving unit's answer (not a withdrawal).
    turnaround interval GENERATED ALWAYS AS (
        CASE WHEN status IN ('accepted', 'rejected') THEN decided_at - sent_at END
    ) STORED,
    CONSTRAINT referral_to_another_unit CHECK (to_unit_id <> from_unit_id),
    CONSTRAINT referral_decided_complete CHECK (
        (status = 'sent') = (decided_by IS NULL AND decided_at IS NULL)
    ),
    CONSTRAINT referral_decided_after_sent CHECK (decided_at >= sent_at),
    CONSTRAINT referral_rejection_has_reason CHECK (
        status <> 'rejected' OR length(btrim(decision_reason)) BETWEEN 5 AND 2000
    ),
    CONSTRAINT referral_decision_reason_length CHECK (length(decision_reason) <= 2000),
    CONSTRAINT referral_accepted_gives_care CHECK ((status = 'accepted') = (care_assignment_id IS NOT NULL)),
    -- Target of referral_diagnosis's composite key: its diagnoses are this patient's.
    CONSTRAINT referral_id_patient_key UNIQUE (id, patient_id)
);
COMMENT ON TABLE referral IS
'A referral (remiss) of a patient from one care unit of the hospital to another: the question, urgency, status and answer.';
-- The receiving unit's queue and the header's count of referrals waiting:
-- "referrals to my units with status sent", oldest first.
CREATE INDEX referral_incoming_sent_idx ON referral (to_unit_id, sent_at) WHERE status = 'sent';
-- A unit's decided referrals, newest first (the referrals page).
CREATE INDEX referral_incoming_idx ON referral (to_unit_id, sent_at DESC);
-- What a doctor sent (the referrals page).
CREATE INDEX referral_sent_by_idx ON referral (sent_by, sent_at DESC);
CREATE INDEX referral_patient_idx ON referral (patient_id);
-- One open referral of a patient to one unit at a time.
CREATE UNIQUE INDEX referral_one_open_per_unit ON referral (patient_id, to_unit_id) WHERE status = 'sent';

-- The diagnoses a referral names. The composite key to diagnosis (id,
-- patient_id) makes them the same patient's; the code is copied when sent,
-- so the receiving unit reads the referral as it was written without
-- reaching the patient's record (a deliberate copy: the referral is a letter
-- and says what it said).
CREATE TABLE referral_diagnosis (
    referral_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    diagnosis_id bigint NOT NULL,
    code text NOT NULL REFERENCES icd10_code (code) ON DELETE RESTRICT,
    PRIMARY KEY (referral_id, diagnosis_id),
    CONSTRAINT referral_diagnosis_referral_fk FOREIGN KEY (referral_id, patient_id)
    REFERENCES referral (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT referral_diagnosis_same_patient_fk FOREIGN KEY (diagnosis_id, patient_id)
    REFERENCES diagnosis (id, patient_id) ON DELETE RESTRICT
);
COMMENT ON TABLE referral_diagnosis IS 'A diagnosis of the patient that a referral names as relevant (its code as sent).';
CREATE INDEX referral_diagnosis_diagnosis_idx ON referral_diagnosis (diagnosis_id);

-- A referral moves once, from sent to accepted, rejected or withdrawn; what
-- was sent never changes, and referrals are never deleted. The allowed
-- transitions are this table, checked here for every writer.
CREATE FUNCTION referral_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Referrals are never deleted.' USING ERRCODE = 'HM250', CONSTRAINT = 'referral_moves_once';
    END IF;
    IF (NEW.patient_id, NEW.from_unit_id, NEW.to_unit_id, NEW.sent_by, NEW.urgency, NEW.question, NEW.sent_at)
        IS DISTINCT FROM (OLD.patient_id, OLD.from_unit_id, OLD.to_unit_id, OLD.sent_by, OLD.urgency, OLD.question,
            OLD.sent_at)
        OR (OLD.status::text, NEW.status::text) NOT IN (
            VALUES ('sent', 'accepted'), ('sent', 'rejected'), ('sent', 'withdrawn')
        ) THEN
        RAISE EXCEPTION 'A referral is answered once: accepted, rejected or withdrawn while it waits.'
            USING ERRCODE = 'HM250', CONSTRAINT = 'referral_moves_once';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER referral_guard BEFORE UPDATE OR DELETE ON referral
FOR EACH ROW EXECUTE FUNCTION referral_guard();

CREATE FUNCTION referral_diagnosis_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'A referral''s diagnoses are part of what was sent.'
        USING ERRCODE = 'HM250', CONSTRAINT = 'referral_moves_once';
END
$$;
CREATE TRIGGER referral_diagnosis_guard BEFORE UPDATE OR DELETE ON referral_diagnosis
FOR EACH ROW EXECUTE FUNCTION referral_diagnosis_guard();
CREATE TRIGGER referral_never_truncated BEFORE TRUNCATE ON referral
FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_truncate();
CREATE TRIGGER referral_diagnosis_never_truncated BEFORE TRUNCATE ON referral_diagnosis
FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_truncate();

-- Is the acting user a doctor of the unit? (The one who sends from it, or
-- decides for it.)
CREATE FUNCTION hms_private.doctor_of(p_unit bigint) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
RETURN hms_current_role() = 'doctor' AND EXISTS (
    SELECT 1 FROM public.staff_care_unit AS s
    WHERE s.user_id = hms_current_user_id() AND s.care_unit_id = p_unit  -- a parameter, not a column -- noqa: RF03
);

-- Send a referral; returns its id.
CREATE FUNCTION referral_send(
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
    -- sender sees (a blocked unit's diagnosis is not theirs to pass on).
    SELECT count(*) INTO v_found FROM diagnosis AS d
    WHERE
        d.id = ANY (p_diagnoses) AND d.patient_id = p_patient AND d.entered_in_error_at IS NULL
        AND hms_row_visible(d.patient_id, d.care_unit_id, 'clinical');
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
COMMENT ON FUNCTION referral_send IS
'A doctor refers a patient in their care from their unit to another, naming the patient''s own diagnoses.';

-- The referral a doctor of the receiving unit decides, locked, or a refusal.
CREATE FUNCTION hms_private.referral_to_decide(p_referral bigint) RETURNS referral
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r referral;
BEGIN
    SELECT * INTO r FROM referral WHERE id = p_referral FOR UPDATE;
    IF NOT FOUND OR NOT hms_private.doctor_of(r.to_unit_id) THEN
        RAISE EXCEPTION 'Only a doctor of the receiving care unit decides a referral.'
            USING ERRCODE = 'HM255', CONSTRAINT = 'referral_decided_by_receiving_unit';
    END IF;
    IF r.status <> 'sent' THEN
        RAISE EXCEPTION 'The referral is already answered (%).', r.status
            USING ERRCODE = 'HM256', CONSTRAINT = 'referral_moves_once';
    END IF;
    RETURN r;
END
$$;

-- Accept: the patient is in the receiving unit's care from now, for a year
-- (a routine referral may wait long for its visit; the visit's own encounter
-- gives care after it), in the name of the doctor who accepts. Returns the
-- care assignment's id.
CREATE FUNCTION referral_accept(p_referral bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r referral := hms_private.referral_to_decide(p_referral);
    v_care bigint;
BEGIN
    INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by)
    VALUES (r.patient_id, r.to_unit_id, tstzrange(now(), now() + interval '365 days'),
        'Remiss ' || r.id || ' accepterad', hms_current_user_id())
    RETURNING id INTO v_care;
    UPDATE referral SET status = 'accepted', decided_by = hms_current_user_id(), decided_at = now(),
        care_assignment_id = v_care
    WHERE id = r.id;
    RETURN v_care;
END
$$;
COMMENT ON FUNCTION referral_accept IS
'A doctor of the receiving unit accepts: the patient is placed in the unit''s care (a care assignment).';

-- Reject, with the reason the sender reads.
CREATE FUNCTION referral_reject(p_referral bigint, p_reason text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r referral := hms_private.referral_to_decide(p_referral);
BEGIN
    IF p_reason IS NULL OR length(btrim(p_reason)) NOT BETWEEN 5 AND 2000 THEN
        RAISE EXCEPTION 'Say why the referral is rejected (5 to 2000 characters).'
            USING ERRCODE = 'HM257', CONSTRAINT = 'referral_rejection_has_reason';
    END IF;
    UPDATE referral SET status = 'rejected', decided_by = hms_current_user_id(), decided_at = now(),
        decision_reason = btrim(p_reason)
    WHERE id = r.id;
END
$$;

-- The sender withdraws a referral not yet answered (a reason is optional).
CREATE FUNCTION referral_withdraw(p_referral bigint, p_reason text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r referral;
BEGIN
    SELECT * INTO r FROM referral WHERE id = p_referral FOR UPDATE;
    IF NOT FOUND OR hms_current_user_id() IS NULL OR r.sent_by <> hms_current_user_id() THEN
        RAISE EXCEPTION 'Only the doctor who sent a referral withdraws it.'
            USING ERRCODE = 'HM258', CONSTRAINT = 'referral_withdrawn_by_sender';
    END IF;
    IF r.status <> 'sent' THEN
        RAISE EXCEPTION 'The referral is already answered (%).', r.status
            USING ERRCODE = 'HM256', CONSTRAINT = 'referral_moves_once';
    END IF;
    IF length(p_reason) > 2000 THEN
        RAISE EXCEPTION 'Too long.' USING ERRCODE = 'HM259', CONSTRAINT = 'referral_decision_reason_length';
    END IF;
    UPDATE referral SET status = 'withdrawn', decided_by = hms_current_user_id(), decided_at = now(),
        decision_reason = nullif(btrim(p_reason), '')
    WHERE id = r.id;
END
$$;

-- Who reads a referral: the doctor who sent it, and the doctors of the unit
-- it was sent from and of the unit it was sent to, row by row.
ALTER TABLE referral ENABLE ROW LEVEL SECURITY;
CREATE POLICY referral_read ON referral FOR SELECT TO hms_app
USING (
    sent_by = (SELECT hms_current_user_id())
    OR (
        (SELECT hms_current_role()) = 'doctor'
        AND (
            to_unit_id IN (
                SELECT s.care_unit_id FROM staff_care_unit AS s
                WHERE s.user_id = (SELECT hms_current_user_id())
            )
            OR from_unit_id IN (
                SELECT s.care_unit_id FROM staff_care_unit AS s
                WHERE s.user_id = (SELECT hms_current_user_id())
            )
        )
    )
);
ALTER TABLE referral_diagnosis ENABLE ROW LEVEL SECURITY;
CREATE POLICY referral_diagnosis_read ON referral_diagnosis FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM referral AS r
    WHERE r.id = referral_diagnosis.referral_id
));
ALTER TABLE referral_urgency_target ENABLE ROW LEVEL SECURITY;
CREATE POLICY referral_urgency_target_read ON referral_urgency_target FOR SELECT TO hms_app
USING ((SELECT hms_current_user_id()) IS NOT NULL);

GRANT SELECT ON referral, referral_diagnosis, referral_urgency_target TO hms_app;

REVOKE EXECUTE ON FUNCTION
referral_guard, referral_diagnosis_guard, hms_private.doctor_of, referral_send, hms_private.referral_to_decide,
referral_accept, referral_reject, referral_withdraw
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION referral_send, referral_accept, referral_reject, referral_withdraw TO hms_app;
