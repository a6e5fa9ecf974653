"""Reception's and clinicians' scheduling pages: the day and week calendar of
a unit or a clinician, one appointment (move, cancel, check in, no-show),
walk-ins at the emergency department, the clinician's own day list and the
calendar feed's address."""

from datetime import date, timedelta
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.clock import today
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.roles import Permission
from hms.scheduling import forms, policy, read, service
from hms.web.confirm import confirm_page, confirmed
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.input_check import as_id
from hms.web.render import page

router = guarded_router(prefix="/schedule")

NOTICES = {
    "booked": "The appointment is booked.",
    "moved": "The appointment is moved.",
    "cancelled": "The appointment is cancelled.",
    "arrived": "The patient is checked in; the visit is open in the unit.",
    "no_show": "The appointment is marked as a no-show.",
    "walk_in": "The walk-in is registered and checked in.",
    "feed": "The new calendar address is shown below, once. The old one no longer works.",
    "feed_revoked": "The calendar address no longer works.",
    "waitlist": "The patient is on the waitlist.",
}
VIEWS = {"day": 1, "week": 7}


def _notice(ctx: RequestContext, notice: str) -> None:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value) if value else today()
    except ValueError:
        return today()


@router.get("", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_READ)
def calendar(
    request: Request,
    unit_id: str = "",
    clinician_id: str = "",
    day: str = "",
    view: str = "day",
    notice: str = "",
    ctx: RequestContext = Depends(current),
) -> Response:
    _notice(ctx, notice)
    units = read.my_care_units(ctx) or read.care_units(ctx)
    unit = as_id(unit_id) or (units[0]["id"] if units and not as_id(clinician_id) else None)
    first = _day(day)
    days = VIEWS.get(view, 1)
    if days == 7:
        first -= timedelta(days=first.weekday())
    rows = read.calendar(ctx, care_unit_id=unit, clinician_id=as_id(clinician_id), first_day=first, days=days)
    by_day: dict[date, list[dict[str, Any]]] = {first + timedelta(days=i): [] for i in range(days)}
    for row in rows:
        by_day.setdefault(row["starts_day"], []).append(row)
    return page(
        request,
        ctx,
        "scheduling/calendar.html",
        by_day=by_day,
        units=read.care_units(ctx),
        clinicians=read.clinicians(ctx, care_unit_id=unit),
        values={"unit_id": unit or "", "clinician_id": clinician_id, "day": first.isoformat(), "view": view},
        previous=(first - timedelta(days=days)).isoformat(),
        next=(first + timedelta(days=days)).isoformat(),
        can_book=ctx.staff.can(Permission.APPOINTMENT_BOOK),
        can_walk_in=ctx.staff.can(Permission.APPOINTMENT_CHECK_IN),
    )


@router.get("/find", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_BOOK)
def find_patient(
    request: Request, personal_number: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    """Reception types the patient's number to book for them."""
    from hms.patients.identity import InvalidNumber, normalize

    try:
        patient = read.patient_by_number(ctx, personal_number=normalize(personal_number))
    except InvalidNumber:
        patient = None
    if patient is None:
        ctx.flash.append(service.NO_SUCH_PATIENT)
        return calendar(request, ctx=ctx)
    return RedirectResponse(f"/patients/{patient['id']}/appointments/new", status_code=303)


@router.get("/my-day", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_READ)
def my_day(request: Request, day: str = "", ctx: RequestContext = Depends(current)) -> Response:
    chosen = _day(day)
    return page(
        request,
        ctx,
        "scheduling/my_day.html",
        day=chosen,
        rows=read.my_day(ctx, day=chosen),
        previous=(chosen - timedelta(days=1)).isoformat(),
        next=(chosen + timedelta(days=1)).isoformat(),
    )


def _appointment_page(
    request: Request,
    ctx: RequestContext,
    appointment: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    moment = read.now()
    return page(
        request,
        ctx,
        "scheduling/appointment.html",
        status_code=status_code,
        a=appointment,
        may_change=policy.may_change(ctx.staff, appointment, moment),
        may_check_in=policy.may_check_in(ctx.staff, appointment, today()),
        may_no_show=policy.may_mark_no_show(ctx.staff, appointment, moment),
        errors=errors or {},
        values=values or {},
    )


@router.get("/appointments/{appointment_id}", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_READ)
def appointment_show(
    request: Request, appointment_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    _notice(ctx, notice)
    return _appointment_page(request, ctx, read.access_appointment(ctx, appointment_id=appointment_id))


def _redirect(appointment_id: int, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/schedule/appointments/{appointment_id}?notice={notice}", status_code=303)


@router.post("/appointments/{appointment_id}/cancel", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_BOOK)
def appointment_cancel(
    request: Request,
    appointment_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    # Until confirmed, the page only reads the appointment, and the audit says so.
    action = "appointment.cancel" if confirmed(form) else "appointment.read"
    appointment = read.access_appointment(ctx, appointment_id=appointment_id, action=action)
    try:
        data = parse(forms.CancelForm, form)
        if not confirmed(form) and policy.may_change(ctx.staff, appointment, read.now()):
            back = f"/schedule/appointments/{appointment_id}"
            return confirm_page(
                request, ctx, kind="appointment_cancel", form=form, back=back, subject=appointment
            )
        service.appointment_cancel(ctx, appointment=appointment, data=data)
    except Invalid as exc:
        return _appointment_page(request, ctx, appointment, errors=exc.errors, values=form, status_code=422)
    return _redirect(appointment_id, "cancelled")


@router.post("/appointments/{appointment_id}/check-in", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_CHECK_IN)
def appointment_check_in(
    request: Request, appointment_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    appointment = read.access_appointment(ctx, appointment_id=appointment_id, action="appointment.check_in")
    try:
        service.appointment_check_in(ctx, appointment=appointment)
    except Invalid as exc:
        return _appointment_page(request, ctx, appointment, errors=exc.errors, status_code=422)
    return _redirect(appointment_id, "arrived")


@router.post("/appointments/{appointment_id}/no-show", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_READ)
def appointment_no_show(
    request: Request, appointment_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    appointment = read.access_appointment(ctx, appointment_id=appointment_id, action="appointment.no_show")
    try:
        service.appointment_no_show(ctx, appointment=appointment)
    except Invalid as exc:
        return _appointment_page(request, ctx, appointment, errors=exc.errors, status_code=422)
    return _redirect(appointment_id, "no_show")


@router.get("/appointments/{appointment_id}/move", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_BOOK)
def move_form(
    request: Request,
    appointment_id: int,
    clinician_id: str = "",
    from_day: str = "",
    ctx: RequestContext = Depends(current),
) -> Response:
    appointment = read.access_appointment(ctx, appointment_id=appointment_id)
    return _move_page(request, ctx, appointment, {"clinician_id": clinician_id, "from_day": from_day}, {})


def _move_page(
    request: Request,
    ctx: RequestContext,
    appointment: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    if not policy.may_change(ctx.staff, appointment, read.now()):
        raise Refused()
    slots = read.free_slots(
        ctx,
        type_id=appointment["type_id"],
        clinician_id=as_id(values.get("clinician_id")),
        from_day=_day(values.get("from_day") or "") if values.get("from_day") else None,
    )
    return page(
        request,
        ctx,
        "scheduling/move.html",
        status_code=status_code,
        a=appointment,
        slots=slots,
        clinicians=read.clinicians(ctx, care_unit_id=appointment["care_unit_id"]),
        rooms=read.rooms(ctx, care_unit_id=appointment["care_unit_id"]),
        action=f"/schedule/appointments/{appointment['id']}/move",
        values=values,
        errors=errors,
    )


@router.post("/appointments/{appointment_id}/move", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_BOOK)
def move(
    request: Request,
    appointment_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    appointment = read.access_appointment(ctx, appointment_id=appointment_id, action="appointment.move")
    try:
        service.appointment_move(ctx, appointment=appointment, data=parse(forms.MoveForm, form))
    except Invalid as exc:
        # A time just taken: the page shows the next free times again.
        return _move_page(request, ctx, appointment, form, exc.errors, status_code=422)
    return _redirect(appointment_id, "moved")


@router.get("/walk-in", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_CHECK_IN)
def walk_in_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _walk_in_page(request, ctx, {}, {})


def _walk_in_page(
    request: Request,
    ctx: RequestContext,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    mine = {u["id"] for u in read.my_care_units(ctx)}
    return page(
        request,
        ctx,
        "scheduling/walk_in.html",
        status_code=status_code,
        types=[t for t in read.types(ctx) if t["unit_kind"] == "emergency" and t["care_unit_id"] in mine],
        clinicians=[c for c in read.clinicians(ctx) if c["care_unit_id"] in mine],
        values=values,
        errors=errors,
    )


@router.post("/walk-in", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_CHECK_IN)
def walk_in(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        made = service.appointment_walk_in(ctx, data=parse(forms.WalkInForm, form))
    except Invalid as exc:
        return _walk_in_page(request, ctx, form, exc.errors, status_code=422)
    return _redirect(made["appointment_id"], "walk_in")


@router.get("/feed", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_READ)
def feed(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    _notice(ctx, notice)
    return page(request, ctx, "scheduling/feed.html", since=read.feed_since(ctx), token=None)


@router.post("/feed", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_READ)
def feed_issue(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    token = service.feed_issue(ctx)
    ctx.flash.append(NOTICES["feed"])
    # Shown once, on this page: only its hash is kept.
    return page(request, ctx, "scheduling/feed.html", since=read.feed_since(ctx), token=token)


@router.post("/feed/revoke", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_READ)
def feed_revoke(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    service.feed_revoke(ctx)
    return RedirectResponse("/schedule/feed?notice=feed_revoked", status_code=303)
