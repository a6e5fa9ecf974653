-- Secure messaging between a patient (or a relative speaking for them) and a
-- care unit: threads, their messages, attachments, and messages filed into
-- the journal. The design is the lesson:
--
--   * A thread is addressed to a care unit, never to a person. The patient
--     side is whoever the messages area of the access decision (0024) calls
--     'own' or 'proxy'; the staff side is the doctors and nurses of the
--     thread's unit, by membership, per row. A thread is started only to a
--     unit that has had contact with the patient (an encounter, a care
--     assignment or an appointment).
--   * hms_app only reads these tables. Every write is a SECURITY DEFINER
--     function (start, post, assign, mark read, close, file) that takes who
--     acts from the verified identity; authorship and side are filled by a
--     trigger from that identity, never from a value the app supplies.
--   * The status (new, assigned, answered, closed) is kept by the database:
--     a trigger on each new message moves it (a patient's message makes it
--     new again, or assigned when someone holds it; a staff message makes it
--     answered), the functions assign and close, and a guard refuses any
--     other change of a thread and every change of a closed one.
--   * Messages and attachments are append-only, for every role.
--   * Attachments are PDF, PNG or JPEG by their first bytes, whatever the
--     file's name or the browser says; the type is a CHECK on the content's
--     leading bytes, the size a CHECK (at most 5 MB), the count (at most 3 a
--     message) a trigger; the SHA-256 is a generated column.
--   * Read receipts are columns of the thread: unit_read_at (the unit opened
--     the patient's latest message), answered_at, and patient_unread (a
--     staff answer the patient side has not opened), each with the index a
--     notification count needs.
-- depends: 0024_access_messages_area

CREATE TYPE message_thread_status AS ENUM ('new', 'assigned', 'answered', 'closed');
CREATE TYPE message_side AS ENUM ('patient', 'staff');

CREATE TABLE message_thread (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    subject text NOT NULL CONSTRAINT message_thread_subject_length CHECK (length(btrim(subject)) BETWEEN 1 AND 150),
    status message_thread_status NOT NULL DEFAULT 'new',
    started_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    started_at timestamptz NOT NULL DEFAULT now(),
    last_message_at timestamptz NOT NULL DEFAULT now(),
    assigned_to bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    assigned_at timestamptz,
    unit_read_at timestamptz,
    unit_read_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    answered_at timestamptz,
    answered_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    patient_read_at timestamptz,
    patient_unread boolean NOT NULL DEFAULT false,
    closed_at timestamptz,
    closed_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    CONSTRAINT message_thread_id_patient_key UNIQUE (id, patient_id),
    CONSTRAINT message_thread_closed_complete CHECK (
        (status = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL)
    ),
    CONSTRAINT message_thread_assigned_complete CHECK ((assigned_to IS NULL) = (assigned_at IS NULL)),
    CONSTRAINT message_thread_assigned_has_assignee CHECK (status <> 'assigned' OR assigned_to IS NOT NULL),
    CONSTRAINT message_thread_answered_has_answer CHECK (
        status <> 'answered' OR (answered_at IS NOT NULL AND answered_by IS NOT NULL)
    ),
    CONSTRAINT message_thread_read_complete CHECK ((unit_read_at IS NULL) = (unit_read_by IS NULL))
);
COMMENT ON TABLE message_thread IS
'One conversation between a patient (or a relative for them) and a care unit about one subject; its state is kept by the database.';
COMMENT ON COLUMN message_thread.status IS
'new (the patient wrote, nobody holds it); assigned (held by a clinician, unanswered); answered (the unit wrote last); closed (read-only).';
COMMENT ON COLUMN message_thread.unit_read_at IS 'When the unit first opened the patient''s latest message (NULL: unread).';
COMMENT ON COLUMN message_thread.patient_unread IS 'The unit has answered since the patient side last opened the thread.';
-- The unit's inbox, by status, newest first.
CREATE INDEX message_thread_unit_idx ON message_thread (care_unit_id, status, last_message_at DESC);
-- Notifications: "threads of my units with status new".
CREATE INDEX message_thread_unit_new_idx ON message_thread (care_unit_id, last_message_at DESC) WHERE status = 'new';
-- A clinician's own: the threads assigned to them and not yet answered.
CREATE INDEX message_thread_assigned_idx ON message_thread (assigned_to) WHERE status = 'assigned';
-- The portal's list of a patient's threads.
CREATE INDEX message_thread_patient_idx ON message_thread (patient_id, last_message_at DESC);
-- Notifications: "threads of patient X with unread staff answers".
CREATE INDEX message_thread_patient_unread_idx ON message_thread (patient_id) WHERE patient_unread;

CREATE TABLE thread_message (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id bigint NOT NULL,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    -- Filled from the verified identity by thread_message_fill.
    author_id bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    side message_side NOT NULL,
    body text NOT NULL CONSTRAINT thread_message_body_not_empty CHECK (btrim(body) <> ''),
    posted_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT thread_message_body_length CHECK (length(body) <= 5000),
    CONSTRAINT thread_message_thread_fk FOREIGN KEY (thread_id, patient_id)
    REFERENCES message_thread (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT thread_message_id_patient_key UNIQUE (id, patient_id)
);
COMMENT ON TABLE thread_message IS
'One message of a thread, by its verified author, on the patient''s or the unit''s side; never changed or removed.';
-- A thread's messages in order.
CREATE INDEX thread_message_thread_idx ON thread_message (thread_id, posted_at, id);

CREATE TABLE message_attachment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id bigint NOT NULL,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    filename text NOT NULL,
    content_type text NOT NULL,
    content bytea NOT NULL,
    byte_size integer GENERATED ALWAYS AS (octet_length(content)) STORED,
    sha256 bytea GENERATED ALWAYS AS (sha256(content)) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_attachment_message_fk FOREIGN KEY (message_id, patient_id)
    REFERENCES thread_message (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT message_attachment_size CHECK (octet_length(content) BETWEEN 1 AND 5242880),
    CONSTRAINT message_attachment_filename_safe CHECK (
        length(filename) BETWEEN 5 AND 200 AND filename !~ '[/\\"[:cntrl:]]'
    ),
    -- The type is what the first bytes say: %PDF-, the PNG signature, or a
    -- JPEG's start-of-image marker.
    CONSTRAINT message_attachment_content_matches_type CHECK (
        (content_type = 'application/pdf' AND substring(content FROM 1 FOR 5) = '\x255044462d'::bytea)
        OR (content_type = 'image/png' AND substring(content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea)
        OR (content_type = 'image/jpeg' AND substring(content FROM 1 FOR 3) = '\xffd8ff'::bytea)
    ),
    -- And the name says the same: a PDF named .png is refused, not renamed.
    CONSTRAINT message_attachment_name_matches_type CHECK (
        (content_type = 'application/pdf' AND filename ~* '\.pdf$')
        OR (content_type = 'image/png' AND filename ~* '\.png$')
        OR (content_type = 'image/jpeg' AND filename ~* '\.jpe?g$')
    )
);
COMMENT ON TABLE message_attachment IS
'A file attached to a message: PDF, PNG or JPEG by its content, at most 5 MB, at most three a message; never changed.';
-- PDF, PNG and JPEG are compressed already: kept out of line, not compressed again.
ALTER TABLE message_attachment ALTER COLUMN content SET STORAGE EXTERNAL;
-- A message's attachments (and the count trigger).
CREATE INDEX message_attachment_message_idx ON message_attachment (message_id);

CREATE TABLE message_filing (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id bigint NOT NULL,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    note_id bigint NOT NULL,
    filed_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    filed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_filing_message_fk FOREIGN KEY (message_id, patient_id)
    REFERENCES thread_message (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT message_filing_note_fk FOREIGN KEY (note_id, patient_id)
    REFERENCES note (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT message_filing_once UNIQUE (message_id)
);
COMMENT ON TABLE message_filing IS 'A message a clinician filed into the patient''s journal, and the signed note that holds it.';
CREATE INDEX message_filing_note_idx ON message_filing (note_id);

-- ---------------------------------------------------------------------------
-- Helpers (owner-only, in hms_private).
-- ---------------------------------------------------------------------------

-- Who acts, or a refusal.
CREATE FUNCTION hms_private.message_actor() RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF hms_current_user_id() IS NULL THEN
        RAISE EXCEPTION 'Log in to write messages.' USING ERRCODE = 'HM200', CONSTRAINT = 'message_by_verified_user';
    END IF;
    RETURN hms_current_user_id();
END
$$;

-- The side a user writes on: the patient's (patient or relative) or the
-- unit's (doctor or nurse); NULL for every other role.
CREATE FUNCTION hms_private.message_side_of(p_role text) RETURNS message_side
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp
RETURN CASE
    WHEN p_role IN ('patient', 'relative') THEN 'patient'::public.message_side
    WHEN p_role IN ('doctor', 'nurse') THEN 'staff'::public.message_side
END;

-- A thread the acting user may act on, locked; the same refusal whether it
-- does not exist or is another's. The patient side: the messages area says
-- own or proxy. The unit's side: a doctor or nurse of the thread's unit.
CREATE FUNCTION hms_private.message_thread_for(p_thread bigint) RETURNS message_thread
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.message_actor();
    v message_thread;
    v_side message_side := hms_private.message_side_of(hms_current_role());
    v_reached boolean;
BEGIN
    SELECT * INTO v FROM message_thread WHERE id = p_thread FOR UPDATE;
    v_reached := FOUND AND (
        (v_side = 'patient' AND coalesce(hms_access_basis(v.patient_id, 'messages') IN ('own', 'proxy'), false))
        OR (v_side = 'staff' AND hms_private.clinician_of(v_user, v.care_unit_id))
    );
    IF NOT coalesce(v_reached, false) THEN
        RAISE EXCEPTION 'No such conversation.' USING ERRCODE = 'HM200', CONSTRAINT = 'message_thread_within_reach';
    END IF;
    RETURN v;
END
$$;

CREATE FUNCTION hms_private.message_thread_open(p_thread message_thread) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF p_thread.status = 'closed' THEN
        RAISE EXCEPTION 'The conversation is closed; start a new one.'
            USING ERRCODE = 'HM202', CONSTRAINT = 'message_thread_closed_read_only';
    END IF;
END
$$;

-- The unit's side only (assign, close, file).
CREATE FUNCTION hms_private.message_thread_staff_only() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF hms_private.message_side_of(hms_current_role()) IS DISTINCT FROM 'staff' THEN
        RAISE EXCEPTION 'The care unit''s doctors and nurses do this.'
            USING ERRCODE = 'HM207', CONSTRAINT = 'message_thread_staff_of_unit';
    END IF;
END
$$;

-- The type of a file, from its first bytes only; NULL when it is none of
-- the three.
CREATE FUNCTION hms_private.message_content_type(p_content bytea) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp
RETURN CASE
    WHEN substring(p_content FROM 1 FOR 5) = '\x255044462d'::bytea THEN 'application/pdf'
    WHEN substring(p_content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea THEN 'image/png'
    WHEN substring(p_content FROM 1 FOR 3) = '\xffd8ff'::bytea THEN 'image/jpeg'
END;

-- A message with its attachments, on the acting user's side of the thread.
CREATE FUNCTION hms_private.message_write(
    p_thread message_thread, p_body text, p_names text[], p_contents bytea[]
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_id bigint;
    v_type text;
    v_i integer;
BEGIN
    IF coalesce(cardinality(p_names), 0) <> coalesce(cardinality(p_contents), 0) THEN
        RAISE EXCEPTION 'Each attachment needs a name and a content.'
            USING ERRCODE = 'HM204', CONSTRAINT = 'message_attachment_type_by_content';
    END IF;
    INSERT INTO thread_message (thread_id, patient_id, author_id, side, body)
    VALUES (p_thread.id, p_thread.patient_id, hms_current_user_id(), 'patient', coalesce(p_body, ''))
    RETURNING id INTO v_id;
    FOR v_i IN 1 .. coalesce(cardinality(p_names), 0) LOOP
        v_type := hms_private.message_content_type(p_contents[v_i]);
        IF v_type IS NULL THEN
            RAISE EXCEPTION 'Attach PDF, PNG or JPEG files only: % is none of them.', left(p_names[v_i], 200)
                USING ERRCODE = 'HM204', CONSTRAINT = 'message_attachment_type_by_content';
        END IF;
        INSERT INTO message_attachment (message_id, patient_id, filename, content_type, content)
        VALUES (v_id, p_thread.patient_id, p_names[v_i], v_type, p_contents[v_i]);
    END LOOP;
    RETURN v_id;
END
$$;

-- ---------------------------------------------------------------------------
-- Triggers: authorship, the thread's state, append-only rows.
-- ---------------------------------------------------------------------------

-- A message's author and side are the verified user's; its time is now.
-- Only the owner, acting for nobody (the demo seed), names an author.
CREATE FUNCTION hms_private.thread_message_fill() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_thread message_thread;
BEGIN
    IF hms_current_user_id() IS NOT NULL THEN
        NEW.author_id := hms_current_user_id();
    END IF;
    NEW.side := hms_private.message_side_of((SELECT u.role::text FROM app_user AS u WHERE u.id = NEW.author_id));
    NEW.posted_at := now();
    IF NEW.side IS NULL THEN
        RAISE EXCEPTION 'Messages are written by the patient''s side or the care unit''s doctors and nurses.'
            USING ERRCODE = 'HM207', CONSTRAINT = 'message_thread_staff_of_unit';
    END IF;
    SELECT * INTO v_thread FROM message_thread WHERE id = NEW.thread_id;
    PERFORM hms_private.message_thread_open(v_thread);
    RETURN NEW;
END
$$;
CREATE TRIGGER thread_message_fill BEFORE INSERT ON thread_message
FOR EACH ROW EXECUTE FUNCTION hms_private.thread_message_fill();

-- Each new message moves its thread: the patient's makes it new again (or
-- assigned, when someone holds it) and unread by the unit; the unit's makes
-- it answered, read by the unit, held by the one who answered if nobody did,
-- and unread by the patient side.
CREATE FUNCTION hms_private.thread_message_follow() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NEW.side = 'patient' THEN
        UPDATE message_thread SET
            status = CASE WHEN assigned_to IS NULL THEN 'new' ELSE 'assigned' END::message_thread_status,
            last_message_at = NEW.posted_at, unit_read_at = NULL, unit_read_by = NULL
        WHERE id = NEW.thread_id;
    ELSE
        UPDATE message_thread SET
            status = 'answered', last_message_at = NEW.posted_at,
            answered_at = NEW.posted_at, answered_by = NEW.author_id,
            assigned_to = coalesce(assigned_to, NEW.author_id), assigned_at = coalesce(assigned_at, NEW.posted_at),
            unit_read_at = coalesce(unit_read_at, NEW.posted_at), unit_read_by = coalesce(unit_read_by, NEW.author_id),
            patient_unread = true
        WHERE id = NEW.thread_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER thread_message_follow AFTER INSERT ON thread_message
FOR EACH ROW EXECUTE FUNCTION hms_private.thread_message_follow();

-- Messages, attachments and filings are never changed or removed, by anyone.
CREATE FUNCTION hms_private.message_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'Messages and their attachments are kept as they were sent.'
        USING ERRCODE = 'HM203', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END
$$;
CREATE TRIGGER thread_message_append_only BEFORE UPDATE OR DELETE ON thread_message
FOR EACH ROW EXECUTE FUNCTION hms_private.message_append_only();
CREATE TRIGGER message_attachment_append_only BEFORE UPDATE OR DELETE ON message_attachment
FOR EACH ROW EXECUTE FUNCTION hms_private.message_append_only();
CREATE TRIGGER message_filing_append_only BEFORE UPDATE OR DELETE ON message_filing
FOR EACH ROW EXECUTE FUNCTION hms_private.message_append_only();

-- At most three attachments a message, added with the message (in the
-- transaction that wrote it) and by its author. The message row is locked so
-- two inserts cannot both count two.
CREATE FUNCTION hms_private.message_attachment_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v thread_message;
BEGIN
    SELECT * INTO v FROM thread_message WHERE id = NEW.message_id FOR UPDATE;
    IF v.posted_at <> now() OR v.author_id IS DISTINCT FROM coalesce(hms_current_user_id(), v.author_id) THEN
        RAISE EXCEPTION 'Files are attached to a message as it is sent.'
            USING ERRCODE = 'HM205', CONSTRAINT = 'message_attachment_with_message';
    END IF;
    IF (SELECT count(*) FROM message_attachment WHERE message_id = NEW.message_id) >= 3 THEN
        RAISE EXCEPTION 'A message has at most three attachments.'
            USING ERRCODE = 'HM205', CONSTRAINT = 'message_attachment_at_most_three';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER message_attachment_check BEFORE INSERT ON message_attachment
FOR EACH ROW EXECUTE FUNCTION hms_private.message_attachment_check();

-- A thread's identity never changes, its status moves only along the
-- transitions below, and a closed thread changes only in its read marks.
CREATE FUNCTION hms_private.message_thread_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Conversations are never deleted; close them.'
            USING ERRCODE = 'HM209', CONSTRAINT = 'message_thread_identity_fixed';
    END IF;
    IF (NEW.id, NEW.patient_id, NEW.care_unit_id, NEW.subject, NEW.started_by, NEW.started_at)
        IS DISTINCT FROM (OLD.id, OLD.patient_id, OLD.care_unit_id, OLD.subject, OLD.started_by, OLD.started_at)
    THEN
        RAISE EXCEPTION 'A conversation''s patient, unit and subject are fixed.'
            USING ERRCODE = 'HM209', CONSTRAINT = 'message_thread_identity_fixed';
    END IF;
    IF OLD.status = 'closed' AND (
        (NEW.status, NEW.last_message_at, NEW.assigned_to, NEW.answered_at, NEW.closed_at)
        IS DISTINCT FROM (OLD.status, OLD.last_message_at, OLD.assigned_to, OLD.answered_at, OLD.closed_at)
    ) THEN
        RAISE EXCEPTION 'The conversation is closed; start a new one.'
            USING ERRCODE = 'HM202', CONSTRAINT = 'message_thread_closed_read_only';
    END IF;
    IF NEW.status <> OLD.status AND (OLD.status::text, NEW.status::text) NOT IN (
        ('new', 'assigned'), ('new', 'answered'), ('new', 'closed'),
        ('assigned', 'answered'), ('assigned', 'closed'),
        ('answered', 'new'), ('answered', 'assigned'), ('answered', 'closed')
    ) THEN
        RAISE EXCEPTION 'A conversation does not go from % to %.', OLD.status, NEW.status
            USING ERRCODE = 'HM209', CONSTRAINT = 'message_thread_status_transition';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER message_thread_guard BEFORE UPDATE OR DELETE ON message_thread
FOR EACH ROW EXECUTE FUNCTION hms_private.message_thread_guard();

-- ---------------------------------------------------------------------------
-- The operations, each checking who acts itself.
-- ---------------------------------------------------------------------------

-- The care units the patient side may write to: those that have had contact
-- with the patient (an encounter, a care assignment, an appointment).
CREATE FUNCTION message_thread_units(p_patient bigint)
RETURNS TABLE (care_unit_id bigint, name text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT coalesce(hms_access_basis(p_patient, 'messages') IN ('own', 'proxy'), false) THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT u.id, u.name FROM care_unit AS u
    WHERE u.is_active AND (
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
COMMENT ON FUNCTION message_thread_units IS
'The care units a patient (or their relative) may write to: those that have had contact with the patient.';

-- Start a thread to a care unit, with its first message; returns its id.
CREATE FUNCTION message_thread_start(
    p_patient bigint, p_care_unit bigint, p_subject text, p_body text,
    p_names text[] DEFAULT '{}', p_contents bytea[] DEFAULT '{}'
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.message_actor();
    v message_thread;
BEGIN
    IF hms_private.message_side_of(hms_current_role()) IS DISTINCT FROM 'patient'
        OR NOT coalesce(hms_access_basis(p_patient, 'messages') IN ('own', 'proxy'), false) THEN
        RAISE EXCEPTION 'No such patient.' USING ERRCODE = 'HM200', CONSTRAINT = 'message_thread_within_reach';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM message_thread_units(p_patient) AS u WHERE u.care_unit_id = p_care_unit) THEN
        RAISE EXCEPTION 'Write to a care unit that has seen you: where you had a visit, a stay or an appointment.'
            USING ERRCODE = 'HM201', CONSTRAINT = 'message_thread_unit_had_contact';
    END IF;
    INSERT INTO message_thread (patient_id, care_unit_id, subject, started_by)
    VALUES (p_patient, p_care_unit, btrim(coalesce(p_subject, '')), v_user)
    RETURNING * INTO v;
    PERFORM hms_private.message_write(v, p_body, p_names, p_contents);
    RETURN v.id;
END
$$;
COMMENT ON FUNCTION message_thread_start IS
'Starts a conversation with a care unit that has had contact with the patient, with its first message and attachments.';

-- Write in a thread (either side); returns the message's id.
CREATE FUNCTION message_post(
    p_thread bigint, p_body text, p_names text[] DEFAULT '{}', p_contents bytea[] DEFAULT '{}'
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v message_thread := hms_private.message_thread_for(p_thread);
BEGIN
    PERFORM hms_private.message_thread_open(v);
    RETURN hms_private.message_write(v, p_body, p_names, p_contents);
END
$$;

-- A doctor or nurse of the unit gives the thread to themself or a colleague
-- of the unit.
CREATE FUNCTION message_thread_assign(p_thread bigint, p_assignee bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v message_thread := hms_private.message_thread_for(p_thread);
BEGIN
    PERFORM hms_private.message_thread_staff_only();
    PERFORM hms_private.message_thread_open(v);
    IF NOT hms_private.clinician_of(p_assignee, v.care_unit_id) THEN
        RAISE EXCEPTION 'Choose a doctor or nurse of the care unit.'
            USING ERRCODE = 'HM206', CONSTRAINT = 'message_thread_assignee_of_unit';
    END IF;
    UPDATE message_thread SET
        assigned_to = p_assignee, assigned_at = now(),
        status = CASE WHEN status = 'new' THEN 'assigned' ELSE status END
    WHERE id = v.id;
END
$$;

-- Opening a thread marks it read by the side that opened it: the unit's
-- first opening of the patient's latest message, or the patient side's
-- latest look at the unit's answers.
CREATE FUNCTION message_thread_mark_read(p_thread bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v message_thread := hms_private.message_thread_for(p_thread);
BEGIN
    IF hms_private.message_side_of(hms_current_role()) = 'staff' THEN
        UPDATE message_thread SET unit_read_at = now(), unit_read_by = hms_current_user_id()
        WHERE id = v.id AND unit_read_at IS NULL;
    ELSE
        UPDATE message_thread SET patient_read_at = now(), patient_unread = false WHERE id = v.id;
    END IF;
END
$$;

-- The unit closes a thread: read-only from then on, for both sides.
CREATE FUNCTION message_thread_close(p_thread bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v message_thread := hms_private.message_thread_for(p_thread);
BEGIN
    PERFORM hms_private.message_thread_staff_only();
    PERFORM hms_private.message_thread_open(v);
    UPDATE message_thread SET status = 'closed', closed_at = now(), closed_by = hms_current_user_id()
    WHERE id = v.id;
END
$$;

-- A clinician of the unit files a message into the journal: the note is the
-- caller's own, of the message's patient and the thread's unit, signed, and
-- written in this same transaction (its created_at is this transaction's
-- now()), so a filing always points at the note made for it. Returns the
-- filing's id.
CREATE FUNCTION message_file_to_journal(p_message bigint, p_note bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_message thread_message;
    v message_thread;
    v_id bigint;
BEGIN
    PERFORM hms_private.message_actor();
    SELECT * INTO v_message FROM thread_message WHERE id = p_message;
    v := hms_private.message_thread_for(v_message.thread_id);
    PERFORM hms_private.message_thread_staff_only();
    IF NOT EXISTS (
        SELECT 1 FROM note AS n
        WHERE n.id = p_note AND n.patient_id = v.patient_id AND n.care_unit_id = v.care_unit_id
            AND n.created_by = hms_current_user_id() AND n.created_at = now() AND n.entered_in_error_at IS NULL
            AND EXISTS (SELECT 1 FROM note_version AS nv WHERE nv.note_id = n.id AND nv.status = 'signed')
    ) THEN
        RAISE EXCEPTION 'A message is filed in a note signed for it just now.'
            USING ERRCODE = 'HM208', CONSTRAINT = 'message_filing_note_fresh';
    END IF;
    INSERT INTO message_filing (message_id, patient_id, note_id, filed_by)
    VALUES (p_message, v.patient_id, p_note, hms_current_user_id())
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

-- ---------------------------------------------------------------------------
-- Row-level security: the patient side through the messages area, the unit's
-- doctors and nurses through membership of the thread's unit, per row.
-- ---------------------------------------------------------------------------
ALTER TABLE message_thread ENABLE ROW LEVEL SECURITY;
CREATE POLICY message_thread_read ON message_thread FOR SELECT TO hms_app
USING (
    (
        (SELECT hms_current_role()) IN ('doctor', 'nurse')
        AND care_unit_id IN (
            SELECT s.care_unit_id FROM staff_care_unit AS s
            WHERE s.user_id = (SELECT hms_current_user_id())
        )
    )
    OR hms_access_basis(patient_id, 'messages') IN ('own', 'proxy')
);

ALTER TABLE thread_message ENABLE ROW LEVEL SECURITY;
CREATE POLICY thread_message_read ON thread_message FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM message_thread AS t
    WHERE t.id = thread_message.thread_id
));

ALTER TABLE message_attachment ENABLE ROW LEVEL SECURITY;
CREATE POLICY message_attachment_read ON message_attachment FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM thread_message AS m
    WHERE m.id = message_attachment.message_id
));

ALTER TABLE message_filing ENABLE ROW LEVEL SECURITY;
CREATE POLICY message_filing_read ON message_filing FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM thread_message AS m
    WHERE m.id = message_filing.message_id
));

GRANT SELECT ON message_thread, thread_message, message_attachment, message_filing TO hms_app;

REVOKE EXECUTE ON FUNCTION
hms_private.message_actor, hms_private.message_side_of, hms_private.message_thread_for,
hms_private.message_thread_open, hms_private.message_thread_staff_only, hms_private.message_content_type,
hms_private.message_write, hms_private.thread_message_fill, hms_private.thread_message_follow,
hms_private.message_append_only, hms_private.message_attachment_check, hms_private.message_thread_guard,
message_thread_units, message_thread_start, message_post, message_thread_assign, message_thread_mark_read,
message_thread_close, message_file_to_journal
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
message_thread_units, message_thread_start, message_post, message_thread_assign, message_thread_mark_read,
message_thread_close, message_file_to_journal
TO hms_app;
