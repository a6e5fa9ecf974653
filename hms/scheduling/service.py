"""Writes of scheduling. Every booking, move, cancellation, check-in, no-show,
walk-in and waitlist answer is one call of a database function that checks
who acts and every rule (migration 0022); each runs in a savepoint with its
audit row. The set-up is written by administrators under row-level security."""

from typing import Any

from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.roles import Permission
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.scheduling import read
from hms.scheduling.forms import (
    BookForm,
    CancelForm,
    ExceptionForm,
    HoursForm,
    MoveForm,
    RoomForm,
    TypeForm,
    WaitlistForm,
    WalkInForm,
)

q = load("scheduling")

NO_SUCH_PATIENT = "No patient with this personal identity number is registered."


def _audit(
    ctx: RequestContext, patient_id: int, action: str, appointment_id: int, detail: str | None = None
) -> None:
    audit_patient(
        ctx,
        patient_id=patient_id,
        action=action,
        object_type="appointment",
        object_id=appointment_id,
        detail=detail,
    )


def _setup(ctx: RequestContext, action: str, object_type: str, object_id: int | None) -> None:
    """A change of the set-up concerns no patient; the log still says who made it."""
    audit_patient(ctx, patient_id=None, action=action, object_type=object_type, object_id=object_id)


def _admin(ctx: RequestContext) -> None:
    if not ctx.staff.can(Permission.SCHEDULE_SETUP):
        raise Refused()


# Set-up ---------------------------------------------------------------------------


def type_add(ctx: RequestContext, *, data: TypeForm) -> int:
    _admin(ctx)
    with savepoint(ctx.conn):
        type_id: int = q.type_add(ctx.conn, **data.model_dump())["id"]
        _setup(ctx, "schedule.type_add", "appointment_type", type_id)
    return type_id


def type_set_active(ctx: RequestContext, *, type_id: int, active: bool) -> None:
    _admin(ctx)
    with savepoint(ctx.conn):
        q.type_set_active(ctx.conn, type_id=type_id, active=active)
        _setup(ctx, "schedule.type_active" if active else "schedule.type_retire", "appointment_type", type_id)


def room_add(ctx: RequestContext, *, data: RoomForm) -> int:
    _admin(ctx)
    with savepoint(ctx.conn):
        room_id: int = q.room_add(ctx.conn, **data.model_dump())["id"]
        _setup(ctx, "schedule.room_add", "clinic_room", room_id)
    return room_id


def hours_add(ctx: RequestContext, *, data: HoursForm) -> int:
    _admin(ctx)
    with savepoint(ctx.conn):
        hours_id: int = q.hours_add(ctx.conn, **data.model_dump())["id"]
        _setup(ctx, "schedule.hours_add", "working_hours", hours_id)
    return hours_id


def hours_delete(ctx: RequestContext, *, hours_id: int) -> None:
    _admin(ctx)
    with savepoint(ctx.conn):
        q.hours_delete(ctx.conn, hours_id=hours_id)
        _setup(ctx, "schedule.hours_delete", "working_hours", hours_id)


def exception_add(ctx: RequestContext, *, data: ExceptionForm) -> int:
    _admin(ctx)
    with savepoint(ctx.conn):
        exception_id: int = q.exception_add(ctx.conn, by=ctx.staff.id, **data.model_dump())["id"]
        _setup(ctx, "schedule.exception_add", "schedule_exception", exception_id)
    return exception_id


def exception_delete(ctx: RequestContext, *, exception_id: int) -> None:
    _admin(ctx)
    with savepoint(ctx.conn):
        q.exception_delete(ctx.conn, exception_id=exception_id)
        _setup(ctx, "schedule.exception_delete", "schedule_exception", exception_id)


# Appointments -----------------------------------------------------------------------


def appointment_book(ctx: RequestContext, *, patient_id: int, data: BookForm) -> int:
    """Book a free time; a time just taken by someone else is refused with
    that message (the page then shows the next free times)."""
    with savepoint(ctx.conn):
        appointment_id: int = q.appointment_book(ctx.conn, patient_id=patient_id, **data.model_dump())
        _audit(ctx, patient_id, "appointment.book", appointment_id)
    return appointment_id


def appointment_move(ctx: RequestContext, *, appointment: dict[str, Any], data: MoveForm) -> None:
    with savepoint(ctx.conn):
        q.appointment_move(ctx.conn, appointment_id=appointment["id"], **data.model_dump())
        _audit(ctx, appointment["patient_id"], "appointment.move", appointment["id"])


def appointment_cancel(ctx: RequestContext, *, appointment: dict[str, Any], data: CancelForm) -> None:
    with savepoint(ctx.conn):
        q.appointment_cancel(ctx.conn, appointment_id=appointment["id"], reason=data.reason)
        _audit(ctx, appointment["patient_id"], "appointment.cancel", appointment["id"], data.reason)


def appointment_check_in(ctx: RequestContext, *, appointment: dict[str, Any]) -> int:
    """The patient has arrived: the encounter opens in the appointment's unit."""
    with savepoint(ctx.conn):
        encounter_id: int = q.appointment_check_in(ctx.conn, appointment_id=appointment["id"])
        _audit(
            ctx,
            appointment["patient_id"],
            "appointment.check_in",
            appointment["id"],
            f"encounter {encounter_id}",
        )
    return encounter_id


def appointment_no_show(ctx: RequestContext, *, appointment: dict[str, Any]) -> None:
    with savepoint(ctx.conn):
        q.appointment_no_show(ctx.conn, appointment_id=appointment["id"])
        _audit(ctx, appointment["patient_id"], "appointment.no_show", appointment["id"])


def appointment_walk_in(ctx: RequestContext, *, data: WalkInForm) -> dict[str, int]:
    """A walk-in at the emergency department: booked and checked in at once."""
    from hms.patients.identity import InvalidNumber, normalize

    try:
        number = normalize(data.personal_number)
    except InvalidNumber:
        raise Invalid({"personal_number": "Not a valid personal identity number."}) from None
    patient = read.patient_by_number(ctx, personal_number=number)
    if patient is None:
        raise Invalid({"personal_number": NO_SUCH_PATIENT})
    with savepoint(ctx.conn):
        appointment_id: int = q.appointment_walk_in(
            ctx.conn, patient_id=patient["id"], type_id=data.type_id, clinician_id=data.clinician_id
        )
        _audit(ctx, patient["id"], "appointment.walk_in", appointment_id)
    return {"appointment_id": appointment_id, "patient_id": patient["id"]}


# The waitlist ---------------------------------------------------------------------


def waitlist_join(ctx: RequestContext, *, patient_id: int, data: WaitlistForm) -> int:
    with savepoint(ctx.conn):
        entry_id: int = q.waitlist_join(ctx.conn, patient_id=patient_id, **data.model_dump())
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="waitlist.join",
            object_type="waitlist_entry",
            object_id=entry_id,
        )
    return entry_id


def waitlist_leave(ctx: RequestContext, *, patient_id: int, entry_id: int) -> None:
    with savepoint(ctx.conn):
        q.waitlist_leave(ctx.conn, entry_id=entry_id)
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="waitlist.leave",
            object_type="waitlist_entry",
            object_id=entry_id,
        )


def offer_answer(ctx: RequestContext, *, patient_id: int, offer_id: int, accept: bool) -> int | None:
    """Take the offered time (its appointment's id) or let it go to the next patient."""
    with savepoint(ctx.conn):
        appointment_id: int | None = q.waitlist_offer_answer(ctx.conn, offer_id=offer_id, accept=accept)
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="waitlist.accept" if accept else "waitlist.decline",
            object_type="waitlist_offer",
            object_id=offer_id,
        )
    return appointment_id


def notices_mark_read(ctx: RequestContext, *, patient_id: int) -> None:
    with savepoint(ctx.conn):
        q.notices_mark_read(ctx.conn, patient_id=patient_id)


# The calendar feed ---------------------------------------------------------------


def feed_issue(ctx: RequestContext) -> str:
    """A new private feed address (shown once); the old one stops working."""
    with savepoint(ctx.conn):
        token: str = q.calendar_feed_issue(ctx.conn)
        _setup(ctx, "calendar.feed_issue", "calendar_feed", None)
    return token


def feed_revoke(ctx: RequestContext) -> None:
    with savepoint(ctx.conn):
        q.calendar_feed_revoke(ctx.conn)
        _setup(ctx, "calendar.feed_revoke", "calendar_feed", None)
