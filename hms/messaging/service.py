"""Writes of messaging. Starting, writing, assigning, marking read, closing
and filing are each one call of a database function that checks who acts
and every rule (migration 0025); each runs in a savepoint with its audit
row. Filing a message into the journal writes and signs a note through the
journal's own service, then records the filing."""

from typing import Any

from hms.access.policy import patient_access
from hms.audit.service import audit_patient
from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound, Refused
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.journal import service as journal_service
from hms.journal.forms import NoteForm
from hms.messaging import read
from hms.messaging.forms import AssignForm, ReplyForm, StartForm, Upload, check_uploads

q = load("messaging")

NOT_IN_CARE = "A message is filed in the journal of a patient in your care."
ONLY_PATIENT_SIDE = "Only the patient's messages are filed in the journal."
# The journal's heading (sökord) for a filed message, by who wrote it.
FILED_HEADINGS = {"patient": "Meddelande från patient", "relative": "Meddelande från närstående"}


def _audit(ctx: RequestContext, patient_id: int, action: str, object_type: str, object_id: int) -> None:
    audit_patient(ctx, patient_id=patient_id, action=action, object_type=object_type, object_id=object_id)


def _files(uploads: list[Upload]) -> dict[str, Any]:
    checked = check_uploads(uploads)
    return {"names": [u.filename for u in checked], "contents": [u.content for u in checked]}


def thread_start(ctx: RequestContext, *, patient_id: int, data: StartForm, uploads: list[Upload]) -> int:
    """A new thread to a care unit that has seen the patient, with its first message."""
    files = _files(uploads)
    with savepoint(ctx.conn):
        thread_id: int = q.thread_start(
            ctx.conn,
            patient_id=patient_id,
            care_unit_id=data.care_unit_id,
            subject=data.subject,
            body=data.body,
            **files,
        )
        _audit(ctx, patient_id, "message.start", "message_thread", thread_id)
    return thread_id


def message_reply(
    ctx: RequestContext, *, thread: dict[str, Any], data: ReplyForm, uploads: list[Upload]
) -> int:
    """A message in a thread, on the user's side (the database takes the side from who acts)."""
    files = _files(uploads)
    with savepoint(ctx.conn):
        message_id: int = q.message_post(ctx.conn, thread_id=thread["id"], body=data.body, **files)
        _audit(ctx, thread["patient_id"], "message.post", "thread_message", message_id)
    return message_id


def thread_mark_read(ctx: RequestContext, *, thread: dict[str, Any]) -> None:
    """Opening a thread marks it read by the side that opened it."""
    with savepoint(ctx.conn):
        q.thread_mark_read(ctx.conn, thread_id=thread["id"])
        _audit(ctx, thread["patient_id"], "message.mark_read", "message_thread", thread["id"])


def thread_assign(ctx: RequestContext, *, thread: dict[str, Any], data: AssignForm) -> None:
    with savepoint(ctx.conn):
        q.thread_assign(ctx.conn, thread_id=thread["id"], assignee_id=data.assignee_id)
        _audit(ctx, thread["patient_id"], "message.assign", "message_thread", thread["id"])


def thread_close(ctx: RequestContext, *, thread: dict[str, Any]) -> None:
    with savepoint(ctx.conn):
        q.thread_close(ctx.conn, thread_id=thread["id"])
        _audit(ctx, thread["patient_id"], "message.close", "message_thread", thread["id"])


def _filed_text(message: dict[str, Any]) -> str:
    posted = message["posted_at"].astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    return (
        f"{message['body']}\n\n"
        f"Ärende: {message['subject']}. Skickat {posted} av {message['author_name']} "
        f"via meddelandetjänsten (meddelande {message['id']})."
    )


def message_file(ctx: RequestContext, *, message_id: int) -> int:
    """File a patient's message into the journal as a signed note of the
    thread's unit, by the clinician filing it; returns the note's id."""
    message = read.message_for_filing(ctx, message_id=message_id)
    if message["side"] != "patient":
        raise Invalid({"_form": ONLY_PATIENT_SIDE})
    try:
        patient_access(ctx, patient_id=message["patient_id"], area="clinical", action="message.file")
    except (NotFound, Refused):
        raise Invalid({"_form": NOT_IN_CARE}) from None
    heading = FILED_HEADINGS.get(message["author_role"], FILED_HEADINGS["patient"])
    with savepoint(ctx.conn):
        note_id, _ = journal_service.note_create(
            ctx,
            patient_id=message["patient_id"],
            data=NoteForm(kind="phone", care_unit_id=message["care_unit_id"]),
            sections=[(heading, _filed_text(message))],
            sign=True,
        )
        q.message_file(ctx.conn, message_id=message_id, note_id=note_id)
        _audit(ctx, message["patient_id"], "message.file", "thread_message", message_id)
    return note_id
