"""Writes of referrals: send, accept, reject, withdraw. Each is one database
function that takes who acts from the verified identity (0028) and writes
its audit row in the same transaction."""

from typing import Any

from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.referrals import policy, read
from hms.referrals.forms import ReferralForm, RejectForm, WithdrawForm

q = load("referrals")

NOT_MY_UNIT = "Choose one of your care units."
NOT_ANOTHER_UNIT = "Choose another care unit than the one you refer from."
NOT_A_UNIT = "Choose a care unit of the hospital to refer to."
NOT_HER_DIAGNOSIS = "Choose diagnoses from the patient's own list."
ALREADY_ANSWERED = "The referral is already answered."


def referral_send(
    ctx: RequestContext, *, patient_id: int, data: ReferralForm, diagnosis_ids: set[int]
) -> int:
    """A doctor refers a patient in their care (``diagnosis_ids``: those the
    form offered, the patient's own) to another unit; returns its id."""
    _check_choices(ctx, data, diagnosis_ids)
    with savepoint(ctx.conn):
        referral_id: int = q.referral_send(
            ctx.conn,
            patient_id=patient_id,
            from_unit_id=data.from_unit_id,
            to_unit_id=data.to_unit_id,
            urgency=data.urgency,
            question=data.question,
            diagnosis_ids=sorted(set(data.diagnosis_ids)),
        )
        _audit(ctx, patient_id, "referral.create", referral_id, f"to unit {data.to_unit_id}, {data.urgency}")
    return referral_id


def _check_choices(ctx: RequestContext, data: ReferralForm, diagnosis_ids: set[int]) -> None:
    errors = {}
    if data.from_unit_id not in read.my_unit_ids(ctx):
        errors["from_unit_id"] = NOT_MY_UNIT
    if data.to_unit_id not in {u["id"] for u in read.units_to_refer_to(ctx)}:
        errors["to_unit_id"] = NOT_A_UNIT
    elif data.to_unit_id == data.from_unit_id:
        errors["to_unit_id"] = NOT_ANOTHER_UNIT
    if not set(data.diagnosis_ids) <= diagnosis_ids:
        errors["diagnosis_ids"] = NOT_HER_DIAGNOSIS
    if errors:
        raise Invalid(errors)


def referral_accept(ctx: RequestContext, *, referral: dict[str, Any]) -> int:
    """A doctor of the receiving unit accepts: the patient is in the unit's
    care from now. Returns the care assignment's id."""
    _check(ctx, referral, "accepted")
    with savepoint(ctx.conn):
        care_id: int = q.referral_accept(ctx.conn, referral_id=referral["id"])
        _audit(ctx, referral["patient_id"], "referral.accept", referral["id"], f"care assignment {care_id}")
    return care_id


def referral_reject(ctx: RequestContext, *, referral: dict[str, Any], data: RejectForm) -> None:
    _check(ctx, referral, "rejected")
    with savepoint(ctx.conn):
        q.referral_reject(ctx.conn, referral_id=referral["id"], reason=data.reason)
        _audit(ctx, referral["patient_id"], "referral.reject", referral["id"])


def referral_withdraw(ctx: RequestContext, *, referral: dict[str, Any], data: WithdrawForm) -> None:
    _check(ctx, referral, "withdrawn")
    with savepoint(ctx.conn):
        q.referral_withdraw(ctx.conn, referral_id=referral["id"], reason=data.reason)
        _audit(ctx, referral["patient_id"], "referral.withdraw", referral["id"])


def _check(ctx: RequestContext, referral: dict[str, Any], to: str) -> None:
    units = read.my_unit_ids(ctx)
    receiver = policy.is_receiver(ctx.staff, referral, units)
    if not (receiver if to != "withdrawn" else policy.is_sender(ctx.staff, referral)):
        raise Refused()
    if not policy.may_transition(ctx.staff, referral, to, units):
        raise Invalid({"_form": ALREADY_ANSWERED})


def _audit(
    ctx: RequestContext, patient_id: int, action: str, referral_id: int, detail: str | None = None
) -> None:
    audit_patient(
        ctx,
        patient_id=patient_id,
        action=action,
        object_type="referral",
        object_id=referral_id,
        detail=detail,
    )
