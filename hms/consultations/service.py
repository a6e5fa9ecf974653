"""Writes of consultations: request, answer, close, withdraw. Each writes its
audit row in the same transaction; the status moves only along
policy.TRANSITIONS, which the database's functions hold too (0027)."""

from typing import Any

from hms.audit.service import audit_patient
from hms.consultations import policy, read
from hms.consultations.forms import AnswerForm, ConsultationForm, WithdrawForm
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.writes import savepoint
from hms.db.queries import load

q = load("consultations")

NOT_A_SPECIALIST = "Choose a specialist from the list."
NOT_MY_UNIT = "Choose one of your care units."
NO_LONGER_OPEN = "The consultation is no longer open."
NOT_ANSWERED = "Only an answered consultation can be closed."
NOT_WITHDRAWABLE = "Only a consultation not yet answered can be withdrawn."


def consultation_request(ctx: RequestContext, *, patient_id: int, data: ConsultationForm) -> int:
    """A doctor asks an external specialist about a patient they reach
    clinically (checked by the caller through read.request_patient, and again
    by row-level security), letting them read the chosen parts."""
    _check_choices(ctx, data)
    with savepoint(ctx.conn):
        row: dict[str, Any] = q.consultation_request(
            ctx.conn,
            patient_id=patient_id,
            care_unit_id=data.care_unit_id,
            by=ctx.staff.id,
            specialist_id=data.specialist_id,
            question=data.question,
            parts=list(data.parts),
        )
        detail = f"to user {data.specialist_id}; parts {', '.join(data.parts)}"
        _audit(ctx, patient_id, "consultation.create", row["id"], detail)
    consultation_id: int = row["id"]
    return consultation_id


def _check_choices(ctx: RequestContext, data: ConsultationForm) -> None:
    errors = {}
    if data.specialist_id not in {s["id"] for s in read.specialists(ctx)}:
        errors["specialist_id"] = NOT_A_SPECIALIST
    if data.care_unit_id not in {u["id"] for u in read.my_care_units(ctx)}:
        errors["care_unit_id"] = NOT_MY_UNIT
    if errors:
        raise Invalid(errors)


def consultation_answer(ctx: RequestContext, *, consultation: dict[str, Any], data: AnswerForm) -> int:
    """The specialist answers; the answer becomes a signed journal note in
    their name, and their access to the patient ends with it. Returns the
    note's id."""
    if not policy.is_specialist_of(ctx.staff, consultation):
        raise Refused()
    if not policy.can_answer(ctx.staff, consultation):
        raise Invalid({"_form": NO_LONGER_OPEN})
    with savepoint(ctx.conn):
        note_id: int = q.consultation_answer(ctx.conn, consultation_id=consultation["id"], answer=data.answer)
        _audit(ctx, consultation["patient_id"], "consultation.answer", consultation["id"], f"note {note_id}")
    return note_id


def consultation_close(ctx: RequestContext, *, consultation: dict[str, Any]) -> None:
    """The requesting doctor closes an answered consultation."""
    if not policy.is_requester_of(ctx.staff, consultation):
        raise Refused()
    if not policy.can_close(ctx.staff, consultation):
        raise Invalid({"_form": NOT_ANSWERED})
    with savepoint(ctx.conn):
        q.consultation_close(ctx.conn, consultation_id=consultation["id"])
        _audit(ctx, consultation["patient_id"], "consultation.close", consultation["id"])


def consultation_withdraw(ctx: RequestContext, *, consultation: dict[str, Any], data: WithdrawForm) -> None:
    """The requesting doctor withdraws a consultation not yet answered; the
    specialist's access ends at once."""
    if not policy.is_requester_of(ctx.staff, consultation):
        raise Refused()
    if not policy.can_withdraw(ctx.staff, consultation):
        raise Invalid({"_form": NOT_WITHDRAWABLE})
    with savepoint(ctx.conn):
        q.consultation_withdraw(ctx.conn, consultation_id=consultation["id"], reason=data.reason)
        _audit(ctx, consultation["patient_id"], "consultation.withdraw", consultation["id"])


def consultation_answer_seen(ctx: RequestContext, *, consultation: dict[str, Any]) -> None:
    """The requester has the answer in front of them: it is no longer new.
    (The page's read of the consultation is its audit row.)"""
    if policy.is_requester_of(ctx.staff, consultation) and consultation["answer_seen_at"] is None:
        with savepoint(ctx.conn):
            q.consultation_answer_seen(ctx.conn, consultation_id=consultation["id"])


def _audit(
    ctx: RequestContext, patient_id: int, action: str, consultation_id: int, detail: str | None = None
) -> None:
    audit_patient(
        ctx,
        patient_id=patient_id,
        action=action,
        object_type="consultation",
        object_id=consultation_id,
        detail=detail,
    )
