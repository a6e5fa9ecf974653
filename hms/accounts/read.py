"""Reads of accounts: each role's home page (real data for their work), the
staff an administrator manages, and a user's own care units and colleagues."""

from typing import Any

from hms.consultations import read as consultation_read
from hms.core.context import RequestContext
from hms.core.errors import NotFound
from hms.core.roles import Role
from hms.db.queries import load
from hms.journal import read as journal_read
from hms.organization import read as organization_read
from hms.patients import read as patient_read
from hms.portal import read as portal_read

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
            "org": organization_read.organization_counts(ctx),
        }
    if role is Role.PATIENT:
        return _patient(ctx)
    if role is Role.RELATIVE:
        return _relative(ctx)
    if role is Role.EXTERNAL_SPECIALIST:
        return {"open_consultations": consultation_read.consultations_mine(ctx, status="open")}
    if role is Role.PHARMACIST:
        return {
            "care_units": my_care_units(ctx),
            "counts": patient_read.registry_counts(ctx),
        }
    return {}


def _clinician(ctx: RequestContext) -> dict[str, Any]:
    return {
        "care_units": my_care_units(ctx),
        "colleagues": colleagues(ctx),
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


def my_care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    """The user's own care units, where they write."""
    rows: list[dict[str, Any]] = q.user_care_units(ctx.conn, user_id=ctx.staff.id)
    return rows


def user_by_username(ctx: RequestContext, *, username: str) -> dict[str, Any] | None:
    """Any account by username (id, username, full name), or None."""
    row: dict[str, Any] | None = q.user_by_username(ctx.conn, username=username)
    return row


def relative_by_username(ctx: RequestContext, *, username: str) -> dict[str, Any] | None:
    """An active relative's account by username (whom a patient may grant), or None."""
    row: dict[str, Any] | None = q.relative_by_username(ctx.conn, username=username)
    return row


def specialists_active(ctx: RequestContext) -> list[dict[str, Any]]:
    """External specialists a doctor may send a question to."""
    rows: list[dict[str, Any]] = q.specialists_active(ctx.conn)
    return rows


def colleagues(ctx: RequestContext) -> list[dict[str, Any]]:
    """Staff who share a care unit with the user."""
    rows: list[dict[str, Any]] = q.colleagues(ctx.conn, user_id=ctx.staff.id)
    return rows


# Staff administration (administrators only; the route requires STAFF_MANAGE,
# and the database lets only administrators change an account).


def staff_list(ctx: RequestContext, *, text: str | None, role: str | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.staff_list(ctx.conn, q=text, role=role)
    return rows


def access_staff(ctx: RequestContext, *, user_id: int) -> dict[str, Any]:
    """A staff account (patients' and relatives' accounts are not managed here)."""
    staff: dict[str, Any] | None = q.staff_get(ctx.conn, user_id=user_id)
    if staff is None:
        raise NotFound()
    return staff


def staff_care_units(ctx: RequestContext, *, user_id: int) -> list[dict[str, Any]]:
    """A staff member's care units, with names."""
    rows: list[dict[str, Any]] = q.user_care_units(ctx.conn, user_id=user_id)
    return rows


def staff_care_unit_ids(ctx: RequestContext, *, user_id: int) -> list[str]:
    """A staff member's care unit ids, as a form's checkboxes hold them."""
    return [str(r["care_unit_id"]) for r in q.staff_care_unit_ids(ctx.conn, user_id=user_id)]
