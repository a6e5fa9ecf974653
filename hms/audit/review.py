"""The review of an emergency access: an administrator judges it justified or
not, once. The database has the last word: it refuses a second review
(HM040, emergency_access_is_a_record) and a review by the one who used the
access (emergency_access_not_self_reviewed); RLS lets only administrators
write it, as themselves."""

from typing import Any, Literal

import psycopg
from pydantic import BaseModel, ConfigDict, Field

from hms.audit.service import audit_patient
from hms.db.queries import load
from hms.web.context import RequestContext
from hms.web.errors import NotFound
from hms.web.forms import refused

q = load("audit")


class ReviewForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    review: Literal["justified", "unjustified"]
    # The same limit as emergency_access_review_comment_length.
    comment: str | None = Field(None, max_length=2000)


def emergency_access_review(ctx: RequestContext, *, access_id: int, data: ReviewForm) -> dict[str, Any]:
    """Record the review, and an audit row on the patient whose access it judges."""
    try:
        with ctx.conn.transaction():
            row = q.emergency_access_review(
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
    except psycopg.Error as exc:
        raise refused(exc) from None
    return row
