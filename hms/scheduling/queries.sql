-- name: types_all
-- Every appointment type with its unit's name (set-up, booking forms).
SELECT
    t.id,
    t.care_unit_id,
    u.name AS unit_name,
    u.kind AS unit_kind,
    t.name,
    t.duration_minutes,
    t.mode,
    t.patient_bookable,
    t.is_active
FROM appointment_type AS t
INNER JOIN care_unit AS u ON t.care_unit_id = u.id
ORDER BY u.name, t.name;

-- name: type_add^
-- An administrator adds an appointment type.
INSERT INTO appointment_type (care_unit_id, name, duration_minutes, mode, patient_bookable)
VALUES (:care_unit_id, :name, :duration_minutes, :mode, :patient_bookable)
RETURNING id;

-- name: type_set_active!
-- An administrator takes a type out of use (or back).
UPDATE appointment_type SET is_active = :active
WHERE id = :type_id;

-- name: rooms_all
-- Every room with its unit's name.
SELECT
    r.id,
    r.care_unit_id,
    u.name AS unit_name,
    r.name,
    r.is_active
FROM clinic_room AS r
INNER JOIN care_unit AS u ON r.care_unit_id = u.id
ORDER BY u.name, r.name;

-- name: room_add^
-- An administrator adds a room to a unit.
INSERT INTO clinic_room (care_unit_id, name)
VALUES (:care_unit_id, :name)
RETURNING id;

-- name: hours_all
-- Every clinician's weekly hours, by unit, clinician and weekday.
SELECT
    h.id,
    h.clinician_id,
    c.full_name AS clinician_name,
    h.care_unit_id,
    u.name AS unit_name,
    h.weekday,
    h.starts_at,
    h.ends_at
FROM working_hours AS h
INNER JOIN app_user AS c ON h.clinician_id = c.id
INNER JOIN care_unit AS u ON h.care_unit_id = u.id
ORDER BY u.name, c.full_name, h.weekday, h.starts_at;

-- name: hours_add^
-- An administrator gives a clinician hours on a weekday.
INSERT INTO working_hours (clinician_id, care_unit_id, weekday, starts_at, ends_at)
VALUES (:clinician_id, :care_unit_id, :weekday, :starts_at, :ends_at)
RETURNING id;

-- name: hours_delete!
-- An administrator removes one period of hours.
DELETE FROM working_hours
WHERE id = :hours_id;

-- name: exceptions_upcoming
-- Time away that has not yet ended, soonest first.
SELECT
    x.id,
    x.clinician_id,
    c.full_name AS clinician_name,
    x.kind,
    lower(x.during) AS starts_at,
    upper(x.during) AS ends_at,
    x.note
FROM schedule_exception AS x
INNER JOIN app_user AS c ON x.clinician_id = c.id
WHERE upper(x.during) > now()
ORDER BY lower(x.during);

-- name: exception_add^
-- An administrator records time away (leave, a course).
INSERT INTO schedule_exception (clinician_id, kind, during, note, created_by)
VALUES (:clinician_id, :kind, tstzrange(:starts_at, :ends_at), :note, :by)
RETURNING id;

-- name: exception_delete!
-- An administrator removes time away.
DELETE FROM schedule_exception
WHERE id = :exception_id;

-- name: unit_clinicians
-- The doctors and nurses of the units (who can be booked), by name.
SELECT
    u.id,
    u.full_name,
    u.role,
    s.care_unit_id
FROM staff_care_unit AS s
INNER JOIN app_user AS u ON s.user_id = u.id
WHERE u.role IN ('doctor', 'nurse') AND u.is_active
ORDER BY u.full_name;

-- name: free_slots
-- The next free times of a type, of one clinician or any (appointment_free_slots).
SELECT
    s.clinician_id,
    c.full_name AS clinician_name,
    s.starts_at,
    s.ends_at
FROM appointment_free_slots(:type_id, :from_at, :to_at, :clinician_id, :limit) AS s
INNER JOIN app_user AS c ON s.clinician_id = c.id
ORDER BY s.starts_at, c.full_name;

-- name: appointment_book$
-- Book a time (the database checks who, when and that it is free).
SELECT appointment_book(:patient_id, :type_id, :clinician_id, :starts_at, :room_id) AS id;

-- name: appointment_move!
-- Move a booked appointment to another time, clinician or room.
SELECT appointment_move(:appointment_id, :starts_at, :clinician_id, :room_id);

-- name: appointment_cancel!
-- Cancel a booked appointment with a reason.
SELECT appointment_cancel(:appointment_id, :reason);

-- name: appointment_check_in$
-- The patient has arrived: the encounter opens in the appointment's unit.
SELECT appointment_check_in(:appointment_id) AS encounter_id;

-- name: appointment_walk_in$
-- A walk-in at the emergency department, registered and checked in at once.
SELECT appointment_walk_in(:patient_id, :type_id, :clinician_id) AS id;

-- name: appointment_no_show!
-- The patient did not come.
SELECT appointment_no_show(:appointment_id);

-- name: waitlist_join$
-- Put a patient on the waitlist of a type.
SELECT waitlist_join(:patient_id, :type_id, :clinician_id) AS id;

-- name: waitlist_leave!
-- Take a patient off the waitlist.
SELECT waitlist_leave(:entry_id);

-- name: waitlist_offer_answer$
-- Accept or decline a time offered from the waitlist.
SELECT waitlist_offer_answer(:offer_id, :accept) AS appointment_id;

-- name: appointment_get^
-- One appointment as the reader may see it (row-level security), with names.
SELECT
    a.id,
    a.patient_id,
    p.given_name,
    p.family_name,
    p.personal_number,
    a.type_id,
    t.name AS type_name,
    t.patient_bookable,
    a.care_unit_id,
    u.name AS unit_name,
    a.clinician_id,
    c.full_name AS clinician_name,
    a.room_id,
    r.name AS room_name,
    lower(a.during) AS starts_at,
    upper(a.during) AS ends_at,
    a.mode,
    a.status,
    a.walk_in,
    a.cancel_reason,
    a.arrived_at,
    a.encounter_id
FROM appointment AS a
INNER JOIN patient AS p ON a.patient_id = p.id
INNER JOIN appointment_type AS t ON a.type_id = t.id
INNER JOIN care_unit AS u ON a.care_unit_id = u.id
LEFT JOIN app_user AS c ON a.clinician_id = c.id
LEFT JOIN clinic_room AS r ON a.room_id = r.id
WHERE a.id = :appointment_id;

-- name: appointment_events
-- An appointment's history, oldest first, with who did each step.
SELECT
    e.id,
    e.kind,
    lower(e.during) AS starts_at,
    e.at,
    e.detail,
    u.full_name AS by_name
FROM appointment_event AS e
LEFT JOIN app_user AS u ON e.by_user = u.id
WHERE e.appointment_id = :appointment_id
ORDER BY e.at, e.id;

-- name: appointments_for_patient
-- A patient's appointments, newest first (row-level security decides which).
SELECT
    a.id,
    a.patient_id,
    t.name AS type_name,
    t.patient_bookable,
    u.name AS unit_name,
    c.full_name AS clinician_name,
    r.name AS room_name,
    lower(a.during) AS starts_at,
    upper(a.during) AS ends_at,
    a.mode,
    a.status,
    a.cancel_reason
FROM appointment AS a
INNER JOIN appointment_type AS t ON a.type_id = t.id
INNER JOIN care_unit AS u ON a.care_unit_id = u.id
LEFT JOIN app_user AS c ON a.clinician_id = c.id
LEFT JOIN clinic_room AS r ON a.room_id = r.id
WHERE a.patient_id = :patient_id AND a.status <> 'offered'
ORDER BY lower(a.during) DESC
LIMIT :limit;

-- name: calendar
-- The appointments of a unit (or of one clinician) between two instants,
-- cancelled ones left out, with the patient's name for the desk.
SELECT
    a.id,
    a.patient_id,
    p.given_name,
    p.family_name,
    p.personal_number,
    t.name AS type_name,
    a.care_unit_id,
    a.clinician_id,
    c.full_name AS clinician_name,
    r.name AS room_name,
    lower(a.during) AS starts_at,
    upper(a.during) AS ends_at,
    a.mode,
    a.status,
    a.walk_in
FROM appointment AS a
INNER JOIN patient AS p ON a.patient_id = p.id
INNER JOIN appointment_type AS t ON a.type_id = t.id
LEFT JOIN app_user AS c ON a.clinician_id = c.id
LEFT JOIN clinic_room AS r ON a.room_id = r.id
WHERE
    (cast(:care_unit_id AS bigint) IS NULL OR a.care_unit_id = :care_unit_id)
    AND (cast(:clinician_id AS bigint) IS NULL OR a.clinician_id = :clinician_id)
    AND lower(a.during) >= :from_at AND lower(a.during) < :to_at
    AND a.status <> 'cancelled'
ORDER BY lower(a.during), c.full_name
LIMIT :limit;

-- name: waitlist_for_patient
-- A patient's places on the waitlist and any time offered to them now.
SELECT
    w.id,
    w.patient_id,
    w.type_id,
    t.name AS type_name,
    u.name AS unit_name,
    c.full_name AS clinician_name,
    w.status,
    w.created_at,
    o.id AS offer_id,
    o.expires_at,
    lower(a.during) AS offered_start,
    oc.full_name AS offered_clinician
FROM waitlist_entry AS w
INNER JOIN appointment_type AS t ON w.type_id = t.id
INNER JOIN care_unit AS u ON w.care_unit_id = u.id
LEFT JOIN app_user AS c ON w.clinician_id = c.id
LEFT JOIN waitlist_offer AS o ON w.id = o.entry_id AND o.outcome IS NULL AND o.expires_at > now()
LEFT JOIN appointment AS a ON o.appointment_id = a.id
LEFT JOIN app_user AS oc ON a.clinician_id = oc.id
WHERE w.patient_id = :patient_id AND w.status IN ('waiting', 'offered')
ORDER BY w.created_at;

-- name: notices_for_patient
-- The portal's inbox of a patient, newest first.
SELECT
    n.id,
    n.patient_id,
    n.appointment_id,
    n.kind,
    n.about_start,
    n.type_name,
    n.unit_name,
    n.created_at,
    n.read_at
FROM patient_notice AS n
WHERE n.patient_id = :patient_id
ORDER BY n.created_at DESC, n.id DESC
LIMIT :limit;

-- name: notices_mark_read!
-- The patient (or their relative) has read their inbox.
UPDATE patient_notice SET read_at = now()
WHERE patient_id = :patient_id AND read_at IS NULL;

-- name: calendar_feed_issue$
-- A new private feed address for the acting member of staff (the old one stops).
SELECT calendar_feed_issue() AS token;

-- name: calendar_feed_revoke!
-- Stop the acting member of staff's feed.
SELECT calendar_feed_revoke();

-- name: calendar_feed_since$
-- When the acting user's feed was made, if they have one.
SELECT calendar_feed_since() AS since;

-- name: calendar_feed_events
-- The feed's appointments for a token: times, type, unit and room, no patient.
SELECT
    f.appointment_id,
    f.starts_at,
    f.ends_at,
    f.status,
    f.mode,
    f.type_name,
    f.unit_name,
    f.room_name
FROM calendar_feed_events(:token) AS f;
