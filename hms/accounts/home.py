"""Each role's home page: real data for their work, gathered from the reads of
the packages that hold it. It stands apart from accounts.read, which those
packages use in turn, so the imports run one way."""

from typing import Any

from hms.accounts import read
from hms.consultations import read as consultation_read
from hms.core.clock import today
from hms.core.context import RequestContext
from hms.core.roles import Role
from hms.journal import read as journal_read
from hms.lab import read as lab_read
from hms.medication import read as medication_read
from hms.organization import read as organization_read
from hms.patients import read as patient_read
from hms.pharmacy import read as pharmacy_read
from hms.portal import read as portal_read
from hms.reports import read as reports_read
from hms.scheduling import read as scheduling_read
from hms.ward import read as ward_read


def home_data(ctx: RequestContext) -> dict[str, Any]:
    """What the user's home page shows, by role."""
    role = ctx.staff.role
    if role in (Role.DOCTOR, Role.NURSE):
        return _clinician(ctx)
    if role is Role.RECEPTIONIST:
        return {
            "counts": patient_read.registry_counts(ctx),
            "recent": patient_read.recently_registered(ctx),
            **_desk_today(ctx),
        }
    if role is Role.ADMINISTRATOR:
        return {
            "counts": patient_read.registry_counts(ctx),
            "user_counts": read.user_count_by_role(ctx),
            "locked": read.locked_users(ctx),
            "org": organization_read.organization_counts(ctx),
        }
    if role is Role.PATIENT:
        return _patient(ctx)
    if role is Role.RELATIVE:
        return _relative(ctx)
    if role is Role.EXTERNAL_SPECIALIST:
        return {"open_consultations": consultation_read.consultations_mine(ctx, status="open")}
    if role is Role.PHARMACIST:
        return {"queue": medication_read.review_queue(ctx), "work": pharmacy_read.work_summary(ctx)}
    return {}


def _clinician(ctx: RequestContext) -> dict[str, Any]:
    return {
        "care_units": read.my_care_units(ctx),
        "colleagues": read.colleagues(ctx),
        "pharmacy_queries": medication_read.queries_for_me(ctx),
        "my_appointments": scheduling_read.my_day(ctx, day=today()),
        "unit_patients": [
            {**row, "href": f"/patients/{row['patient_id']}/journal", "since": row["started_at"]}
            for row in journal_read.unit_patients(ctx)
        ],
        "lab_critical": lab_read.critical_unacknowledged_mine(ctx),
        "red_flags": ward_read.red_flags_mine(ctx),
        "departments_headed": reports_read.departments_headed(ctx),
    }


def _desk_today(ctx: RequestContext) -> dict[str, Any]:
    """Today's appointments of the receptionist's first unit, for checking patients in."""
    units = read.my_care_units(ctx)
    if not units:
        return {"desk_today": []}
    rows = scheduling_read.calendar(
        ctx, care_unit_id=units[0]["id"], clinician_id=None, first_day=today(), days=1
    )
    return {"desk_today": rows, "desk_unit": units[0]}


def _patient(ctx: RequestContext) -> dict[str, Any]:
    own = patient_read.own_patient_id(ctx)
    if own is None:
        return {"me": None, "kin": []}
    me = patient_read.access_patient(ctx, patient_id=own, action="portal.read_own")
    return {"me": me, "kin": patient_read.next_of_kin(ctx, patient_id=own)}


def _relative(ctx: RequestContext) -> dict[str, Any]:
    """The patients whose grant to this relative is in force (audited as a list)."""
    return {"patients": portal_read.granted_patients(ctx)}
