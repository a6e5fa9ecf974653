"""Writes of access control: emergency access (break the glass)."""

from typing import Any

import psycopg

from hms.access.forms import EmergencyAccessForm
from hms.audit.service import audit_patient
from hms.db.queries import load
from hms.web.context import RequestContext
from hms.web.forms import refused

q = load("access")


def emergency_access_open(
    ctx: RequestContext, *, patient_id: int, data: EmergencyAccessForm
) -> dict[str, Any]:
    """Four hours' access to one patient's journal, with a reason, flagged for
    review. The audit row carries the reason."""
    try:
        with ctx.conn.transaction():
            row = q.emergency_access_open(
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
    except psycopg.Error as exc:
        raise refused(exc) from None
    return row
