"""Reads of access control: whether protected contact details show, and the
emergency accesses waiting for review. Reviewing is itself an access to
patient data: the queue records one ``audit.review`` row per patient shown."""

from typing import Any

from hms.access import policy
from hms.audit.service import audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import Refused
from hms.db.queries import load

q = load("access")

QUEUE_SIZE = 200


def contact_visible(ctx: RequestContext, *, patient_id: int) -> bool:
    """Skyddade personuppgifter: whether this user may see a protected
    patient's address and phone (the database's hms_contact_visible)."""
    return bool(q.contact_visible(ctx.conn, patient_id=patient_id))


def preferred_care_unit(ctx: RequestContext, *, patient_id: int) -> int | None:
    """The care unit a form about this patient preselects: of the user's
    units, the one that has the patient in care, else the only one, else
    none (the user chooses). One statement."""
    unit = q.care_unit_in_care(ctx.conn, patient_id=patient_id, user_id=ctx.staff.id)
    return int(unit) if unit is not None else None


def emergency_queue(ctx: RequestContext) -> list[dict[str, Any]]:
    """Emergency accesses, unreviewed first, each with what was done under it."""
    if not policy.can_review_emergency_access(ctx.staff):
        raise Refused()
    accesses: list[dict[str, Any]] = q.emergency_queue(ctx.conn, limit=QUEUE_SIZE)
    actions = q.emergency_actions(ctx.conn, access_ids=[a["id"] for a in accesses])
    by_access: dict[int, list[dict[str, Any]]] = {}
    for row in actions:
        by_access.setdefault(row["access_id"], []).append(row)
    for access in accesses:
        access["actions"] = by_access.get(access["id"], [])
    ids = list(dict.fromkeys(a["patient_id"] for a in accesses if a["patient_id"] is not None))
    audit_patients_listed(ctx, patient_ids=ids, action="audit.review", detail="emergency access review")
    return accesses
