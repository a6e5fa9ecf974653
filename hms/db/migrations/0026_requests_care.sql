-- Care requests: a patient, or a relative whose grant is in force, asks the
-- patient's care for something of a kind, and the request goes to whoever
-- answers that kind.
--
--   * renewal of a prescription: to its prescriber (the patient's own
--     current prescriptions only); approving it is the medication package's
--     renewed version, which the decision names;
--   * a question: to the doctors and nurses of the chosen care unit;
--   * a booking: to the receptionists of the chosen unit;
--   * a certificate: to the doctors of the chosen unit;
--   * a correction of the record (GDPR art. 16): the patient names a signed
--     note they can read; the doctors of the unit that wrote it answer with
--     an amendment (the journal's note_amend, then signed; the decision names
--     the amended version) or a reasoned refusal.
--
-- The patient side files under the access area of the kind (renewal:
-- medication, booking: appointments, the rest: messages), 'own' or 'proxy'
-- only. A chosen care unit is one that has had contact with the patient (an
-- encounter, a care assignment or an appointment). Staff reach a request by
-- routing alone, per row: the named prescriber, or staff of the request's
-- unit whose role the kind is routed to (care_request_routes_to).
--
-- Every write is a SECURITY DEFINER function that takes who acts from the
-- verified identity: file, take (open -> in_progress), decide (in_progress ->
-- answered, approved or refused) and withdraw (open -> withdrawn). hms_app
-- reads the rows and writes none. What was asked is never changed, the
-- statuses follow care_request_step_allowed, and a decision, once made, is kept
-- for good: a trigger holds this even against the owner.
-- depends: 0025_messaging_threads

CREATE TYPE care_request_kind AS ENUM ('renewal', 'question', 'booking', 'certificate', 'correction');
CREATE TYPE care_request_status AS ENUM ('open', 'in_progress', 'answered', 'approved', 'refused', 'withdrawn');

-- The access area the patient side files and reads a kind under.
CREATE FUNCTION care_request_area(p_kind care_request_kind) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_kind WHEN 'renewal' THEN 'medication' WHEN 'booking' THEN 'appointments' ELSE 'messages' END;

-- Which staff role handles which kind in the request's unit (a renewal goes
-- to its prescriber by name, so no role has it here). The routing table.
CREATE FUNCTION care_request_routes_to(p_kind care_request_kind, p_role text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (p_kind, p_role) IN (
    ('question', 'doctor'), ('question', 'nurse'), ('booking', 'receptionist'),
    ('certificate', 'doctor'), ('correction', 'doctor')
);

-- The steps a request may take. The transition table.
CREATE FUNCTION care_request_step_allowed(p_from care_request_status, p_to care_request_status) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (p_from, p_to) IN (
    ('open', 'in_progress'), ('open', 'withdrawn'),
    ('in_progress', 'answered'), ('in_progress', 'approved'), ('in_progress', 'refused')
);

CREATE TABLE care_request (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    kind care_request_kind NOT NULL,
    area text NOT NULL GENERATED ALWAYS AS (care_request_area(kind)) STORED,
    -- The unit it is routed to: chosen, or the prescription's or the note's.
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    -- A renewal: the prescription and its prescriber, who handles it.
    prescription_id bigint,
    prescriber_id bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    -- A correction: the note and the signed version the patient read.
    note_id bigint,
    note_version_id bigint REFERENCES note_version (id) ON DELETE RESTRICT,
    body text NOT NULL CONSTRAINT care_request_body_length CHECK (length(btrim(body)) BETWEEN 3 AND 4000),
    -- A correction: what the note should say instead.
    proposed_text text CONSTRAINT care_request_proposed_text_length CHECK (
        length(btrim(proposed_text)) BETWEEN 3 AND 4000
    ),
    filed_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    filed_at timestamptz NOT NULL DEFAULT now(),
    status care_request_status NOT NULL DEFAULT 'open',
    taken_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    taken_at timestamptz,
    -- The decision (or the withdrawal): who, when, what was said.
    answered_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    answered_at timestamptz,
    answer text CONSTRAINT care_request_answer_length CHECK (length(btrim(answer)) BETWEEN 1 AND 4000),
    -- What an approval made: the renewed prescription's version, or the
    -- note's amended version; what a booking's answer booked.
    prescription_version_id bigint REFERENCES prescription_version (id) ON DELETE RESTRICT,
    amended_version_id bigint REFERENCES note_version (id) ON DELETE RESTRICT,
    appointment_id bigint REFERENCES appointment (id) ON DELETE RESTRICT,
    CONSTRAINT care_request_prescription_fk FOREIGN KEY (prescription_id, patient_id)
    REFERENCES prescription (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT care_request_note_fk FOREIGN KEY (note_id, patient_id)
    REFERENCES note (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT care_request_kind_shape CHECK (
        CASE kind
            WHEN 'renewal' THEN prescription_id IS NOT NULL AND prescriber_id IS NOT NULL AND note_id IS NULL
            WHEN 'correction'
                THEN
                    note_id IS NOT NULL AND note_version_id IS NOT NULL
                    AND proposed_text IS NOT NULL AND prescription_id IS NULL
            ELSE prescription_id IS NULL AND note_id IS NULL AND proposed_text IS NULL
        END
    ),
    CONSTRAINT care_request_taken_shape CHECK (
        (status = 'open' OR status = 'withdrawn') = (taken_by IS NULL) AND (taken_by IS NULL) = (taken_at IS NULL)
    ),
    CONSTRAINT care_request_answered_shape CHECK (
        (status IN ('open', 'in_progress')) = (answered_by IS NULL)
        AND (answered_by IS NULL) = (answered_at IS NULL)
    ),
    CONSTRAINT care_request_refusal_has_reason CHECK (status <> 'refused' OR length(btrim(answer)) >= 5),
    CONSTRAINT care_request_approval_has_result CHECK (
        status <> 'approved' OR (prescription_version_id IS NOT NULL) <> (amended_version_id IS NOT NULL)
    ),
    CONSTRAINT care_request_results_of_kind CHECK (
        (prescription_version_id IS NULL OR kind = 'renewal')
        AND (amended_version_id IS NULL OR kind = 'correction')
        AND (appointment_id IS NULL OR kind = 'booking')
    )
);
COMMENT ON TABLE care_request IS
'One request from a patient (or their relative) to their care, routed by kind; what was asked never changes, its decision is kept for good.';

-- Used by the portal's list: a patient's requests, newest first.
CREATE INDEX care_request_patient_idx ON care_request (patient_id, filed_at DESC);
-- Used by the staff queue: the requests routed to my units and role that are
-- still to be handled ("open requests routed to my units/role").
CREATE INDEX care_request_unit_queue_idx ON care_request (care_unit_id, kind, filed_at)
WHERE status IN ('open', 'in_progress');
-- Used by the staff queue: the renewals still to be handled where I am the
-- prescriber ("requests where I am the prescriber").
CREATE INDEX care_request_prescriber_idx ON care_request (prescriber_id, filed_at)
WHERE kind = 'renewal' AND status IN ('open', 'in_progress');
-- One decision per result: a renewal or an amendment answers one request.
CREATE UNIQUE INDEX care_request_prescription_version_once ON care_request (prescription_version_id)
WHERE prescription_version_id IS NOT NULL;
CREATE UNIQUE INDEX care_request_amended_version_once ON care_request (amended_version_id)
WHERE amended_version_id IS NOT NULL;
-- One pending renewal of a prescription at a time.
CREATE UNIQUE INDEX care_request_one_pending_renewal ON care_request (prescription_id)
WHERE kind = 'renewal' AND status IN ('open', 'in_progress');

-- ---------------------------------------------------------------------------
-- What was asked never changes, the status follows the transitions, and a
-- decision is set once; nothing is deleted. Holds against the owner as well.
-- ---------------------------------------------------------------------------
CREATE FUNCTION care_request_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Care requests are kept for good.'
            USING ERRCODE = 'HM234', CONSTRAINT = 'care_request_kept';
    END IF;
    IF (NEW.patient_id, NEW.kind, NEW.care_unit_id, NEW.prescription_id, NEW.prescriber_id, NEW.note_id,
        NEW.note_version_id, NEW.body, NEW.proposed_text, NEW.filed_by, NEW.filed_at)
        IS DISTINCT FROM
        (OLD.patient_id, OLD.kind, OLD.care_unit_id, OLD.prescription_id, OLD.prescriber_id, OLD.note_id,
        OLD.note_version_id, OLD.body, OLD.proposed_text, OLD.filed_by, OLD.filed_at)
        OR (OLD.taken_by IS NOT NULL AND (NEW.taken_by, NEW.taken_at) IS DISTINCT FROM (OLD.taken_by, OLD.taken_at))
        OR (OLD.answered_by IS NOT NULL AND (
            NEW.answered_by, NEW.answered_at, NEW.answer, NEW.prescription_version_id, NEW.amended_version_id,
            NEW.appointment_id
        ) IS DISTINCT FROM (
            OLD.answered_by, OLD.answered_at, OLD.answer, OLD.prescription_version_id, OLD.amended_version_id,
            OLD.appointment_id
        ))
    THEN
        RAISE EXCEPTION 'What was asked, and a decision once made, do not change.'
            USING ERRCODE = 'HM234', CONSTRAINT = 'care_request_kept';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT care_request_step_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'The request cannot go from % to %.', OLD.status, NEW.status
            USING ERRCODE = 'HM226', CONSTRAINT = 'care_request_transition';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER care_request_guard BEFORE UPDATE OR DELETE ON care_request
FOR EACH ROW EXECUTE FUNCTION care_request_guard();

-- ---------------------------------------------------------------------------
-- Helpers of the functions below (not callable by the app).
-- ---------------------------------------------------------------------------

-- The verified user, or a refusal.
CREATE FUNCTION hms_private.care_request_actor() RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF hms_current_user_id() IS NULL THEN
        RAISE EXCEPTION 'Log in to file or handle care requests.'
            USING ERRCODE = 'HM225', CONSTRAINT = 'care_request_by_verified_user';
    END IF;
    RETURN hms_current_user_id();
END
$$;

-- Is the request routed to this user in this role? The named prescriber, or
-- a member of the request's unit whose role handles the kind.
CREATE FUNCTION hms_private.care_request_routed(p_request care_request, p_user bigint, p_role text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp
RETURN (p_request.kind = 'renewal' AND p_request.prescriber_id = p_user AND p_role = 'doctor')
OR (
    public.care_request_routes_to(p_request.kind, p_role)
    AND EXISTS (
        SELECT 1 FROM public.staff_care_unit AS s
        WHERE s.user_id = p_user AND s.care_unit_id = p_request.care_unit_id  -- parameters -- noqa: RF01,RF03
    )
);

-- May the acting user speak for this patient on this kind: the patient
-- themself, or a relative whose grant in force covers the kind's area, and
-- not about a unit a block hides from them.
CREATE FUNCTION hms_private.care_request_patient_side(p_patient bigint, p_area text, p_unit bigint) RETURNS boolean
LANGUAGE sql VOLATILE SET search_path = pg_catalog, public, pg_temp
RETURN hms_current_role() IN ('patient', 'relative')
AND coalesce(hms_access_basis(p_patient, p_area) IN ('own', 'proxy'), false)
AND (p_unit IS NULL OR hms_row_visible(p_patient, p_unit, p_area));

-- The request, locked, for the acting handler, or a refusal that tells
-- nothing of a request routed elsewhere.
CREATE FUNCTION hms_private.care_request_for_handler(p_request bigint) RETURNS care_request
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v care_request;
BEGIN
    SELECT * INTO v FROM care_request WHERE id = p_request FOR UPDATE;
    IF NOT FOUND OR NOT hms_private.care_request_routed(v, hms_private.care_request_actor(), hms_current_role()) THEN
        RAISE EXCEPTION 'No such request among those routed to you.'
            USING ERRCODE = 'HM225', CONSTRAINT = 'care_request_routed';
    END IF;
    RETURN v;
END
$$;

-- ---------------------------------------------------------------------------
-- The care units a request may be addressed to: those that have had contact
-- with the patient (an encounter, a care assignment or an appointment), for
-- whoever may file this kind for the patient, blocked units left out.
-- ---------------------------------------------------------------------------
CREATE FUNCTION care_request_units(p_patient bigint, p_kind care_request_kind)
RETURNS TABLE (id bigint, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT hms_private.care_request_patient_side(p_patient, care_request_area(p_kind), NULL) THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT cu.id, cu.name FROM care_unit AS cu
    WHERE (
        EXISTS (SELECT 1 FROM encounter AS e WHERE e.patient_id = p_patient AND e.care_unit_id = cu.id)
        OR EXISTS (SELECT 1 FROM care_assignment AS a WHERE a.patient_id = p_patient AND a.care_unit_id = cu.id)
        OR EXISTS (SELECT 1 FROM appointment AS ap WHERE ap.patient_id = p_patient AND ap.care_unit_id = cu.id)
    )
    AND hms_row_visible(p_patient, cu.id, care_request_area(p_kind))
    ORDER BY cu.name;
END
$$;
COMMENT ON FUNCTION care_request_units IS
'The care units a patient''s request of a kind may go to: those with contact with the patient, blocked ones left out.';

-- ---------------------------------------------------------------------------
-- File a request. Returns its id.
-- ---------------------------------------------------------------------------
CREATE FUNCTION care_request_file(
    p_patient bigint,
    p_kind care_request_kind,
    p_care_unit bigint,
    p_prescription bigint,
    p_note bigint,
    p_body text,
    p_proposed_text text
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.care_request_actor();
    v_area text := care_request_area(p_kind);
    v_unit bigint := p_care_unit;
    v_prescriber bigint;
    v_version bigint;
    v_id bigint;
BEGIN
    IF p_kind IS NULL OR NOT hms_private.care_request_patient_side(p_patient, v_area, NULL) THEN
        RAISE EXCEPTION 'You may not ask for this for the patient.'
            USING ERRCODE = 'HM220', CONSTRAINT = 'care_request_filer_may';
    END IF;
    IF p_kind = 'renewal' THEN
        SELECT p.care_unit_id, p.prescribed_by INTO v_unit, v_prescriber FROM prescription AS p
        WHERE p.id = p_prescription AND p.patient_id = p_patient AND p.status IN ('active', 'paused')
            AND hms_row_visible(p.patient_id, p.care_unit_id, 'medication');
        IF NOT FOUND THEN
            RAISE EXCEPTION 'Choose one of the patient''s current prescriptions.'
                USING ERRCODE = 'HM221', CONSTRAINT = 'care_request_prescription_own';
        END IF;
        IF EXISTS (SELECT 1 FROM care_request AS r WHERE r.prescription_id = p_prescription
                   AND r.kind = 'renewal' AND r.status IN ('open', 'in_progress')) THEN
            RAISE EXCEPTION 'A renewal of this prescription is already asked for.'
                USING ERRCODE = 'HM221', CONSTRAINT = 'care_request_one_pending_renewal';
        END IF;
    ELSIF p_kind = 'correction' THEN
        -- A signed note the filer reads in the portal: the patient's own, or
        -- for a relative one the grant's record scope shows.
        SELECT n.care_unit_id, c.version_id INTO v_unit, v_version
        FROM note AS n INNER JOIN note_current AS c ON n.id = c.note_id AND n.patient_id = c.patient_id
        WHERE n.id = p_note AND n.patient_id = p_patient AND n.entered_in_error_at IS NULL
            AND hms_row_visible(n.patient_id, n.care_unit_id, 'clinical');
        IF NOT FOUND THEN
            RAISE EXCEPTION 'Choose a signed note of the record that you can read.'
                USING ERRCODE = 'HM222', CONSTRAINT = 'care_request_note_visible';
        END IF;
        IF p_proposed_text IS NULL OR btrim(p_proposed_text) = '' THEN
            RAISE EXCEPTION 'Say what the note should say instead.'
                USING ERRCODE = 'HM222', CONSTRAINT = 'care_request_proposed_text_length';
        END IF;
    ELSE
        IF p_care_unit IS NULL OR NOT EXISTS (
            SELECT 1 FROM care_request_units(p_patient, p_kind) AS u WHERE u.id = p_care_unit
        ) THEN
            RAISE EXCEPTION 'Choose a care unit that has cared for the patient.'
                USING ERRCODE = 'HM223', CONSTRAINT = 'care_request_unit_contact';
        END IF;
    END IF;
    IF NOT hms_private.care_request_patient_side(p_patient, v_area, v_unit) THEN
        RAISE EXCEPTION 'You may not ask for this for the patient.'
            USING ERRCODE = 'HM220', CONSTRAINT = 'care_request_filer_may';
    END IF;
    INSERT INTO care_request (
        patient_id, kind, care_unit_id, prescription_id, prescriber_id, note_id, note_version_id,
        body, proposed_text, filed_by
    ) VALUES (
        p_patient, p_kind, v_unit,
        CASE WHEN p_kind = 'renewal' THEN p_prescription END, v_prescriber,
        CASE WHEN p_kind = 'correction' THEN p_note END, v_version,
        btrim(p_body), CASE WHEN p_kind = 'correction' THEN btrim(p_proposed_text) END, v_user
    ) RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

-- A handler takes an open request: it is in progress, and theirs to answer.
CREATE FUNCTION care_request_take(p_request bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v care_request := hms_private.care_request_for_handler(p_request);
BEGIN
    IF v.status <> 'open' THEN
        RAISE EXCEPTION 'Only an open request is taken; this one is %.', v.status
            USING ERRCODE = 'HM226', CONSTRAINT = 'care_request_take_open';
    END IF;
    UPDATE care_request SET status = 'in_progress', taken_by = hms_current_user_id(), taken_at = now()
    WHERE id = v.id;
END
$$;

-- The handler who took a request decides it: an answer (question, booking,
-- certificate; a booking's answer may name the appointment it booked), an
-- approval (a renewal: the renewed version they wrote; a correction: the
-- amended version they signed), or a refusal with its reason.
CREATE FUNCTION care_request_decide(
    p_request bigint,
    p_outcome care_request_status,
    p_answer text,
    p_prescription_version bigint,
    p_amended_version bigint,
    p_appointment bigint
) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v care_request := hms_private.care_request_for_handler(p_request);
    v_user bigint := hms_current_user_id();
    v_answer text := nullif(btrim(p_answer), '');
BEGIN
    IF v.status <> 'in_progress' OR p_outcome IS NULL OR p_outcome NOT IN ('answered', 'approved', 'refused') THEN
        RAISE EXCEPTION 'A request is taken before it is decided; this one is %.', v.status
            USING ERRCODE = 'HM226', CONSTRAINT = 'care_request_transition';
    END IF;
    IF v.taken_by <> v_user THEN
        RAISE EXCEPTION 'Another handler has taken this request.'
            USING ERRCODE = 'HM225', CONSTRAINT = 'care_request_taken_by_other';
    END IF;
    IF p_outcome = 'refused' AND (v_answer IS NULL OR length(v_answer) < 5) THEN
        RAISE EXCEPTION 'Give the reason for the refusal (at least 5 characters).'
            USING ERRCODE = 'HM227', CONSTRAINT = 'care_request_refusal_has_reason';
    END IF;
    IF p_outcome = 'answered' THEN
        IF v.kind NOT IN ('question', 'booking', 'certificate') THEN
            RAISE EXCEPTION 'A renewal or a correction is approved or refused.'
                USING ERRCODE = 'HM232', CONSTRAINT = 'care_request_outcome_of_kind';
        END IF;
        IF v_answer IS NULL THEN
            RAISE EXCEPTION 'Write the answer.' USING ERRCODE = 'HM231', CONSTRAINT = 'care_request_answer_given';
        END IF;
        IF p_appointment IS NOT NULL AND (v.kind <> 'booking' OR NOT EXISTS (
            SELECT 1 FROM appointment AS a WHERE a.id = p_appointment AND a.patient_id = v.patient_id
        )) THEN
            RAISE EXCEPTION 'Name one of the patient''s appointments.'
                USING ERRCODE = 'HM233', CONSTRAINT = 'care_request_appointment_of_patient';
        END IF;
    END IF;
    IF p_outcome = 'approved' THEN
        IF v.kind = 'renewal' THEN
            IF p_prescription_version IS NULL OR NOT EXISTS (
                SELECT 1 FROM prescription_version AS pv
                WHERE pv.id = p_prescription_version AND pv.prescription_id = v.prescription_id
                    AND pv.change = 'renewed' AND pv.written_by = v_user AND pv.written_at >= v.filed_at
            ) THEN
                RAISE EXCEPTION 'An approved renewal names the renewed prescription you wrote for it.'
                    USING ERRCODE = 'HM228', CONSTRAINT = 'care_request_renewal_version';
            END IF;
        ELSIF v.kind = 'correction' THEN
            IF p_amended_version IS NULL OR NOT EXISTS (
                SELECT 1 FROM note_version AS nv
                INNER JOIN note_version AS seen ON seen.id = v.note_version_id
                WHERE nv.id = p_amended_version AND nv.note_id = v.note_id AND nv.status = 'signed'
                    AND nv.author_id = v_user AND nv.amends_version_id IS NOT NULL
                    AND nv.version > seen.version AND nv.created_at >= v.filed_at
            ) THEN
                RAISE EXCEPTION 'An approved correction names the amended version you signed for it.'
                    USING ERRCODE = 'HM229', CONSTRAINT = 'care_request_amendment_version';
            END IF;
        ELSE
            RAISE EXCEPTION 'A question, booking or certificate is answered or refused.'
                USING ERRCODE = 'HM232', CONSTRAINT = 'care_request_outcome_of_kind';
        END IF;
    END IF;
    UPDATE care_request SET
        status = p_outcome, answered_by = v_user, answered_at = now(), answer = v_answer,
        prescription_version_id = CASE WHEN p_outcome = 'approved' AND v.kind = 'renewal' THEN p_prescription_version END,
        amended_version_id = CASE WHEN p_outcome = 'approved' AND v.kind = 'correction' THEN p_amended_version END,
        appointment_id = CASE WHEN p_outcome = 'answered' THEN p_appointment END
    WHERE id = v.id;
END
$$;

-- The patient (or the relative speaking for them) withdraws a request still open.
CREATE FUNCTION care_request_withdraw(p_request bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v care_request;
BEGIN
    PERFORM hms_private.care_request_actor();
    SELECT * INTO v FROM care_request WHERE id = p_request FOR UPDATE;
    IF NOT FOUND OR NOT hms_private.care_request_patient_side(v.patient_id, v.area, v.care_unit_id) THEN
        RAISE EXCEPTION 'No such request.' USING ERRCODE = 'HM225', CONSTRAINT = 'care_request_own';
    END IF;
    IF v.status <> 'open' THEN
        RAISE EXCEPTION 'Only an open request is withdrawn; this one is %.', v.status
            USING ERRCODE = 'HM230', CONSTRAINT = 'care_request_withdraw_open';
    END IF;
    UPDATE care_request SET status = 'withdrawn', answered_by = hms_current_user_id(), answered_at = now()
    WHERE id = v.id;
END
$$;

-- ---------------------------------------------------------------------------
-- Row-level security: the patient side by the kind's area (own or proxy,
-- blocks binding a proxy), staff by routing, per row.
-- ---------------------------------------------------------------------------
ALTER TABLE care_request ENABLE ROW LEVEL SECURITY;
DO $$
DECLARE
    a text;
BEGIN
    FOREACH a IN ARRAY ARRAY['messages', 'medication', 'appointments'] LOOP
        EXECUTE format(
            'CREATE POLICY %I ON care_request FOR SELECT TO hms_app USING ('
            'area = %L AND hms_access_basis(patient_id, %L) IN (''own'', ''proxy'') AND ('
            'patient_id = ANY ((SELECT hms_wholly_visible(%L))::bigint []) '
            'OR hms_row_visible(patient_id, care_unit_id, %L)))',
            'care_request_read_' || a, a, a, a, a);
    END LOOP;
END
$$;
CREATE POLICY care_request_read_routed ON care_request FOR SELECT TO hms_app
USING (
    (kind = 'renewal' AND prescriber_id = (SELECT hms_current_user_id()) AND (SELECT hms_current_role()) = 'doctor')
    OR (
        care_unit_id IN (
            SELECT s.care_unit_id FROM staff_care_unit AS s
            WHERE s.user_id = (SELECT hms_current_user_id())
        )
        AND care_request_routes_to(kind, (SELECT hms_current_role()))
    )
);

GRANT SELECT ON care_request TO hms_app;

REVOKE EXECUTE ON FUNCTION
care_request_area, care_request_routes_to, care_request_step_allowed, care_request_guard, hms_private.care_request_actor, hms_private.care_request_routed,
hms_private.care_request_patient_side, hms_private.care_request_for_handler,
care_request_units, care_request_file, care_request_take, care_request_decide, care_request_withdraw
FROM PUBLIC;
-- care_request_routes_to: the routed staff's policy asks it with their rights.
GRANT EXECUTE ON FUNCTION
care_request_routes_to, care_request_units, care_request_file, care_request_take, care_request_decide,
care_request_withdraw
TO hms_app;
