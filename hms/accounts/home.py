"""What each role's home page shows: real data for their work."""

from typing import Any

from hms.access.roles import Role
from hms.db.queries import load
from hms.journal import read as journal_read
from hms.organization import read as organization_read
from hms.patients import read as patient_read
from hms.portal import read as portal_read
from hms.web.context import RequestContext

q = load("accounts")


def home_data(ctx: RequestContext) -> dict[str, Any]:
    role = ctx.staff.role
    if role in (Role.DOCTOR, Role.NURSE):
        return _clinician(ctx)
    if role is Role.RECEPTIONIST:
        return {
            "counts": patient_read.registry_counts(ctx),
            "recent": patient_read.recently_registered(ctx),
        }
    if role is Role.ADMINISTRATOR:
        return {
            "counts": patient_read.registry_counts(ctx),
            "user_counts": q.user_count_by_role(ctx.conn),
            "locked": q.locked_users(ctx.conn),
            "org": organization_read.organization_counts(ctx.conn),
        }
    if role is Role.PATIENT:
        return _patient(ctx)
    if role is Role.RELATIVE:
        return _relative(ctx)
    if role is Role.EXTERNAL_SPECIALIST:
        from hms.consultations import read as consultation_read

        return {"open_consultations": consultation_read.consultations_mine(ctx, status="open")}
    if role is Role.PHARMACIST:
        return {
            "care_units": q.user_care_units(ctx.conn, user_id=ctx.staff.id),
            "counts": patient_read.registry_counts(ctx),
        }
    return {}


def _clinician(ctx: RequestContext) -> dict[str, Any]:
    user_id = ctx.staff.id
    return {
        "care_units": q.user_care_units(ctx.conn, user_id=user_id),
        "colleagues": q.colleagues(ctx.conn, user_id=user_id),
        "unit_patients": [
            {**row, "href": f"/patients/{row['patient_id']}/journal", "since": row["started_at"]}
            for row in journal_read.unit_patients(ctx)
        ],
    }


def _patient(ctx: RequestContext) -> dict[str, Any]:
    own = patient_read.own_patient_id(ctx)
    if own is None:
        return {"me": None, "kin": []}
    me = patient_read.access_patient(ctx, patient_id=own, action="portal.read_own")
    return {"me": me, "kin": patient_read.next_of_kin(ctx, patient_id=own)}


def _relative(ctx: RequestContext) -> dict[str, Any]:
    """The patients whose grant to this relative is in force (audited as a list)."""
    return {"patients": portal_read.granted_patients(ctx)}
