"""Writing the audit log. One small function per kind of event, always called
by the operation itself, inside its transaction: if the work rolls back, so
does its audit row, and no work commits without one."""

from hms.core.context import RequestContext
from hms.db.queries import load

q = load("audit")


def audit_patient(
    ctx: RequestContext,
    *,
    patient_id: int | None,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    outcome: str = "allowed",
    reason: str | None = None,
    detail: str | None = None,
) -> None:
    """Record one read or write of one patient's data."""
    if patient_id is not None and outcome == "allowed":
        ctx.audited_patients.add(patient_id)
    q.audit_insert(
        ctx.conn,
        user_id=ctx.user.id if ctx.user else None,
        user_role=ctx.user.role.value if ctx.user else None,
        patient_id=patient_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_addr=ctx.client_addr,
        outcome=outcome,
        reason=reason,
        detail=detail,
    )


def audit_patients_listed(
    ctx: RequestContext, *, patient_ids: list[int], action: str, detail: str | None = None
) -> None:
    """Record that a list or search showed these patients (one row each)."""
    if not patient_ids:
        return
    ctx.audited_patients.update(patient_ids)
    q.audit_insert_many(
        ctx.conn,
        user_id=ctx.user.id if ctx.user else None,
        user_role=ctx.user.role.value if ctx.user else None,
        patient_ids=patient_ids,
        action=action,
        client_addr=ctx.client_addr,
        detail=detail,
    )


def audit_refused(
    ctx: RequestContext,
    *,
    patient_id: int | None,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Record a refused access, in the transaction the guard opens after the
    work rolled back. An id that names no patient goes into the detail, not
    the patient column (the refused user is told nothing either way)."""
    if patient_id is not None and not q.patient_exists(ctx.conn, patient_id=patient_id):
        detail = f"{detail or ''} (no patient {patient_id})"
        patient_id = None
    audit_patient(
        ctx,
        patient_id=patient_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome="refused",
        detail=detail,
    )
