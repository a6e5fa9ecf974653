"""Scoped reads of care requests: row-level security shows each reader the
requests they may see (the patient side by the kind's access area, staff by
routing), and each read writes its audit row in the same transaction.

The header counts of open requests are not here: one notification query
across the modules will give them."""

from typing import Any

from hms.access.policy import Access, patient_access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.db.queries import load
from hms.journal import read as journal_read
from hms.medication import read as medication_read
from hms.patients import read as patient_read
from hms.portal import read as portal_read
from hms.requests import policy

q = load("requests")

LIST_LIMIT = 200
QUEUE_LIMIT = 200
NOTE_LIMIT = 100


def _refused(request_id: int, action: str) -> dict[str, Any]:
    return {
        "patient_id": None,
        "action": action,
        "detail": f"care request {request_id}: not found or not routed",
    }


# The portal ---------------------------------------------------------------------


def portal_patients(ctx: RequestContext) -> list[dict[str, Any]]:
    """The patients a portal user files for: themself, and whoever has a grant
    in force to them (what each grant covers is the database's to decide)."""
    found: list[dict[str, Any]] = []
    own = patient_read.own_patient_id(ctx)
    if own is not None:
        me = patient_read.access_patient(ctx, patient_id=own, action="request.list", audit=False)
        found.append({"patient_id": own, "given_name": me["given_name"], "family_name": me["family_name"]})
    found += portal_read.granted_patients(ctx)
    return found


def portal_patient(ctx: RequestContext, patient_id: int | None) -> dict[str, Any]:
    """The patient the portal page is about (the first when none is named); 404 if not theirs."""
    for row in portal_patients(ctx):
        if patient_id is None or row["patient_id"] == patient_id:
            return row
    raise NotFound(
        audit=None
        if patient_id is None
        else {"patient_id": patient_id, "action": "request.list", "detail": "not the user's patient"}
    )


def patient_requests(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    """The patient's requests the reader may see, newest first (audited)."""
    rows: list[dict[str, Any]] = q.requests_for_patient(ctx.conn, patient_id=patient_id, limit=LIST_LIMIT)
    audit_patient(
        ctx, patient_id=patient_id, action="request.list", object_type="patient", object_id=patient_id
    )
    return rows


def _access(ctx: RequestContext, patient_id: int, area: str) -> Access | None:
    """The reader's access to an area of the patient, or None (the form then offers nothing of it)."""
    try:
        return patient_access(ctx, patient_id=patient_id, area=area, action="request.form")
    except (NotFound, Refused):
        return None


def form_choices(ctx: RequestContext, *, patient_id: int, kind: str | None) -> dict[str, Any]:
    """What the request form offers for the patient: the care units in contact
    with them, the current prescriptions and the signed notes the reader
    sees. Offering is not permitting: the database decides when it is filed."""
    # A question and a certificate are asked under the messages area, a
    # booking under appointments: a relative may hold one scope, not the other.
    units: dict[int, dict[str, Any]] = {}
    for asked in (kind if kind in ("question", "booking", "certificate") else "question", "booking"):
        units |= {u["id"]: u for u in q.request_units(ctx.conn, patient_id=patient_id, kind=asked)}
    prescriptions: list[dict[str, Any]] = []
    if _access(ctx, patient_id, "medication") is not None:
        prescriptions = [
            r
            for r in medication_read.current_medication(ctx, patient_id=patient_id)
            if r["status"] in ("active", "paused")
        ]
    notes: list[dict[str, Any]] = []
    access = _access(ctx, patient_id, "clinical")
    if access is not None:
        notes = [
            n
            for n in journal_read.signed_notes_for(ctx, access=access, limit=NOTE_LIMIT)
            if not n["in_error"]
        ]
    audit_patient(
        ctx, patient_id=patient_id, action="request.form", object_type="patient", object_id=patient_id
    )
    return {"units": list(units.values()), "prescriptions": prescriptions, "notes": notes}


def access_request(ctx: RequestContext, *, request_id: int, action: str = "request.read") -> dict[str, Any]:
    """One request the reader may see (its patient side, or staff it is routed
    to); 404 otherwise, and the refusal is audited."""
    row: dict[str, Any] | None = q.request_get(ctx.conn, request_id=request_id)
    if row is None:
        raise NotFound(audit=_refused(request_id, action))
    audit_patient(
        ctx, patient_id=row["patient_id"], action=action, object_type="care_request", object_id=request_id
    )
    return row


def amended_note(ctx: RequestContext, *, request: dict[str, Any]) -> dict[str, Any] | None:
    """For an approved correction: the note as it reads now (its amended
    version), when the reader sees the patient's record."""
    if request["amended_version_id"] is None:
        return None
    access = _access(ctx, request["patient_id"], "clinical")
    if access is None:
        return None
    notes = journal_read.signed_notes_for(ctx, access=access, limit=NOTE_LIMIT)
    return next((n for n in notes if n["id"] == request["note_id"]), None)


# Staff ----------------------------------------------------------------------------


def queue(ctx: RequestContext) -> list[dict[str, Any]]:
    """The requests routed to the user still to be handled, oldest first (audited per patient)."""
    if not policy.can_handle(ctx.staff):
        raise Refused()
    units = [u["id"] for u in accounts_read.my_care_units(ctx)]
    kinds = [r["kind"] for r in q.request_kinds_for_role(ctx.conn, role=str(ctx.staff.role))]
    rows: list[dict[str, Any]] = q.request_queue(
        ctx.conn, user_id=ctx.staff.id, unit_ids=units, kinds=kinds, limit=QUEUE_LIMIT
    )
    audit_patients_listed(
        ctx,
        patient_ids=sorted({r["patient_id"] for r in rows}),
        action="request.queue",
        detail="care requests",
    )
    return rows


def prescription_of(ctx: RequestContext, *, request: dict[str, Any]) -> dict[str, Any] | None:
    """A renewal's prescription as the medication package shows it to the
    handler, or None when they do not reach the patient's medication now."""
    if request["prescription_id"] is None:
        return None
    try:
        return medication_read.access_prescription(
            ctx, patient_id=request["patient_id"], prescription_id=request["prescription_id"]
        )
    except (NotFound, Refused):
        return None


def note_of(ctx: RequestContext, *, request: dict[str, Any]) -> dict[str, Any] | None:
    """A correction's note as the journal shows it to the handler, or None
    when they do not reach the patient's record now."""
    if request["note_id"] is None:
        return None
    try:
        return journal_read.access_note(ctx, patient_id=request["patient_id"], note_id=request["note_id"])
    except (NotFound, Refused):
        return None
