-- Scheduling: appointment types, rooms, clinicians' working hours and time
-- away, appointments, the waitlist, reminders and the staff calendar feed.
--
-- The rules live here, for every writer:
--   * two active appointments of one clinician, one room or one patient never
--     overlap (exclusion constraints over tstzrange; a lost race is refused by
--     the constraint, not by a check the app made a moment earlier);
--   * booking, moving, cancelling, check-in, no-show, walk-in and the
--     waitlist's offers are functions that take who acts from the verified
--     identity, check the role, the working hours, the time (no past booking,
--     patients change only until 24 hours before) and what patients may book;
--   * check-in opens the encounter in the appointment's unit, in the name of
--     the receptionist or nurse who checks the patient in, so the unit's
--     clinicians are then in care by the existing rule (hms_in_care);
--   * the app's role reads appointments through the appointments area of the
--     access decision and writes none of them directly.
-- Times are stored as instants (timestamptz); working hours are Stockholm
-- wall-clock times, turned into instants day by day, so a day with a
-- daylight-saving change keeps its 08:00 at 08:00.
-- depends: 0020_medication_prescribing

CREATE TYPE appointment_mode AS ENUM ('in_person', 'phone', 'video');
CREATE TYPE appointment_status AS ENUM ('booked', 'offered', 'arrived', 'no_show', 'cancelled');
CREATE TYPE schedule_exception_kind AS ENUM ('leave', 'course', 'other');
CREATE TYPE waitlist_status AS ENUM ('waiting', 'offered', 'booked', 'removed');
CREATE TYPE waitlist_offer_outcome AS ENUM ('accepted', 'declined', 'expired');
CREATE TYPE notice_kind AS ENUM ('booked', 'changed', 'cancelled', 'reminder', 'offer');
CREATE TYPE mail_status AS ENUM ('pending', 'sent', 'failed');
-- Working hours are times of day; a range of them cannot overlap another.
CREATE TYPE timerange AS RANGE (subtype = time);

CREATE TABLE appointment_type (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    name text NOT NULL CONSTRAINT appointment_type_name_length CHECK (length(btrim(name)) BETWEEN 2 AND 120),
    duration_minutes integer NOT NULL CONSTRAINT appointment_type_duration_range CHECK (
        duration_minutes BETWEEN 5 AND 480
    ),
    mode appointment_mode NOT NULL DEFAULT 'in_person',
    patient_bookable boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT appointment_type_name_per_unit_key UNIQUE (care_unit_id, name)
);
COMMENT ON TABLE appointment_type IS
'A kind of appointment a care unit gives: its length, in person, by phone or video, and whether patients may book it.';

CREATE TABLE clinic_room (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    name text NOT NULL CONSTRAINT clinic_room_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 60),
    is_active boolean NOT NULL DEFAULT true,
    CONSTRAINT clinic_room_name_per_unit_key UNIQUE (care_unit_id, name)
);
COMMENT ON TABLE clinic_room IS 'A room where a care unit sees patients (a consulting or treatment room).';

-- A clinician's weekly hours in one unit. The foreign key to staff_care_unit
-- keeps hours only where the clinician works: leaving a unit ends them.
CREATE TABLE working_hours (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinician_id bigint NOT NULL,
    care_unit_id bigint NOT NULL,
    -- ISO weekday: 1 Monday … 7 Sunday.
    weekday smallint NOT NULL CONSTRAINT working_hours_weekday_range CHECK (weekday BETWEEN 1 AND 7),
    starts_at time NOT NULL,
    ends_at time NOT NULL,
    CONSTRAINT working_hours_period_ordered CHECK (ends_at > starts_at),
    CONSTRAINT working_hours_clinician_unit_fk FOREIGN KEY (clinician_id, care_unit_id)
    REFERENCES staff_care_unit (user_id, care_unit_id) ON DELETE CASCADE,
    CONSTRAINT working_hours_no_overlap EXCLUDE USING gist (
        clinician_id WITH =, weekday WITH =, timerange(starts_at, ends_at) WITH &&
    )
);
COMMENT ON TABLE working_hours IS 'A clinician works in a care unit on one weekday between two Stockholm times.';

-- Time away from the weekly hours: leave, a course.
CREATE TABLE schedule_exception (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinician_id bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    kind schedule_exception_kind NOT NULL,
    during tstzrange NOT NULL CONSTRAINT schedule_exception_during_bounded CHECK (
        NOT lower_inf(during) AND NOT upper_inf(during) AND NOT isempty(during)
    ),
    note text CONSTRAINT schedule_exception_note_length CHECK (length(note) <= 200),
    created_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schedule_exception IS 'A period a clinician does not see patients despite the weekly hours (leave, a course).';
-- Used by the free-slot search and the booking's check of the hours.
CREATE INDEX schedule_exception_clinician_idx ON schedule_exception USING gist (clinician_id, during);

CREATE TABLE appointment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    type_id bigint NOT NULL REFERENCES appointment_type (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    -- NULL only for a walk-in not yet given to a clinician.
    clinician_id bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    room_id bigint REFERENCES clinic_room (id) ON DELETE RESTRICT,
    during tstzrange NOT NULL CONSTRAINT appointment_during_bounded CHECK (
        NOT lower_inf(during) AND NOT upper_inf(during) AND NOT isempty(during)
    ),
    mode appointment_mode NOT NULL,
    status appointment_status NOT NULL DEFAULT 'booked',
    walk_in boolean NOT NULL DEFAULT false,
    -- NULL when the waitlist offered the time (the worker acts for nobody).
    booked_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    booked_at timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz,
    cancelled_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    cancel_reason text CONSTRAINT appointment_cancel_reason_length CHECK (length(btrim(cancel_reason)) BETWEEN 3 AND 500),
    arrived_at timestamptz,
    checked_in_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    encounter_id bigint,
    CONSTRAINT appointment_encounter_fk FOREIGN KEY (encounter_id, patient_id)
    REFERENCES encounter (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT appointment_has_clinician CHECK (walk_in OR clinician_id IS NOT NULL),
    CONSTRAINT appointment_cancelled_has_reason CHECK (
        (status = 'cancelled') = (cancelled_at IS NOT NULL AND cancel_reason IS NOT NULL)
    ),
    CONSTRAINT appointment_arrived_has_encounter CHECK (
        (status = 'arrived') = (arrived_at IS NOT NULL AND encounter_id IS NOT NULL)
    ),
    -- The rule the whole module rests on: no two active appointments of a
    -- clinician, a room or a patient overlap. (A walk-in at the emergency
    -- department is seen whatever else the patient has booked.)
    CONSTRAINT appointment_no_overlap_clinician EXCLUDE USING gist (clinician_id WITH =, during WITH &&)
    WHERE (status IN ('booked', 'offered', 'arrived')),
    CONSTRAINT appointment_no_overlap_room EXCLUDE USING gist (room_id WITH =, during WITH &&)
    WHERE (status IN ('booked', 'offered', 'arrived')),
    CONSTRAINT appointment_no_overlap_patient EXCLUDE USING gist (patient_id WITH =, during WITH &&)
    WHERE (status IN ('booked', 'offered', 'arrived') AND NOT walk_in)
);
COMMENT ON TABLE appointment IS
'One appointment of a patient with a clinician of a care unit for a time; written only by the scheduling functions.';
COMMENT ON COLUMN appointment.status IS
'booked; offered (held for a patient on the waitlist until answered); arrived (checked in: encounter opened); no_show; cancelled.';
-- Used by the calendars (a unit's or a clinician's days) and the patient's list.
CREATE INDEX appointment_unit_start_idx ON appointment (care_unit_id, lower(during));
CREATE INDEX appointment_clinician_start_idx ON appointment (clinician_id, lower(during));
CREATE INDEX appointment_patient_start_idx ON appointment (patient_id, lower(during) DESC);
-- Used by the reminders job: booked appointments by start.
CREATE INDEX appointment_booked_start_idx ON appointment (lower(during)) WHERE status = 'booked';

-- What happened to an appointment, in order: its history as rows.
CREATE TABLE appointment_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    appointment_id bigint NOT NULL REFERENCES appointment (id) ON DELETE RESTRICT,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    kind text NOT NULL CONSTRAINT appointment_event_kind_known CHECK (
        kind IN ('booked', 'offered', 'accepted', 'declined', 'expired', 'moved', 'cancelled', 'arrived', 'no_show')
    ),
    during tstzrange NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    by_user bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    detail text CONSTRAINT appointment_event_detail_length CHECK (length(detail) <= 500)
);
COMMENT ON TABLE appointment_event IS 'One step in an appointment''s history: booked, moved, cancelled, arrived, …, by whom.';
CREATE INDEX appointment_event_appointment_idx ON appointment_event (appointment_id, at);

CREATE TABLE waitlist_entry (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    type_id bigint NOT NULL REFERENCES appointment_type (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    -- NULL: any clinician of the unit.
    clinician_id bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    status waitlist_status NOT NULL DEFAULT 'waiting',
    added_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE waitlist_entry IS 'A patient waits for an earlier time of one appointment type; first come, first offered.';
CREATE UNIQUE INDEX waitlist_entry_once ON waitlist_entry (patient_id, type_id) WHERE status IN ('waiting', 'offered');
-- Used when a time frees up: the first waiting patient of the type.
CREATE INDEX waitlist_entry_waiting_idx ON waitlist_entry (type_id, created_at) WHERE status = 'waiting';

-- A freed time offered to a waiting patient, held (as an 'offered'
-- appointment) until they answer or the offer expires.
CREATE TABLE waitlist_offer (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id bigint NOT NULL REFERENCES waitlist_entry (id) ON DELETE RESTRICT,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    appointment_id bigint NOT NULL REFERENCES appointment (id) ON DELETE RESTRICT,
    offered_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    outcome waitlist_offer_outcome,
    answered_at timestamptz,
    answered_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    CONSTRAINT waitlist_offer_expires_after CHECK (expires_at > offered_at),
    CONSTRAINT waitlist_offer_answer_complete CHECK ((outcome IS NULL) = (answered_at IS NULL))
);
COMMENT ON TABLE waitlist_offer IS 'A freed time offered to a patient on the waitlist, and their answer (or its expiry).';
CREATE INDEX waitlist_offer_entry_idx ON waitlist_offer (entry_id);
-- Used by the job that lets offers expire.
CREATE INDEX waitlist_offer_open_idx ON waitlist_offer (expires_at) WHERE outcome IS NULL;

-- The portal's inbox: one message to a patient (booked, changed, cancelled,
-- a reminder, an offer). Not the secure messaging between patient and care.
CREATE TABLE patient_notice (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    appointment_id bigint REFERENCES appointment (id) ON DELETE RESTRICT,
    kind notice_kind NOT NULL,
    -- What the message is about, as it was when it was sent.
    about_start timestamptz NOT NULL,
    type_name text NOT NULL,
    unit_name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
COMMENT ON TABLE patient_notice IS 'One message to a patient in the portal''s inbox (about an appointment), read or unread.';
CREATE INDEX patient_notice_patient_idx ON patient_notice (patient_id, created_at DESC);
-- A reminder is sent once per appointment and time: running the job twice
-- sends nothing twice, and a moved appointment is reminded of its new time.
CREATE UNIQUE INDEX patient_notice_reminder_once ON patient_notice (appointment_id, about_start)
WHERE kind = 'reminder';

-- Mail a real sender could drain: it takes pending rows, sends them and
-- records the outcome and the attempts.
CREATE TABLE mail_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id bigint NOT NULL REFERENCES patient_notice (id) ON DELETE RESTRICT,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    to_address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    status mail_status NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0 CONSTRAINT mail_outbox_attempts_nonnegative CHECK (attempts >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    last_error text,
    CONSTRAINT mail_outbox_one_per_notice UNIQUE (notice_id)
);
COMMENT ON TABLE mail_outbox IS 'One e-mail to a patient waiting to be sent (or sent, or failed), with its attempts.';
CREATE INDEX mail_outbox_pending_idx ON mail_outbox (created_at) WHERE status = 'pending';

-- A staff member's private calendar feed: only the token's SHA-256 is kept,
-- so the table opens no feed; a new token revokes the old one.
CREATE TABLE calendar_feed (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    token_hash bytea NOT NULL CONSTRAINT calendar_feed_token_hash_length CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CONSTRAINT calendar_feed_token_hash_key UNIQUE (token_hash)
);
COMMENT ON TABLE calendar_feed IS 'A staff member''s calendar subscription (an .ics address) by the SHA-256 of its token, until revoked.';
CREATE UNIQUE INDEX calendar_feed_one_active ON calendar_feed (user_id) WHERE revoked_at IS NULL;

-- ---------------------------------------------------------------------------
-- Helpers (owner-only, in hms_private).
-- ---------------------------------------------------------------------------

-- Does a time fall within a clinician's hours in a unit (one weekday, start
-- and end inside the same period), and outside their time away?
CREATE FUNCTION hms_private.within_hours(p_clinician bigint, p_unit bigint, p_during tstzrange) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
RETURN EXISTS (
    SELECT 1 FROM public.working_hours AS h
    WHERE
        h.clinician_id = p_clinician AND h.care_unit_id = p_unit  -- parameters, not columns -- noqa: RF03
        AND h.weekday = extract(ISODOW FROM lower(p_during) AT TIME ZONE 'Europe/Stockholm')  -- noqa: RF03
        AND (lower(p_during) AT TIME ZONE 'Europe/Stockholm')  -- a parameter -- noqa: RF03
        >= (lower(p_during) AT TIME ZONE 'Europe/Stockholm')::date + h.starts_at  -- noqa: RF03
        AND (upper(p_during) AT TIME ZONE 'Europe/Stockholm')  -- a parameter -- noqa: RF03
        <= (lower(p_during) AT TIME ZONE 'Europe/Stockholm')::date + h.ends_at  -- noqa: RF03
) AND NOT EXISTS (
    SELECT 1 FROM public.schedule_exception AS x
    WHERE x.clinician_id = p_clinician AND x.during && p_during  -- parameters, not columns -- noqa: RF03
);

-- Is the user a clinician (doctor or nurse) of the unit?
CREATE FUNCTION hms_private.clinician_of(p_user bigint, p_unit bigint) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
RETURN EXISTS (
    SELECT 1 FROM public.staff_care_unit AS s
    INNER JOIN public.app_user AS u ON s.user_id = u.id
    WHERE
        s.user_id = p_user AND s.care_unit_id = p_unit  -- parameters, not columns -- noqa: RF03
        AND u.role IN ('doctor', 'nurse') AND u.is_active
);

-- Does the user work in the unit?
CREATE FUNCTION hms_private.works_in(p_user bigint, p_unit bigint) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
RETURN EXISTS (
    SELECT 1 FROM public.staff_care_unit AS s
    WHERE s.user_id = p_user AND s.care_unit_id = p_unit  -- parameters, not columns -- noqa: RF03
);

-- One message to the patient about an appointment: in the portal's inbox,
-- and as mail when the patient has an address. Returns false when the
-- message was sent before (a reminder's unique key).
CREATE FUNCTION hms_private.appointment_notify(p_appointment bigint, p_kind notice_kind) RETURNS boolean
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v record;
    v_notice bigint;
    v_locale text;
    v_when text;
BEGIN
    SELECT a.id, a.patient_id, lower(a.during) AS starts_at, t.name AS type_name, u.name AS unit_name, p.email
    INTO v
    FROM appointment AS a
    JOIN appointment_type AS t ON t.id = a.type_id
    JOIN care_unit AS u ON u.id = a.care_unit_id
    JOIN patient AS p ON p.id = a.patient_id
    WHERE a.id = p_appointment;
    INSERT INTO patient_notice (patient_id, appointment_id, kind, about_start, type_name, unit_name)
    VALUES (v.patient_id, v.id, p_kind, v.starts_at, v.type_name, v.unit_name)
    ON CONFLICT DO NOTHING
    RETURNING id INTO v_notice;
    IF v_notice IS NULL THEN
        RETURN false;
    END IF;
    IF v.email IS NULL THEN
        RETURN true;
    END IF;
    v_locale := coalesce((
        SELECT u.locale FROM patient_user AS pu JOIN app_user AS u ON u.id = pu.user_id
        WHERE pu.patient_id = v.patient_id ORDER BY pu.user_id LIMIT 1), 'sv');
    v_when := to_char(v.starts_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI');
    INSERT INTO mail_outbox (notice_id, patient_id, to_address, subject, body)
    VALUES (
        v_notice, v.patient_id, v.email,
        CASE WHEN v_locale = 'en' THEN
            CASE p_kind
                WHEN 'booked' THEN 'Your appointment is booked'
                WHEN 'changed' THEN 'Your appointment is changed'
                WHEN 'cancelled' THEN 'Your appointment is cancelled'
                WHEN 'reminder' THEN 'Reminder: your appointment tomorrow'
                ELSE 'An earlier time is offered to you'
            END
        ELSE
            CASE p_kind
                WHEN 'booked' THEN 'Din tid är bokad'
                WHEN 'changed' THEN 'Din tid är ändrad'
                WHEN 'cancelled' THEN 'Din tid är avbokad'
                WHEN 'reminder' THEN 'Påminnelse: din tid i morgon'
                ELSE 'En tidigare tid erbjuds dig'
            END
        END,
        CASE WHEN v_locale = 'en'
            THEN format('%s, %s, %s (Stockholm time). Log in to the patient portal to see or change it.',
                v.type_name, v.unit_name, v_when)
            ELSE format('%s, %s, %s. Logga in i patientportalen för att se eller ändra tiden.',
                v.type_name, v.unit_name, v_when)
        END
    );
    RETURN true;
END
$$;

CREATE FUNCTION hms_private.appointment_log(p_appointment bigint, p_kind text, p_detail text DEFAULT NULL)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
    INSERT INTO public.appointment_event (appointment_id, patient_id, kind, during, by_user, detail)
    SELECT
        a.id,
        a.patient_id,
        p_kind AS kind,  -- a parameter -- noqa: RF03
        a.during,
        hms_current_user_id() AS by_user,
        p_detail AS detail  -- a parameter -- noqa: RF03
    FROM public.appointment AS a
    WHERE a.id = p_appointment;  -- a parameter, not a column -- noqa: RF03
END;

-- Offer a freed time to the first waiting patient of its type (and of its
-- clinician, when they asked for one) who has not been offered this very
-- time before and is free then. The time is held for them as an 'offered'
-- appointment until they answer, the offer expires, or it is too near.
CREATE FUNCTION hms_private.waitlist_offer_slot(
    p_type bigint, p_clinician bigint, p_room bigint, p_during tstzrange
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    e record;
    v_type appointment_type;
    v_appointment bigint;
    v_expires timestamptz := least(now() + interval '24 hours', lower(p_during) - interval '2 hours');
BEGIN
    IF p_clinician IS NULL OR v_expires < now() + interval '30 minutes' THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_type FROM appointment_type WHERE id = p_type;
    FOR e IN
        SELECT w.id, w.patient_id FROM waitlist_entry AS w
        WHERE w.type_id = p_type AND w.status = 'waiting'
            AND (w.clinician_id IS NULL OR w.clinician_id = p_clinician)
            AND NOT EXISTS (
                SELECT 1 FROM waitlist_offer AS o JOIN appointment AS a ON a.id = o.appointment_id
                WHERE o.entry_id = w.id AND a.clinician_id = p_clinician AND a.during = p_during)
        ORDER BY w.created_at, w.id
        FOR UPDATE OF w SKIP LOCKED
    LOOP
        BEGIN
            INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, room_id, during, mode, status, booked_by)
            VALUES (e.patient_id, p_type, v_type.care_unit_id, p_clinician, p_room, p_during, v_type.mode, 'offered', NULL)
            RETURNING id INTO v_appointment;
        EXCEPTION WHEN exclusion_violation OR deadlock_detected THEN
            CONTINUE;  -- the patient has another appointment then
        END;
        INSERT INTO waitlist_offer (entry_id, patient_id, appointment_id, expires_at)
        VALUES (e.id, e.patient_id, v_appointment, v_expires);
        UPDATE waitlist_entry SET status = 'offered' WHERE id = e.id;
        PERFORM hms_private.appointment_log(v_appointment, 'offered');
        PERFORM hms_private.appointment_notify(v_appointment, 'offer');
        RETURN v_appointment;
    END LOOP;
    RETURN NULL;
END
$$;

-- An offer ends unanswered (declined or expired): the held time is let go
-- and offered to the next patient; the first goes back to waiting.
CREATE FUNCTION hms_private.waitlist_offer_end(p_offer bigint, p_outcome waitlist_offer_outcome) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_offer waitlist_offer;
    v appointment;
BEGIN
    SELECT * INTO v_offer FROM waitlist_offer WHERE id = p_offer FOR UPDATE;
    SELECT * INTO v FROM appointment WHERE id = v_offer.appointment_id FOR UPDATE;
    UPDATE waitlist_offer SET outcome = p_outcome, answered_at = now(), answered_by = hms_current_user_id()
    WHERE id = p_offer;
    UPDATE appointment SET status = 'cancelled', cancelled_at = now(), cancelled_by = hms_current_user_id(),
        cancel_reason = CASE WHEN p_outcome = 'declined' THEN 'Offer declined' ELSE 'Offer expired' END
    WHERE id = v.id;
    UPDATE waitlist_entry SET status = 'waiting' WHERE id = v_offer.entry_id AND status = 'offered';
    PERFORM hms_private.appointment_log(v.id, p_outcome::text);
    PERFORM hms_private.waitlist_offer_slot(v.type_id, v.clinician_id, v.room_id, v.during);
END
$$;

-- Who acts, or a refusal: every scheduling function starts here.
CREATE FUNCTION hms_private.acting_user() RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF hms_current_user_id() IS NULL THEN
        RAISE EXCEPTION 'Log in to book or change appointments.'
            USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_by_verified_user';
    END IF;
    RETURN hms_current_user_id();
END
$$;

-- May the acting user book, move or cancel this patient's appointments of
-- this unit? The patient themself and a relative with the appointments scope
-- (patient-bookable types only), reception and administrators, and the
-- unit's own clinicians.
CREATE FUNCTION hms_private.check_may_book(p_patient bigint, p_type appointment_type) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.acting_user();
    v_role text := hms_current_role();
    v_basis text := hms_access_basis(p_patient, 'appointments');
BEGIN
    -- Reception books anyone; a clinician only a patient already within
    -- clinical reach (care or emergency access), so booking and checking in
    -- cannot make a care relationship for a stranger, and a refusal tells
    -- nothing of a patient one may not reach.
    IF v_basis IS NULL
        OR (v_role IN ('doctor', 'nurse') AND NOT hms_may_write_clinical(p_patient)) THEN
        RAISE EXCEPTION 'No such patient.' USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_patient_within_reach';
    END IF;
    IF v_role IN ('patient', 'relative') THEN
        IF v_basis NOT IN ('own', 'proxy') THEN
            RAISE EXCEPTION 'No such patient.' USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_patient_within_reach';
        END IF;
        IF NOT p_type.patient_bookable THEN
            RAISE EXCEPTION 'This kind of appointment is booked by the clinic; please call them.'
                USING ERRCODE = 'HM093', CONSTRAINT = 'appointment_patient_bookable';
        END IF;
        -- One portal account cannot take a clinic's calendar.
        IF (
            SELECT count(*) FROM appointment AS a
            WHERE a.patient_id = p_patient AND a.status IN ('booked', 'offered') AND upper(a.during) > now()
        ) >= 6 THEN
            RAISE EXCEPTION 'You have six upcoming appointments, the most that can be booked here; please call the clinic.'
                USING ERRCODE = 'HM093', CONSTRAINT = 'appointment_patient_booking_limit';
        END IF;
    ELSIF v_role IN ('doctor', 'nurse') THEN
        IF NOT hms_private.works_in(v_user, p_type.care_unit_id) THEN
            RAISE EXCEPTION 'Clinicians book appointments of their own care units.'
                USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_booked_by_unit';
        END IF;
    ELSIF v_role NOT IN ('receptionist', 'administrator') THEN
        RAISE EXCEPTION 'You cannot book appointments.' USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_booked_by_unit';
    END IF;
END
$$;

-- The checks of a new time: a clinician of the type's unit, in the future,
-- within their hours, in one of the unit's rooms.
CREATE FUNCTION hms_private.check_time(
    p_type appointment_type, p_clinician bigint, p_room bigint, p_during tstzrange
) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT p_type.is_active THEN
        RAISE EXCEPTION 'This kind of appointment is no longer given.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_type_active';
    END IF;
    IF NOT hms_private.clinician_of(p_clinician, p_type.care_unit_id) THEN
        RAISE EXCEPTION 'Choose a clinician of the care unit.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_clinician_of_unit';
    END IF;
    IF lower(p_during) <= now() THEN
        RAISE EXCEPTION 'The time has passed; choose a time in the future.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_not_past';
    END IF;
    -- How far ahead: half a year in the portal, two years at the desk.
    IF lower(p_during) > now() + (
        CASE WHEN hms_current_role() IN ('patient', 'relative') THEN interval '183 days' ELSE interval '2 years' END
    ) THEN
        RAISE EXCEPTION 'That time is too far ahead to book.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_within_horizon';
    END IF;
    IF NOT hms_private.within_hours(p_clinician, p_type.care_unit_id, p_during) THEN
        RAISE EXCEPTION 'The clinician does not work then; choose one of the free times.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_within_hours';
    END IF;
    IF p_room IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM clinic_room WHERE id = p_room AND care_unit_id = p_type.care_unit_id AND is_active
    ) THEN
        RAISE EXCEPTION 'Choose one of the care unit''s rooms.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_room_of_unit';
    END IF;
END
$$;

-- An exclusion violation, said as the one who lost the race needs to hear it.
CREATE FUNCTION hms_private.raise_taken(p_constraint text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF p_constraint = 'appointment_no_overlap_patient' THEN
        RAISE EXCEPTION 'The patient already has an appointment at that time.'
            USING ERRCODE = 'HM091', CONSTRAINT = 'appointment_no_overlap_patient';
    ELSIF p_constraint = 'appointment_no_overlap_room' THEN
        RAISE EXCEPTION 'The room was just taken at that time; choose another time or room.'
            USING ERRCODE = 'HM091', CONSTRAINT = 'appointment_no_overlap_room';
    END IF;
    RAISE EXCEPTION 'This time was just taken; choose one of the next free times.'
        USING ERRCODE = 'HM091', CONSTRAINT = 'appointment_slot_taken';
END
$$;

-- The appointment, locked, if the acting user may change it; patients and
-- relatives only until 24 hours before.
CREATE FUNCTION hms_private.appointment_for_change(p_appointment bigint) RETURNS appointment
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v appointment;
    v_type appointment_type;
BEGIN
    PERFORM hms_private.acting_user();
    SELECT * INTO v FROM appointment WHERE id = p_appointment FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such appointment.' USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_patient_within_reach';
    END IF;
    SELECT * INTO v_type FROM appointment_type WHERE id = v.type_id;
    PERFORM hms_private.check_may_book(v.patient_id, v_type);
    IF v.status <> 'booked' THEN
        RAISE EXCEPTION 'Only a booked appointment can be changed; this one is %.', v.status
            USING ERRCODE = 'HM095', CONSTRAINT = 'appointment_change_booked';
    END IF;
    IF hms_current_role() IN ('patient', 'relative') AND lower(v.during) < now() + interval '24 hours' THEN
        RAISE EXCEPTION 'Appointments can be changed here until 24 hours before; please call the clinic.'
            USING ERRCODE = 'HM094', CONSTRAINT = 'appointment_change_24h';
    END IF;
    RETURN v;
END
$$;

-- ---------------------------------------------------------------------------
-- The operations, each checking who acts itself.
-- ---------------------------------------------------------------------------

-- Book a time for a patient; returns the appointment's id.
CREATE FUNCTION appointment_book(
    p_patient bigint, p_type bigint, p_clinician bigint, p_start timestamptz, p_room bigint DEFAULT NULL
) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_type appointment_type;
    v_during tstzrange;
    v_id bigint;
    v_constraint text;
BEGIN
    PERFORM hms_private.acting_user();
    SELECT * INTO v_type FROM appointment_type WHERE id = p_type;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Choose a kind of appointment.' USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_type_active';
    END IF;
    PERFORM hms_private.check_may_book(p_patient, v_type);
    IF p_start IS NULL THEN
        RAISE EXCEPTION 'Choose a time.' USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_not_past';
    END IF;
    v_during := tstzrange(p_start, p_start + make_interval(mins => v_type.duration_minutes));
    PERFORM hms_private.check_time(v_type, p_clinician, p_room, v_during);
    BEGIN
        INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, room_id, during, mode, booked_by)
        VALUES (p_patient, p_type, v_type.care_unit_id, p_clinician, p_room, v_during, v_type.mode, hms_current_user_id())
        RETURNING id INTO v_id;
    EXCEPTION
        WHEN exclusion_violation THEN
            GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
            PERFORM hms_private.raise_taken(v_constraint);
        -- Two bookings of one time that arrive together each wait for the
        -- other's row (an exclusion constraint checks after it inserts); the
        -- one PostgreSQL picks to give way has lost the race like any other.
        WHEN deadlock_detected THEN
            PERFORM hms_private.raise_taken(NULL);
    END;
    PERFORM hms_private.appointment_log(v_id, 'booked');
    PERFORM hms_private.appointment_notify(v_id, 'booked');
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION appointment_book IS 'Books a time (refused when taken, past, outside the hours, or not the patient''s to book).';

-- Move an appointment to another time (and clinician or room); the time it
-- leaves is offered to the waitlist.
CREATE FUNCTION appointment_move(
    p_appointment bigint, p_start timestamptz, p_clinician bigint DEFAULT NULL, p_room bigint DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v appointment := hms_private.appointment_for_change(p_appointment);
    v_type appointment_type;
    v_clinician bigint;
    v_room bigint;
    v_during tstzrange;
    v_constraint text;
BEGIN
    SELECT * INTO v_type FROM appointment_type WHERE id = v.type_id;
    v_clinician := coalesce(p_clinician, v.clinician_id);
    -- The room goes with the appointment unless another is named.
    v_room := coalesce(p_room, v.room_id);
    IF p_start IS NULL THEN
        RAISE EXCEPTION 'Choose a time.' USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_not_past';
    END IF;
    v_during := tstzrange(p_start, p_start + make_interval(mins => v_type.duration_minutes));
    PERFORM hms_private.check_time(v_type, v_clinician, v_room, v_during);
    BEGIN
        UPDATE appointment SET during = v_during, clinician_id = v_clinician, room_id = v_room WHERE id = v.id;
    EXCEPTION
        WHEN exclusion_violation THEN
            GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
            PERFORM hms_private.raise_taken(v_constraint);
        -- Two bookings of one time that arrive together each wait for the
        -- other's row (an exclusion constraint checks after it inserts); the
        -- one PostgreSQL picks to give way has lost the race like any other.
        WHEN deadlock_detected THEN
            PERFORM hms_private.raise_taken(NULL);
    END;
    PERFORM hms_private.appointment_log(v.id, 'moved',
        'from ' || to_char(lower(v.during) AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI'));
    PERFORM hms_private.appointment_notify(v.id, 'changed');
    PERFORM hms_private.waitlist_offer_slot(v.type_id, v.clinician_id, v.room_id, v.during);
END
$$;

-- Cancel with a reason; the freed time is offered to the waitlist.
CREATE FUNCTION appointment_cancel(p_appointment bigint, p_reason text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v appointment := hms_private.appointment_for_change(p_appointment);
BEGIN
    UPDATE appointment SET status = 'cancelled', cancelled_at = now(), cancelled_by = hms_current_user_id(),
        cancel_reason = p_reason
    WHERE id = v.id;
    PERFORM hms_private.appointment_log(v.id, 'cancelled', left(p_reason, 500));
    PERFORM hms_private.appointment_notify(v.id, 'cancelled');
    IF lower(v.during) > now() THEN
        PERFORM hms_private.waitlist_offer_slot(v.type_id, v.clinician_id, v.room_id, v.during);
    END IF;
END
$$;

-- Check-in starts care: the encounter opens in the appointment's unit, in
-- the name of the receptionist or nurse of that unit who checks the patient
-- in. Returns the encounter's id.
CREATE FUNCTION hms_private.check_in(p_appointment bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.acting_user();
    v appointment;
    v_type appointment_type;
    v_unit_kind care_unit_kind;
    v_encounter bigint;
BEGIN
    SELECT * INTO v FROM appointment WHERE id = p_appointment FOR UPDATE;
    IF NOT FOUND OR NOT (hms_current_role() IN ('receptionist', 'nurse') AND hms_private.works_in(v_user, v.care_unit_id)) THEN
        RAISE EXCEPTION 'A receptionist or nurse of the appointment''s care unit checks the patient in.'
            USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_check_in_by_unit';
    END IF;
    IF v.status <> 'booked' THEN
        RAISE EXCEPTION 'Only a booked appointment is checked in; this one is %.', v.status
            USING ERRCODE = 'HM095', CONSTRAINT = 'appointment_check_in_booked';
    END IF;
    IF (lower(v.during) AT TIME ZONE 'Europe/Stockholm')::date <> hms_today() THEN
        RAISE EXCEPTION 'A patient is checked in on the day of the appointment.'
            USING ERRCODE = 'HM095', CONSTRAINT = 'appointment_check_in_today';
    END IF;
    SELECT * INTO v_type FROM appointment_type WHERE id = v.type_id;
    SELECT kind INTO v_unit_kind FROM care_unit WHERE id = v.care_unit_id;
    INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, responsible_id, created_by)
    VALUES (
        v.patient_id, v.care_unit_id,
        CASE
            WHEN v.walk_in AND v_unit_kind = 'emergency' THEN 'emergency'
            WHEN v.mode IN ('phone', 'video') THEN 'phone'
            ELSE 'outpatient'
        END::encounter_kind,
        v_type.name, now(), v.clinician_id, v_user)
    RETURNING id INTO v_encounter;
    UPDATE appointment SET status = 'arrived', arrived_at = now(), checked_in_by = v_user, encounter_id = v_encounter
    WHERE id = v.id;
    PERFORM hms_private.appointment_log(v.id, 'arrived');
    RETURN v_encounter;
END
$$;

CREATE FUNCTION appointment_check_in(p_appointment bigint) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
RETURN hms_private.check_in(p_appointment);
COMMENT ON FUNCTION appointment_check_in IS
'Marks the patient arrived and opens the encounter in the appointment''s unit (the start of care).';

-- A walk-in at the emergency department: an appointment from now, made and
-- checked in at once. Returns the appointment's id.
CREATE FUNCTION appointment_walk_in(p_patient bigint, p_type bigint, p_clinician bigint DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.acting_user();
    v_type appointment_type;
    v_id bigint;
    v_constraint text;
BEGIN
    SELECT * INTO v_type FROM appointment_type WHERE id = p_type AND is_active;
    IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM care_unit WHERE id = v_type.care_unit_id AND kind = 'emergency') THEN
        RAISE EXCEPTION 'Walk-ins are registered at an emergency unit.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_walk_in_emergency';
    END IF;
    IF NOT (hms_current_role() IN ('receptionist', 'nurse') AND hms_private.works_in(v_user, v_type.care_unit_id)) THEN
        RAISE EXCEPTION 'A receptionist or nurse of the appointment''s care unit checks the patient in.'
            USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_check_in_by_unit';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM patient WHERE id = p_patient) THEN
        RAISE EXCEPTION 'No such patient.' USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_patient_within_reach';
    END IF;
    IF p_clinician IS NOT NULL AND NOT hms_private.clinician_of(p_clinician, v_type.care_unit_id) THEN
        RAISE EXCEPTION 'Choose a clinician of the care unit.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_clinician_of_unit';
    END IF;
    BEGIN
        INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode, walk_in, booked_by)
        VALUES (p_patient, p_type, v_type.care_unit_id, p_clinician,
            tstzrange(now(), now() + make_interval(mins => v_type.duration_minutes)), v_type.mode, true, v_user)
        RETURNING id INTO v_id;
    EXCEPTION
        WHEN exclusion_violation THEN
            GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
            PERFORM hms_private.raise_taken(v_constraint);
        -- Two bookings of one time that arrive together each wait for the
        -- other's row (an exclusion constraint checks after it inserts); the
        -- one PostgreSQL picks to give way has lost the race like any other.
        WHEN deadlock_detected THEN
            PERFORM hms_private.raise_taken(NULL);
    END;
    PERFORM hms_private.appointment_log(v_id, 'booked', 'walk-in');
    PERFORM hms_private.check_in(v_id);
    RETURN v_id;
END
$$;

-- The patient did not come: marked by the unit's staff or reception once the
-- appointment has begun.
CREATE FUNCTION appointment_no_show(p_appointment bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.acting_user();
    v appointment;
BEGIN
    SELECT * INTO v FROM appointment WHERE id = p_appointment FOR UPDATE;
    IF NOT FOUND OR NOT (
        hms_current_role() = 'administrator'
        OR (hms_current_role() IN ('receptionist', 'nurse', 'doctor') AND hms_private.works_in(v_user, v.care_unit_id))
    ) THEN
        RAISE EXCEPTION 'The care unit''s staff mark a no-show.'
            USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_no_show_by_unit';
    END IF;
    IF v.status <> 'booked' OR lower(v.during) > now() THEN
        RAISE EXCEPTION 'A booked appointment is marked as a no-show once it has begun.'
            USING ERRCODE = 'HM095', CONSTRAINT = 'appointment_no_show_after_start';
    END IF;
    UPDATE appointment SET status = 'no_show' WHERE id = v.id;
    PERFORM hms_private.appointment_log(v.id, 'no_show');
END
$$;

-- ---------------------------------------------------------------------------
-- The waitlist.
-- ---------------------------------------------------------------------------
CREATE FUNCTION waitlist_join(p_patient bigint, p_type bigint, p_clinician bigint DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_type appointment_type;
    v_id bigint;
BEGIN
    PERFORM hms_private.acting_user();
    SELECT * INTO v_type FROM appointment_type WHERE id = p_type AND is_active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'Choose a kind of appointment.' USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_type_active';
    END IF;
    PERFORM hms_private.check_may_book(p_patient, v_type);
    IF p_clinician IS NOT NULL AND NOT hms_private.clinician_of(p_clinician, v_type.care_unit_id) THEN
        RAISE EXCEPTION 'Choose a clinician of the care unit.'
            USING ERRCODE = 'HM092', CONSTRAINT = 'appointment_clinician_of_unit';
    END IF;
    INSERT INTO waitlist_entry (patient_id, type_id, care_unit_id, clinician_id, added_by)
    VALUES (p_patient, p_type, v_type.care_unit_id, p_clinician, hms_current_user_id())
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

CREATE FUNCTION waitlist_leave(p_entry bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v waitlist_entry;
    v_type appointment_type;
BEGIN
    PERFORM hms_private.acting_user();
    SELECT * INTO v FROM waitlist_entry WHERE id = p_entry FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such patient.' USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_patient_within_reach';
    END IF;
    SELECT * INTO v_type FROM appointment_type WHERE id = v.type_id;
    PERFORM hms_private.check_may_book(v.patient_id, v_type);
    IF v.status <> 'waiting' THEN
        RAISE EXCEPTION 'Only a waiting place on the list is given up; answer the offer first.'
            USING ERRCODE = 'HM096', CONSTRAINT = 'waitlist_entry_waiting';
    END IF;
    UPDATE waitlist_entry SET status = 'removed' WHERE id = v.id;
END
$$;

-- The patient (or their relative, or reception for them) answers an offer.
CREATE FUNCTION waitlist_offer_answer(p_offer bigint, p_accept boolean) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_offer waitlist_offer;
    v appointment;
    v_type appointment_type;
BEGIN
    PERFORM hms_private.acting_user();
    SELECT * INTO v_offer FROM waitlist_offer WHERE id = p_offer FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such patient.' USING ERRCODE = 'HM090', CONSTRAINT = 'appointment_patient_within_reach';
    END IF;
    SELECT * INTO v FROM appointment WHERE id = v_offer.appointment_id FOR UPDATE;
    SELECT * INTO v_type FROM appointment_type WHERE id = v.type_id;
    PERFORM hms_private.check_may_book(v.patient_id, v_type);
    IF v_offer.outcome IS NOT NULL OR v_offer.expires_at <= now() THEN
        RAISE EXCEPTION 'The offer has expired; the time went to the next patient.'
            USING ERRCODE = 'HM096', CONSTRAINT = 'waitlist_offer_open';
    END IF;
    IF NOT p_accept THEN
        PERFORM hms_private.waitlist_offer_end(p_offer, 'declined');
        RETURN NULL;
    END IF;
    UPDATE waitlist_offer SET outcome = 'accepted', answered_at = now(), answered_by = hms_current_user_id()
    WHERE id = p_offer;
    UPDATE appointment SET status = 'booked', booked_by = hms_current_user_id(), booked_at = now() WHERE id = v.id;
    UPDATE waitlist_entry SET status = 'booked' WHERE id = v_offer.entry_id;
    PERFORM hms_private.appointment_log(v.id, 'accepted');
    PERFORM hms_private.appointment_notify(v.id, 'booked');
    RETURN v.id;
END
$$;

-- ---------------------------------------------------------------------------
-- Free times, in SQL: each clinician's hours, day by day in Stockholm time,
-- cut into slots of the type's length, less the active appointments and the
-- time away. One set-based query per day, earliest day first, until enough
-- times are found: the next free times are nearly always in the first days,
-- so a search over four weeks seldom needs more than one or two of them. The
-- caller sees times only, never whose they are; it runs as the owner because
-- a patient booking must not see others' appointments, yet their times are
-- what makes a slot taken.
-- ---------------------------------------------------------------------------
CREATE FUNCTION appointment_free_slots(
    p_type bigint, p_from timestamptz, p_to timestamptz, p_clinician bigint DEFAULT NULL, p_limit integer DEFAULT 20
) RETURNS TABLE (clinician_id bigint, starts_at timestamptz, ends_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_type appointment_type;
    v_length interval;
    v_day date;
    v_found integer := 0;
    v_rows integer;
    v_from timestamptz := greatest(p_from, now());
    -- Bounded: at most 92 days and 200 times a call, one query per day.
    v_to timestamptz := least(p_to, greatest(p_from, now()) + interval '92 days');
    v_limit integer := least(coalesce(p_limit, 20), 200);
BEGIN
    SELECT * INTO v_type FROM appointment_type AS t WHERE t.id = p_type AND t.is_active;
    IF NOT FOUND OR hms_current_user_id() IS NULL OR v_limit < 1 THEN
        RETURN;
    END IF;
    v_length := make_interval(mins => v_type.duration_minutes);
    FOR v_day IN
        SELECT d::date FROM generate_series((v_from AT TIME ZONE 'Europe/Stockholm')::date,
            (v_to AT TIME ZONE 'Europe/Stockholm')::date, interval '1 day') AS d
    LOOP
        RETURN QUERY
        WITH slots AS (
            SELECT h.clinician_id,
                g.local AT TIME ZONE 'Europe/Stockholm' AS starts_at,
                (g.local + v_length) AT TIME ZONE 'Europe/Stockholm' AS ends_at
            FROM working_hours AS h
            JOIN app_user AS u ON u.id = h.clinician_id AND u.is_active
            CROSS JOIN LATERAL generate_series(v_day + h.starts_at, v_day + h.ends_at - v_length, v_length) AS g (local)
            WHERE h.care_unit_id = v_type.care_unit_id AND h.weekday = extract(ISODOW FROM v_day)
                AND (p_clinician IS NULL OR h.clinician_id = p_clinician)
        )
        SELECT s.clinician_id, s.starts_at, s.ends_at FROM slots AS s
        WHERE s.starts_at >= v_from AND s.starts_at < v_to
            AND NOT EXISTS (
                SELECT 1 FROM appointment AS a
                WHERE a.clinician_id = s.clinician_id AND a.status IN ('booked', 'offered', 'arrived')
                    AND a.during && tstzrange(s.starts_at, s.ends_at))
            AND NOT EXISTS (
                SELECT 1 FROM schedule_exception AS x
                WHERE x.clinician_id = s.clinician_id AND x.during && tstzrange(s.starts_at, s.ends_at))
        ORDER BY s.starts_at, s.clinician_id
        LIMIT v_limit - v_found;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        v_found := v_found + v_rows;
        EXIT WHEN v_found >= v_limit;
    END LOOP;
END
$$;
COMMENT ON FUNCTION appointment_free_slots IS
'The next free times of an appointment type (any clinician of its unit, or one), in SQL: hours less bookings and time away.';

-- ---------------------------------------------------------------------------
-- The timed work, run by `hms jobs run` as the hms_worker role. Each is
-- idempotent: running it twice sends nothing twice.
-- ---------------------------------------------------------------------------

-- Reminders of the booked appointments that begin within 24 hours.
CREATE FUNCTION appointment_reminders_send() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_id bigint;
    v_sent integer := 0;
BEGIN
    FOR v_id IN
        SELECT a.id FROM appointment AS a
        WHERE a.status = 'booked' AND lower(a.during) > now() AND lower(a.during) <= now() + interval '24 hours'
            AND NOT EXISTS (
                SELECT 1 FROM patient_notice AS n
                WHERE n.appointment_id = a.id AND n.kind = 'reminder' AND n.about_start = lower(a.during))
        ORDER BY lower(a.during)
    LOOP
        IF hms_private.appointment_notify(v_id, 'reminder') THEN
            v_sent := v_sent + 1;
        END IF;
    END LOOP;
    RETURN v_sent;
END
$$;

-- Offers not answered in time expire, and their times go to the next patient.
CREATE FUNCTION waitlist_offers_expire() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_id bigint;
    v_expired integer := 0;
BEGIN
    FOR v_id IN
        SELECT o.id FROM waitlist_offer AS o
        WHERE o.outcome IS NULL AND o.expires_at <= now()
        ORDER BY o.expires_at
        FOR UPDATE SKIP LOCKED
    LOOP
        PERFORM hms_private.waitlist_offer_end(v_id, 'expired');
        v_expired := v_expired + 1;
    END LOOP;
    RETURN v_expired;
END
$$;

-- ---------------------------------------------------------------------------
-- The calendar feed: a private, revocable address per member of staff.
-- ---------------------------------------------------------------------------

-- A new token for the acting member of staff (the old one stops working);
-- returned once, kept only as its hash.
CREATE FUNCTION calendar_feed_issue() RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.acting_user();
    v_token text := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
BEGIN
    IF NOT user_role_is_staff(hms_current_role()::user_role) THEN
        RAISE EXCEPTION 'Calendar feeds are for staff.' USING ERRCODE = 'HM097', CONSTRAINT = 'calendar_feed_staff';
    END IF;
    UPDATE calendar_feed SET revoked_at = now() WHERE user_id = v_user AND revoked_at IS NULL;
    INSERT INTO calendar_feed (user_id, token_hash) VALUES (v_user, sha256(convert_to(v_token, 'UTF8')));
    RETURN v_token;
END
$$;

CREATE FUNCTION calendar_feed_revoke() RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
    UPDATE calendar_feed SET revoked_at = now()
    WHERE user_id = hms_current_user_id() AND revoked_at IS NULL;
END;

-- When the acting user's feed was made, if they have one.
CREATE FUNCTION calendar_feed_since() RETURNS timestamptz
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
RETURN (
    SELECT f.created_at FROM calendar_feed AS f
    WHERE f.user_id = hms_current_user_id() AND f.revoked_at IS NULL
);

-- The feed itself, for the token alone (the calendar program has no
-- session): the owner's appointments from a month back to half a year ahead,
-- with type, unit, room and times only. The feed leaves the hospital's
-- systems, so it names no patient. Every fetch is written to the audit log.
CREATE FUNCTION calendar_feed_events(p_token text)
RETURNS TABLE (
    appointment_id bigint, starts_at timestamptz, ends_at timestamptz, status appointment_status,
    mode appointment_mode, type_name text, unit_name text, room_name text
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_feed calendar_feed;
    v_role user_role;
BEGIN
    SELECT f.* INTO v_feed FROM calendar_feed AS f JOIN app_user AS u ON u.id = f.user_id
    WHERE f.token_hash = sha256(convert_to(coalesce(p_token, ''), 'UTF8')) AND f.revoked_at IS NULL AND u.is_active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such calendar feed.' USING ERRCODE = 'HM097', CONSTRAINT = 'calendar_feed_unknown';
    END IF;
    SELECT role INTO v_role FROM app_user WHERE id = v_feed.user_id;
    INSERT INTO audit_log (user_id, user_role, action, object_type, object_id, detail)
    VALUES (v_feed.user_id, v_role, 'calendar.feed', 'calendar_feed', v_feed.id, 'fetched with the feed''s token');
    RETURN QUERY
    SELECT a.id, lower(a.during), upper(a.during), a.status, a.mode, t.name, u.name, r.name
    FROM appointment AS a
    JOIN appointment_type AS t ON t.id = a.type_id
    JOIN care_unit AS u ON u.id = a.care_unit_id
    LEFT JOIN clinic_room AS r ON r.id = a.room_id
    WHERE a.clinician_id = v_feed.user_id AND a.status IN ('booked', 'arrived')
        AND lower(a.during) >= now() - interval '30 days' AND lower(a.during) < now() + interval '180 days'
    ORDER BY lower(a.during);
END
$$;

-- ---------------------------------------------------------------------------
-- Who reaches appointments: the appointments area of the access decision.
-- The patient; a relative whose grant has the appointments scope (or the
-- whole record); reception and administrators by role; clinicians with the
-- patient in care, or with an appointment of the patient's in their unit
-- (per row: only that unit's), or under emergency access. Every branch of
-- the other areas is kept as it was (0020).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION hms_decide_basis(v_user bigint, v_role text, p_patient bigint, p_area text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
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

-- ---------------------------------------------------------------------------
-- Row-level security on every scheduling table.
-- ---------------------------------------------------------------------------

-- A clinician reads the appointments of their own units; everyone else (and
-- clinicians for the rest) through the appointments area.
ALTER TABLE appointment ENABLE ROW LEVEL SECURITY;
CREATE POLICY appointment_read ON appointment FOR SELECT TO hms_app
USING (
    care_unit_id IN (
        SELECT s.care_unit_id FROM staff_care_unit AS s
        WHERE s.user_id = (SELECT hms_current_user_id())
    )
    OR hms_access_basis(patient_id, 'appointments') IN ('own', 'proxy', 'role', 'care', 'emergency')
);

ALTER TABLE appointment_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY appointment_event_read ON appointment_event FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM appointment AS a
    WHERE a.id = appointment_event.appointment_id
));

ALTER TABLE waitlist_entry ENABLE ROW LEVEL SECURITY;
CREATE POLICY waitlist_entry_read ON waitlist_entry FOR SELECT TO hms_app
USING (
    care_unit_id IN (
        SELECT s.care_unit_id FROM staff_care_unit AS s
        WHERE s.user_id = (SELECT hms_current_user_id())
    )
    OR hms_access_basis(patient_id, 'appointments') IN ('own', 'proxy', 'role', 'care', 'emergency')
);

ALTER TABLE waitlist_offer ENABLE ROW LEVEL SECURITY;
CREATE POLICY waitlist_offer_read ON waitlist_offer FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM waitlist_entry AS w
    WHERE w.id = waitlist_offer.entry_id
));

-- The inbox is the patient's (and their relative's with the scope); reception
-- sees what was sent, to answer a call about it.
ALTER TABLE patient_notice ENABLE ROW LEVEL SECURITY;
CREATE POLICY patient_notice_read ON patient_notice FOR SELECT TO hms_app
USING (hms_access_basis(patient_id, 'appointments') IN ('own', 'proxy', 'role'));
CREATE POLICY patient_notice_mark_read ON patient_notice FOR UPDATE TO hms_app
USING (hms_access_basis(patient_id, 'appointments') IN ('own', 'proxy'))
WITH CHECK (hms_access_basis(patient_id, 'appointments') IN ('own', 'proxy'));

-- Mail and feed tokens are not the app's to read: the worker (a mail sender)
-- drains the outbox; the feed functions read the tokens.
ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY mail_outbox_sender ON mail_outbox FOR ALL TO hms_worker USING (true) WITH CHECK (true);
ALTER TABLE calendar_feed ENABLE ROW LEVEL SECURITY;

-- The set-up is read by every verified user and kept by administrators.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['appointment_type', 'clinic_room', 'working_hours', 'schedule_exception'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR SELECT TO hms_app USING ((SELECT hms_current_user_id()) IS NOT NULL)',
            t || '_read', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR INSERT TO hms_app WITH CHECK ((SELECT hms_current_role()) = ''administrator'')',
            t || '_insert', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR UPDATE TO hms_app USING ((SELECT hms_current_role()) = ''administrator'')',
            t || '_update', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR DELETE TO hms_app USING ((SELECT hms_current_role()) = ''administrator'')',
            t || '_delete', t);
    END LOOP;
END
$$;
-- Time away is staff's business: its note may say why (leave, illness).
ALTER POLICY schedule_exception_read ON schedule_exception
USING ((SELECT hms_current_role()) IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator'));
-- Time away names who entered it.
ALTER POLICY schedule_exception_insert ON schedule_exception
WITH CHECK ((SELECT hms_current_role()) = 'administrator' AND created_by = (SELECT hms_current_user_id()));

GRANT SELECT ON appointment, appointment_event, waitlist_entry, waitlist_offer, patient_notice TO hms_app;
GRANT UPDATE (read_at) ON patient_notice TO hms_app;
GRANT SELECT, INSERT ON appointment_type, clinic_room TO hms_app;
GRANT UPDATE (name, duration_minutes, mode, patient_bookable, is_active) ON appointment_type TO hms_app;
GRANT UPDATE (name, is_active) ON clinic_room TO hms_app;
GRANT SELECT, INSERT, DELETE ON working_hours TO hms_app;
GRANT SELECT, INSERT (clinician_id, kind, during, note, created_by), DELETE ON schedule_exception TO hms_app;
GRANT SELECT, UPDATE (status, attempts, sent_at, last_error) ON mail_outbox TO hms_worker;

REVOKE EXECUTE ON FUNCTION
hms_private.within_hours, hms_private.clinician_of, hms_private.works_in, hms_private.appointment_notify,
hms_private.appointment_log, hms_private.waitlist_offer_slot, hms_private.waitlist_offer_end,
hms_private.acting_user, hms_private.check_may_book, hms_private.check_time, hms_private.raise_taken,
hms_private.appointment_for_change, hms_private.check_in,
appointment_book, appointment_move, appointment_cancel, appointment_check_in, appointment_walk_in,
appointment_no_show, waitlist_join, waitlist_leave, waitlist_offer_answer, appointment_free_slots,
appointment_reminders_send, waitlist_offers_expire, calendar_feed_issue, calendar_feed_revoke,
calendar_feed_since, calendar_feed_events
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
appointment_book, appointment_move, appointment_cancel, appointment_check_in, appointment_walk_in,
appointment_no_show, waitlist_join, waitlist_leave, waitlist_offer_answer, appointment_free_slots,
calendar_feed_issue, calendar_feed_revoke, calendar_feed_since, calendar_feed_events
TO hms_app;
-- The range type's constructor, which the working hours' exclusion constraint
-- calls with the writer's rights.
GRANT EXECUTE ON FUNCTION timerange(time, time) TO hms_app;
GRANT EXECUTE ON FUNCTION appointment_reminders_send, waitlist_offers_expire TO hms_worker;
