-- name: threads_for_patient
-- A patient's threads, newest first, with the unit's name and the receipts
-- the portal shows (read by the unit, answered, unread answers).
SELECT
    t.id,
    t.care_unit_id,
    u.name AS unit_name,
    t.subject,
    t.status,
    t.started_at,
    t.last_message_at,
    t.unit_read_at,
    t.answered_at,
    t.patient_unread,
    t.closed_at
FROM message_thread AS t
INNER JOIN care_unit AS u ON t.care_unit_id = u.id
WHERE t.patient_id = :patient_id
ORDER BY t.last_message_at DESC, t.id DESC
LIMIT :limit;

-- name: inbox
-- The threads of the user's units (row-level security: doctors and nurses of
-- the thread's unit), by status, one unit or all, assigned to one person or
-- anyone; newest first.
SELECT
    t.id,
    t.patient_id,
    p.given_name,
    p.family_name,
    p.personal_number,
    t.care_unit_id,
    u.name AS unit_name,
    t.subject,
    t.status,
    t.started_at,
    t.last_message_at,
    t.unit_read_at,
    t.answered_at,
    t.assigned_to,
    a.full_name AS assigned_name
FROM message_thread AS t
INNER JOIN patient AS p ON t.patient_id = p.id
INNER JOIN care_unit AS u ON t.care_unit_id = u.id
LEFT JOIN app_user AS a ON t.assigned_to = a.id
WHERE
    t.care_unit_id = any(:unit_ids::bigint[])
    AND t.status = any(:statuses::message_thread_status[])
    AND (:assigned_to::bigint IS NULL OR t.assigned_to = :assigned_to)
ORDER BY t.last_message_at DESC, t.id DESC
LIMIT :limit;

-- name: thread_get^
-- One thread with its unit, patient, and who holds, read, answered and closed it.
SELECT
    t.id,
    t.patient_id,
    p.given_name,
    p.family_name,
    p.personal_number,
    t.care_unit_id,
    u.name AS unit_name,
    t.subject,
    t.status,
    t.started_at,
    t.last_message_at,
    t.assigned_to,
    t.assigned_at,
    a.full_name AS assigned_name,
    t.unit_read_at,
    t.answered_at,
    t.patient_read_at,
    t.patient_unread,
    t.closed_at,
    c.full_name AS closed_name
FROM message_thread AS t
INNER JOIN patient AS p ON t.patient_id = p.id
INNER JOIN care_unit AS u ON t.care_unit_id = u.id
LEFT JOIN app_user AS a ON t.assigned_to = a.id
LEFT JOIN app_user AS c ON t.closed_by = c.id
WHERE t.id = :thread_id;

-- name: thread_messages
-- A thread's messages in order, each with its author and, once filed, the note.
SELECT
    m.id,
    m.author_id,
    w.full_name AS author_name,
    w.role AS author_role,
    m.side,
    m.body,
    m.posted_at,
    f.note_id AS filed_note_id,
    f.filed_at
FROM thread_message AS m
INNER JOIN app_user AS w ON m.author_id = w.id
LEFT JOIN message_filing AS f ON m.id = f.message_id
WHERE m.thread_id = :thread_id
ORDER BY m.posted_at, m.id;

-- name: thread_attachments
-- The attachments of a thread's messages (not their content).
SELECT
    a.id,
    a.message_id,
    a.filename,
    a.content_type,
    a.byte_size,
    encode(a.sha256, 'hex') AS sha256
FROM message_attachment AS a
INNER JOIN thread_message AS m ON a.message_id = m.id
WHERE m.thread_id = :thread_id
ORDER BY a.id;

-- name: attachment_get^
-- One attachment with its content, for download.
SELECT
    a.id,
    a.patient_id,
    m.thread_id,
    a.filename,
    a.content_type,
    a.content,
    encode(a.sha256, 'hex') AS sha256
FROM message_attachment AS a
INNER JOIN thread_message AS m ON a.message_id = m.id
WHERE a.id = :attachment_id;

-- name: message_get^
-- One message with its thread and author, for filing it into the journal.
SELECT
    m.id,
    m.thread_id,
    m.patient_id,
    m.side,
    m.body,
    m.posted_at,
    w.full_name AS author_name,
    w.role AS author_role,
    t.subject,
    t.care_unit_id
FROM thread_message AS m
INNER JOIN message_thread AS t ON m.thread_id = t.id
INNER JOIN app_user AS w ON m.author_id = w.id
WHERE m.id = :message_id;

-- name: units_for_patient
-- The care units the patient side may write to (message_thread_units).
SELECT
    u.care_unit_id,
    u.name
FROM message_thread_units(:patient_id) AS u;

-- name: thread_start$
-- Start a thread with its first message and attachments; returns its id.
SELECT message_thread_start(
    :patient_id, :care_unit_id, :subject, :body, :names::text[], :contents::bytea[]
);

-- name: message_post$
-- Write in a thread; returns the message's id.
SELECT message_post(:thread_id, :body, :names::text[], :contents::bytea[]);

-- name: thread_assign!
-- Give a thread to a doctor or nurse of its unit.
SELECT message_thread_assign(:thread_id, :assignee_id);

-- name: thread_mark_read!
-- Mark a thread read by the side that opened it.
SELECT message_thread_mark_read(:thread_id);

-- name: thread_close!
-- Close a thread (read-only from then on).
SELECT message_thread_close(:thread_id);

-- name: message_file$
-- Record that a message was filed in the journal as a note; returns the filing's id.
SELECT message_file_to_journal(:message_id, :note_id);
