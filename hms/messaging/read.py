"""Scoped reads of messaging. Threads are patient data: the patient side
reaches them through the messages area of the access decision, the unit's
doctors and nurses through membership of the thread's unit (row-level
security, migration 0025). Each read returns what the database shows the
user and writes its audit row; a thread or file the user may not see is a
404, and the refusal is audited."""

from collections import defaultdict
from typing import Any

from hms.access.policy import patient_access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import NotFound
from hms.db.queries import load
from hms.messaging.forms import STATUSES, InboxFilter
from hms.patients import read as patient_read
from hms.portal import read as portal_read
from hms.scheduling import read as scheduling_read

q = load("messaging")

LIST_LIMIT = 200
INBOX_LIMIT = 300
OPEN_STATUSES = ("new", "assigned", "answered")


# The portal ------------------------------------------------------------------------


def portal_patients(ctx: RequestContext) -> list[dict[str, Any]]:
    """The patients a portal user writes for: themself, and whoever granted them
    the messages scope (a grant in force; the record scope does not include it)."""
    found: list[dict[str, Any]] = []
    own = patient_read.own_patient_id(ctx)
    if own is not None:
        me = patient_read.access_patient(ctx, patient_id=own, action="message.list", audit=False)
        found.append({"patient_id": own, "given_name": me["given_name"], "family_name": me["family_name"]})
    for row in portal_read.granted_patients(ctx):
        if "messages" in row["scopes"]:
            found.append(row)
    return found


def portal_patient(ctx: RequestContext, patient_id: int | None) -> dict[str, Any]:
    """The patient the portal page is about (the first when none is named); 404 if not theirs."""
    for row in portal_patients(ctx):
        if patient_id is None or row["patient_id"] == patient_id:
            return row
    raise NotFound(
        audit=None
        if patient_id is None
        else {"patient_id": patient_id, "action": "message.list", "detail": "no access to messages"}
    )


def patient_threads(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    """A patient's threads with their receipts, for the patient side."""
    access = patient_access(ctx, patient_id=patient_id, area="messages", action="message.list")
    rows: list[dict[str, Any]] = q.threads_for_patient(ctx.conn, patient_id=patient_id, limit=LIST_LIMIT)
    audit_patient(
        ctx, patient_id=patient_id, action="message.list", object_type="message_thread", detail=access.reason
    )
    return rows


def units_for_patient(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    """The care units the patient side may write to (those that have seen the patient)."""
    access = patient_access(ctx, patient_id=patient_id, area="messages", action="message.read_units")
    rows: list[dict[str, Any]] = q.units_for_patient(ctx.conn, patient_id=patient_id)
    audit_patient(ctx, patient_id=patient_id, action="message.read_units", detail=access.reason)
    return rows


# Threads -------------------------------------------------------------------------------


def access_thread(ctx: RequestContext, *, thread_id: int, action: str = "message.read") -> dict[str, Any]:
    """One thread the user may see, with its messages and their attachments; 404 otherwise."""
    thread: dict[str, Any] | None = q.thread_get(ctx.conn, thread_id=thread_id)
    if thread is None:
        raise NotFound(audit={"patient_id": None, "action": action, "detail": f"message thread {thread_id}"})
    files: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in q.thread_attachments(ctx.conn, thread_id=thread_id):
        files[row["message_id"]].append(row)
    thread["messages"] = [
        {**m, "attachments": files.get(m["id"], [])} for m in q.thread_messages(ctx.conn, thread_id=thread_id)
    ]
    audit_patient(
        ctx, patient_id=thread["patient_id"], action=action, object_type="message_thread", object_id=thread_id
    )
    return thread


def access_attachment(ctx: RequestContext, *, attachment_id: int) -> dict[str, Any]:
    """One attachment with its content, if the user may see its thread; 404 otherwise."""
    row: dict[str, Any] | None = q.attachment_get(ctx.conn, attachment_id=attachment_id)
    if row is None:
        detail = f"attachment {attachment_id}"
        raise NotFound(audit={"patient_id": None, "action": "message.read_attachment", "detail": detail})
    audit_patient(
        ctx,
        patient_id=row["patient_id"],
        action="message.read_attachment",
        object_type="message_attachment",
        object_id=attachment_id,
    )
    return row


def message_for_filing(ctx: RequestContext, *, message_id: int) -> dict[str, Any]:
    """One message of a thread the user may see (to file it in the journal)."""
    row: dict[str, Any] | None = q.message_get(ctx.conn, message_id=message_id)
    if row is None:
        detail = f"message {message_id}"
        raise NotFound(audit={"patient_id": None, "action": "message.file", "detail": detail})
    return row


# The unit's inbox --------------------------------------------------------------------------


def my_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return accounts_read.my_care_units(ctx)


def colleagues(ctx: RequestContext, *, care_unit_id: int) -> list[dict[str, Any]]:
    """The doctors and nurses of a unit, who may be given a thread."""
    return scheduling_read.clinicians(ctx, care_unit_id=care_unit_id)


def inbox(ctx: RequestContext, *, filters: InboxFilter) -> list[dict[str, Any]]:
    """The threads of the user's units (one unit, or all), by status; audited as a list."""
    units = [u["id"] for u in my_units(ctx)]
    if filters.care_unit_id is not None:
        units = [u for u in units if u == filters.care_unit_id]
    if filters.status == "open":
        statuses: tuple[str, ...] = OPEN_STATUSES
    elif filters.status == "all":
        statuses = STATUSES
    else:
        statuses = (filters.status,)
    rows: list[dict[str, Any]] = q.inbox(
        ctx.conn,
        unit_ids=units,
        statuses=list(statuses),
        assigned_to=ctx.staff.id if filters.mine else None,
        limit=INBOX_LIMIT,
    )
    patients = sorted({r["patient_id"] for r in rows})
    audit_patients_listed(ctx, patient_ids=patients, action="message.read_inbox")
    return rows
