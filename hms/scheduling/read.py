"""Scoped reads of scheduling. Appointments are patient data: each read asks
the appointments area of the access decision, returns what row-level
security shows the user and writes the audit row. The set-up (types, hours,
rooms) and the free times carry no patient and are not audited."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hms.access.policy import patient_access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.clock import LOCAL_TZ, today
from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound, Refused
from hms.core.roles import Permission
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.organization import read as organization_read
from hms.patients import read as patient_read
from hms.portal import read as portal_read

q = load("scheduling")

SLOT_DAYS = 28
# The furthest ahead anyone books (appointment_within_horizon in the database).
HORIZON_DAYS = 730
SLOT_LIMIT = 24
LIST_LIMIT = 200
CALENDAR_LIMIT = 2000
NOTICE_LIMIT = 50


def day_start(day: date) -> datetime:
    """The instant a Stockholm day begins (as hms_day_start)."""
    return datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ)


def now() -> datetime:
    return datetime.now(UTC)


def _with_day(row: dict[str, Any]) -> dict[str, Any]:
    row["starts_day"] = row["starts_at"].astimezone(LOCAL_TZ).date()
    return row


# Set-up ---------------------------------------------------------------------------


def types(
    ctx: RequestContext, *, active_only: bool = True, bookable_only: bool = False
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.types_all(ctx.conn)
    return [
        r
        for r in rows
        if (r["is_active"] or not active_only) and (r["patient_bookable"] or not bookable_only)
    ]


def type_of(ctx: RequestContext, type_id: int) -> dict[str, Any]:
    for row in types(ctx, active_only=False):
        if row["id"] == type_id:
            return row
    raise NotFound()


def clinicians(ctx: RequestContext, *, care_unit_id: int | None = None) -> list[dict[str, Any]]:
    """The doctors and nurses who can be booked (of one unit, or of every unit, once each)."""
    rows: list[dict[str, Any]] = q.unit_clinicians(ctx.conn)
    if care_unit_id is not None:
        return [r for r in rows if r["care_unit_id"] == care_unit_id]
    seen: dict[int, dict[str, Any]] = {}
    for r in rows:
        seen.setdefault(r["id"], r)
    return list(seen.values())


def rooms(ctx: RequestContext, *, care_unit_id: int | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.rooms_all(ctx.conn)
    return [r for r in rows if r["is_active"] and care_unit_id in (None, r["care_unit_id"])]


def care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return [u for u in organization_read.care_units_all(ctx) if u["is_active"]]


def setup(ctx: RequestContext) -> dict[str, Any]:
    """Everything the administrator's set-up page shows."""
    if not ctx.staff.can(Permission.SCHEDULE_SETUP):
        raise Refused()
    return {
        "types": types(ctx, active_only=False),
        "rooms": q.rooms_all(ctx.conn),
        "hours": q.hours_all(ctx.conn),
        "exceptions": q.exceptions_upcoming(ctx.conn),
        "units": care_units(ctx),
        "clinicians": clinicians(ctx),
    }


def free_slots(
    ctx: RequestContext,
    *,
    type_id: int,
    clinician_id: int | None = None,
    from_day: date | None = None,
    days: int = SLOT_DAYS,
    limit: int = SLOT_LIMIT,
) -> list[dict[str, Any]]:
    """The next free times of a type (times and clinicians only: no patient)."""
    # A day typed in the address is kept within the booking horizon (two years).
    if from_day is not None:
        from_day = min(from_day, today() + timedelta(days=HORIZON_DAYS))
    start = max(day_start(from_day), now()) if from_day else now()
    rows: list[dict[str, Any]] = q.free_slots(
        ctx.conn,
        type_id=type_id,
        from_at=start,
        to_at=start + timedelta(days=days),
        clinician_id=clinician_id,
        limit=limit,
    )
    return rows


# Appointments ---------------------------------------------------------------------


def patient_appointments(
    ctx: RequestContext, *, patient_id: int, action: str = "appointment.list"
) -> dict[str, Any]:
    """A patient's appointments, upcoming and past, and their waitlist places."""
    access = patient_access(ctx, patient_id=patient_id, area="appointments", action=action)
    rows = [
        _with_day(r) for r in q.appointments_for_patient(ctx.conn, patient_id=patient_id, limit=LIST_LIMIT)
    ]
    moment = now()
    audit_patient(
        ctx,
        patient_id=patient_id,
        action=action,
        object_type="patient",
        object_id=patient_id,
        detail=access.reason,
    )
    return {
        "upcoming": sorted((r for r in rows if r["ends_at"] > moment), key=lambda r: r["starts_at"]),
        "past": [r for r in rows if r["ends_at"] <= moment],
        "waitlist": q.waitlist_for_patient(ctx.conn, patient_id=patient_id),
    }


def access_appointment(
    ctx: RequestContext, *, appointment_id: int, action: str = "appointment.read"
) -> dict[str, Any]:
    """One appointment the user may see, with its history; 404 otherwise."""
    row: dict[str, Any] | None = q.appointment_get(ctx.conn, appointment_id=appointment_id)
    if row is None:
        raise NotFound(
            audit={"patient_id": None, "action": action, "detail": f"appointment {appointment_id}"}
        )
    row["events"] = q.appointment_events(ctx.conn, appointment_id=appointment_id)
    audit_patient(
        ctx, patient_id=row["patient_id"], action=action, object_type="appointment", object_id=appointment_id
    )
    return _with_day(row)


def calendar(
    ctx: RequestContext,
    *,
    care_unit_id: int | None,
    clinician_id: int | None,
    first_day: date,
    days: int,
) -> list[dict[str, Any]]:
    """A unit's or a clinician's appointments over some days (audited as a list)."""
    if not ctx.staff.can(Permission.SCHEDULE_READ):
        raise Refused()
    rows: list[dict[str, Any]] = q.calendar(
        ctx.conn,
        care_unit_id=care_unit_id,
        clinician_id=clinician_id,
        from_at=day_start(first_day),
        to_at=day_start(first_day + timedelta(days=days)),
        limit=CALENDAR_LIMIT,
    )
    audit_patients_listed(
        ctx, patient_ids=sorted({r["patient_id"] for r in rows}), action="appointment.calendar"
    )
    return [_with_day(r) for r in rows]


def my_day(ctx: RequestContext, *, day: date) -> list[dict[str, Any]]:
    """The clinician's own appointments of a day, with who has arrived."""
    return calendar(ctx, care_unit_id=None, clinician_id=ctx.staff.id, first_day=day, days=1)


def my_care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return accounts_read.my_care_units(ctx)


def patient_by_number(ctx: RequestContext, *, personal_number: str) -> dict[str, Any] | None:
    return patient_read.patient_by_number_or_id(ctx, personal_number=personal_number)


# The portal -------------------------------------------------------------------------


def portal_patients(ctx: RequestContext) -> list[dict[str, Any]]:
    """The patients a portal user books for: themself, and whoever granted them the
    appointments scope (or the whole record)."""
    found: list[dict[str, Any]] = []
    own = patient_read.own_patient_id(ctx)
    if own is not None:
        me = patient_read.access_patient(ctx, patient_id=own, action="appointment.list", audit=False)
        found.append({"patient_id": own, "given_name": me["given_name"], "family_name": me["family_name"]})
    for row in portal_read.granted_patients(ctx):
        if {"appointments", "record"} & set(row["scopes"]):
            found.append(row)
    return found


def portal_patient(ctx: RequestContext, patient_id: int | None) -> dict[str, Any]:
    """The patient the portal page is about (the first one when none is named); 404 if not theirs."""
    patients = portal_patients(ctx)
    for row in patients:
        if patient_id is None or row["patient_id"] == patient_id:
            return row
    raise NotFound(
        audit=None
        if patient_id is None
        else {"patient_id": patient_id, "action": "appointment.list", "detail": "no access to appointments"}
    )


def notices(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    """The patient's inbox (after the page's own access check and audit)."""
    rows: list[dict[str, Any]] = q.notices_for_patient(ctx.conn, patient_id=patient_id, limit=NOTICE_LIMIT)
    return rows


# The calendar feed ---------------------------------------------------------------


def feed_since(ctx: RequestContext) -> datetime | None:
    since: datetime | None = q.calendar_feed_since(ctx.conn)
    return since


def feed_events(ctx: RequestContext, *, token: str) -> list[dict[str, Any]]:
    """The appointments of the feed a token opens (the database audits the
    fetch); 404 for a token that opens none."""
    if not token.isalnum() or len(token) != 64:
        raise NotFound()
    try:
        with savepoint(ctx.conn):
            rows: list[dict[str, Any]] = q.calendar_feed_events(ctx.conn, token=token)
    except Invalid:
        raise NotFound() from None
    return rows
