"""Writes of access control: emergency access (break the glass), and its review."""

from typing import Any

from hms.access.forms import EmergencyAccessForm, ReviewForm
from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.errors import NotFound
from hms.core.writes import savepoint
from hms.db.queries import load

q = load("access")


def emergency_access_open(
    ctx: RequestContext, *, patient_id: int, data: EmergencyAccessForm
) -> dict[str, Any]:
    """Four hours' access to one patient's journal, with a reason, flagged for
    review. The audit row carries the reason."""
    with savepoint(ctx.conn):
        row: dict[str, Any] = q.emergency_access_open(
            ctx.conn, user_id=ctx.staff.id, patient_id=patient_id, reason=data.reason
        )
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="emergency_access.open",
            object_type="emergency_access",
            object_id=row["id"],
            reason=data.reason,
        )
    return row


def emergency_access_review(ctx: RequestContext, *, access_id: int, data: ReviewForm) -> dict[str, Any]:
    """An administrator judges an emergency access justified or not, once, with
    an audit row on the patient whose access it judges. The database has the
    last word: it refuses a second review (HM040, emergency_access_is_a_record)
    and a review by the one who used the access
    (emergency_access_not_self_reviewed); RLS lets only administrators write
    it, as themselves."""
    with savepoint(ctx.conn):
        row: dict[str, Any] | None = q.emergency_access_review(
            ctx.conn,
            access_id=access_id,
            reviewed_by=ctx.staff.id,
            review=data.review,
            review_comment=data.comment,
        )
        if row is None:
            raise NotFound()
        audit_patient(
            ctx,
            patient_id=row["patient_id"],
            action="emergency_access.review",
            object_type="emergency_access",
            object_id=access_id,
            detail=data.review,
        )
    return row
