"""Scoped reads of referrals: each checks the policy, returns only what the
user may see (row-level security: the sender and the doctors of the sending
and the receiving unit) and writes the audit row in the same transaction."""

from typing import Any

from hms.access import read as access_read
from hms.access.policy import patient_access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.db.queries import load
from hms.journal import read as journal_read
from hms.organization import read as organization_read
from hms.patients import read as patient_read
from hms.referrals import policy

q = load("referrals")

LIST_LIMIT = 200


def referral_patient(ctx: RequestContext, *, patient_id: int) -> dict[str, Any]:
    """The patient a doctor refers, with her diagnoses to choose from: only a
    patient within their clinical reach (403 with emergency access, or 404)."""
    if not policy.can_refer(ctx.staff):
        raise Refused()
    access = patient_access(ctx, patient_id=patient_id, area="clinical", action="referral.create")
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="referral.create", access=access)
    diagnoses = [
        d for d in journal_read.diagnoses_for(ctx, access=access) if d["entered_in_error_at"] is None
    ]
    return {"patient": patient, "diagnoses": diagnoses}


def my_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return accounts_read.my_care_units(ctx)


def preferred_care_unit(ctx: RequestContext, *, patient_id: int) -> int | None:
    """The care unit a form about the patient preselects (hms.access.read)."""
    return access_read.preferred_care_unit(ctx, patient_id=patient_id)


def units_to_refer_to(ctx: RequestContext) -> list[dict[str, Any]]:
    """The hospital's open care units."""
    return [u for u in organization_read.care_units_all(ctx) if u["is_active"]]


def urgency_targets(ctx: RequestContext) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.urgency_targets(ctx.conn)
    return rows


def referrals_mine(ctx: RequestContext) -> dict[str, list[dict[str, Any]]]:
    """Referrals to the user's units (waiting and decided) and those they sent."""
    if not policy.can_refer(ctx.staff):
        raise Refused()
    unit_ids = [u["id"] for u in my_units(ctx)]
    incoming: list[dict[str, Any]] = q.referrals_incoming(ctx.conn, unit_ids=unit_ids, limit=LIST_LIMIT)
    outgoing: list[dict[str, Any]] = q.referrals_outgoing(ctx.conn, user_id=ctx.staff.id, limit=LIST_LIMIT)
    audit_patients_listed(
        ctx,
        patient_ids=sorted({r["patient_id"] for r in incoming + outgoing}),
        action="referral.list",
    )
    return {
        "waiting": [r for r in incoming if r["status"] == "sent"],
        "decided": [r for r in incoming if r["status"] != "sent"],
        "outgoing": outgoing,
    }


def access_referral(ctx: RequestContext, *, referral_id: int) -> dict[str, Any]:
    """One referral with the diagnoses it names; 404 for anyone who may not read it."""
    if not policy.can_refer(ctx.staff):
        raise Refused()
    row: dict[str, Any] | None = q.referral_get(ctx.conn, referral_id=referral_id)
    if row is None:
        raise NotFound(
            audit={"patient_id": None, "action": "referral.read", "detail": f"referral {referral_id}"}
        )
    row["diagnoses"] = q.referral_diagnoses(ctx.conn, referral_id=referral_id)
    audit_patient(
        ctx,
        patient_id=row["patient_id"],
        action="referral.read",
        object_type="referral",
        object_id=referral_id,
    )
    return row


def my_unit_ids(ctx: RequestContext) -> set[int]:
    return {u["id"] for u in my_units(ctx)}
