"""Writes of care requests: file, take, answer, approve (a renewal through
the medication package, a correction through the journal's amendment),
refuse and withdraw. Each is one database function that checks who acts and
the step (migration 0026), run in a savepoint with its audit row."""

from typing import Any

from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.journal import service as journal_service
from hms.medication import service as medication_service
from hms.requests import policy, read
from hms.requests.forms import AmendForm, AnswerForm, ApproveRenewalForm, RefuseForm, RequestForm

q = load("requests")

NOT_REACHED = "You do not reach this patient's record now; open care for the patient first."


def _audit(ctx: RequestContext, request: dict[str, Any] | int, patient_id: int, action: str) -> None:
    request_id = request if isinstance(request, int) else request["id"]
    audit_patient(ctx, patient_id=patient_id, action=action, object_type="care_request", object_id=request_id)


def request_file(ctx: RequestContext, *, patient_id: int, data: RequestForm) -> int:
    """The patient side files a request; returns its id."""
    if not policy.is_portal_user(ctx.staff):
        raise Refused()
    with savepoint(ctx.conn):
        request_id = int(
            q.request_file(ctx.conn, patient_id=patient_id, kind=data.kind, body=data.body, **data.concerns())
        )
        _audit(ctx, request_id, patient_id, "request.file")
    return request_id


def request_withdraw(ctx: RequestContext, *, request: dict[str, Any]) -> None:
    with savepoint(ctx.conn):
        q.request_withdraw(ctx.conn, request_id=request["id"])
        _audit(ctx, request, request["patient_id"], "request.withdraw")


def request_take(ctx: RequestContext, *, request: dict[str, Any]) -> None:
    if not policy.can_handle(ctx.staff):
        raise Refused()
    with savepoint(ctx.conn):
        q.request_take(ctx.conn, request_id=request["id"])
        _audit(ctx, request, request["patient_id"], "request.take")


def _decide(
    ctx: RequestContext, request: dict[str, Any], outcome: str, answer: str | None, **made: int | None
) -> None:
    values = {"prescription_version_id": None, "amended_version_id": None, "appointment_id": None} | made
    q.request_decide(ctx.conn, request_id=request["id"], outcome=outcome, answer=answer, **values)
    _audit(ctx, request, request["patient_id"], f"request.{outcome}")


def request_answer(ctx: RequestContext, *, request: dict[str, Any], data: AnswerForm) -> None:
    """A question, booking or certificate answered (a booking's answer may name the appointment)."""
    if not policy.can_handle(ctx.staff):
        raise Refused()
    with savepoint(ctx.conn):
        _decide(ctx, request, "answered", data.answer, appointment_id=data.appointment_id)


def request_refuse(ctx: RequestContext, *, request: dict[str, Any], data: RefuseForm) -> None:
    if not policy.can_handle(ctx.staff):
        raise Refused()
    with savepoint(ctx.conn):
        _decide(ctx, request, "refused", data.reason)


def request_approve_renewal(
    ctx: RequestContext, *, request: dict[str, Any], data: ApproveRenewalForm
) -> None:
    """The prescriber renews the prescription (a 'renewed' version, written by
    the medication package) and the request names it, in one transaction."""
    prescription = read.prescription_of(ctx, request=request)
    if prescription is None:
        raise Invalid({"_form": NOT_REACHED})
    with savepoint(ctx.conn):
        medication_service.prescription_set_status(
            ctx,
            prescription=prescription,
            change="renewed",
            ends_at=data.ends_at,
            override_reason=data.override_reason,
        )
        renewed = read.prescription_of(ctx, request=request)
        version_id = None if renewed is None else renewed["version_id"]
        _decide(ctx, request, "approved", data.answer, prescription_version_id=version_id)


def request_amend(
    ctx: RequestContext, *, request: dict[str, Any], data: AmendForm, sections: list[tuple[str, str]]
) -> int:
    """The doctor corrects the note as asked: the journal's amendment (a new
    version pointing at the one the patient read, with the request as its
    reason), signed, and the request names it; returns the amended version."""
    note = read.note_of(ctx, request=request)
    if note is None:
        raise Invalid({"_form": NOT_REACHED})
    reason = f"Correction asked for by the patient (request {request['id']})"
    with savepoint(ctx.conn):
        version_id = journal_service.note_amend(
            ctx,
            patient_id=request["patient_id"],
            note_id=request["note_id"],
            care_unit_id=request["care_unit_id"],
            reason=reason,
        )
        journal_service.note_draft_update(
            ctx,
            patient_id=request["patient_id"],
            note_id=request["note_id"],
            version_id=version_id,
            sections=sections,
            sign=True,
        )
        _decide(ctx, request, "approved", data.answer, amended_version_id=version_id)
    return version_id
