"""The portal's appointments: a patient, or a relative whose grant covers
bookings, sees upcoming and past appointments and the inbox, books a free
time of a type patients may book, cancels or moves it until 24 hours
before, waits on the waitlist and answers its offers."""

from datetime import date
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound, Refused
from hms.core.roles import Permission
from hms.scheduling import forms, policy, read, service
from hms.web.confirm import confirm_page, confirmed
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.input_check import as_id
from hms.web.render import page

router = guarded_router(prefix="/my/appointments")

PORTAL_CANCEL_REASON = "Cancelled by the patient in the portal"
NOTICES = {
    "booked": "The appointment is booked. A confirmation is in your inbox.",
    "moved": "The appointment is moved.",
    "cancelled": "The appointment is cancelled.",
    "waitlist": "You are on the waitlist. If an earlier time frees up, it is offered to you here.",
    "left": "You are off the waitlist.",
    "accepted": "The offered time is yours.",
    "declined": "The offered time goes to the next patient.",
    "read": "The messages are marked as read.",
}


def _home(patient_id: int, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/my/appointments?patient_id={patient_id}&notice={notice}", status_code=303)


@router.get("", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def overview(
    request: Request, patient_id: str = "", notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    patients = read.portal_patients(ctx)
    if not patients:
        return page(request, ctx, "scheduling/portal.html", patients=[], patient=None)
    patient = read.portal_patient(ctx, as_id(patient_id))
    lists = read.patient_appointments(ctx, patient_id=patient["patient_id"], action="portal.appointments")
    moment = read.now()
    for row in lists["upcoming"]:
        row["may_change"] = policy.may_change(ctx.staff, row, moment)
    return page(
        request,
        ctx,
        "scheduling/portal.html",
        patients=patients,
        patient=patient,
        notices=read.notices(ctx, patient_id=patient["patient_id"]),
        types=read.types(ctx, bookable_only=True),
        **lists,
    )


def _portal_booking(
    request: Request,
    ctx: RequestContext,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    appointment: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    patient = read.portal_patient(ctx, as_id(str(values.get("patient_id") or "")))
    read.patient_appointments(ctx, patient_id=patient["patient_id"], action="portal.book")
    types = read.types(ctx, bookable_only=True)
    type_id = appointment["type_id"] if appointment else as_id(str(values.get("type_id") or ""))
    chosen = next((t for t in types if t["id"] == type_id), None)
    from_day = _from_day(values)
    slots = read.free_slots(ctx, type_id=chosen["id"], from_day=from_day) if chosen else []
    return page(
        request,
        ctx,
        "scheduling/portal_book.html",
        status_code=status_code,
        patient=patient,
        appointment=appointment,
        types=types,
        chosen=chosen,
        slots=slots,
        action=f"/my/appointments/{appointment['id']}/move" if appointment else "/my/appointments/new",
        values=values,
        errors=errors,
    )


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def book_form(
    request: Request,
    patient_id: str = "",
    type_id: str = "",
    from_day: str = "",
    ctx: RequestContext = Depends(current),
) -> Response:
    return _portal_booking(
        request, ctx, {"patient_id": patient_id, "type_id": type_id, "from_day": from_day}, {}
    )


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def book(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    patient = read.portal_patient(ctx, as_id(form.get("patient_id")))
    try:
        service.appointment_book(ctx, patient_id=patient["patient_id"], data=parse(forms.BookForm, form))
    except Invalid as exc:
        return _portal_booking(request, ctx, form, exc.errors, status_code=422)
    return _home(patient["patient_id"], "booked")


def _from_day(values: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(values.get("from_day") or ""))
    except ValueError:
        return None


def _own_appointment(ctx: RequestContext, appointment_id: int, action: str) -> dict[str, Any]:
    appointment = read.access_appointment(ctx, appointment_id=appointment_id, action=action)
    read.portal_patient(ctx, appointment["patient_id"])
    return appointment


@router.get("/{appointment_id}/move", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def move_form(
    request: Request, appointment_id: int, from_day: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    appointment = _own_appointment(ctx, appointment_id, "portal.appointments")
    if not policy.may_change(ctx.staff, appointment, read.now()):
        raise Refused()
    values = {"patient_id": appointment["patient_id"], "from_day": from_day}
    return _portal_booking(request, ctx, values, {}, appointment=appointment)


@router.post("/{appointment_id}/move", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def move(
    request: Request,
    appointment_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    appointment = _own_appointment(ctx, appointment_id, "appointment.move")
    try:
        service.appointment_move(ctx, appointment=appointment, data=parse(forms.MoveForm, form))
    except Invalid as exc:
        values = {**form, "patient_id": appointment["patient_id"]}
        return _portal_booking(request, ctx, values, exc.errors, appointment=appointment, status_code=422)
    return _home(appointment["patient_id"], "moved")


@router.post("/{appointment_id}/cancel", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def cancel(
    request: Request,
    appointment_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    # Until confirmed, the page only reads the appointment, and the audit says so.
    action = "appointment.cancel" if confirmed(form) else "appointment.read"
    appointment = _own_appointment(ctx, appointment_id, action)
    if not confirmed(form) and policy.may_change(ctx.staff, appointment, read.now()):
        back = f"/my/appointments?patient_id={appointment['patient_id']}"
        return confirm_page(
            request, ctx, kind="my_appointment_cancel", form=form, back=back, subject=appointment
        )
    try:
        data = parse(forms.CancelForm, {"reason": form.get("reason") or PORTAL_CANCEL_REASON})
        service.appointment_cancel(ctx, appointment=appointment, data=data)
    except Invalid as exc:
        ctx.flash.append(next(iter(exc.errors.values())))
        return overview(request, patient_id=str(appointment["patient_id"]), ctx=ctx)
    return _home(appointment["patient_id"], "cancelled")


@router.post("/waitlist", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def waitlist_join(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    patient = read.portal_patient(ctx, as_id(form.get("patient_id")))
    try:
        service.waitlist_join(ctx, patient_id=patient["patient_id"], data=parse(forms.WaitlistForm, form))
    except Invalid as exc:
        ctx.flash.append(next(iter(exc.errors.values())))
        return overview(request, patient_id=str(patient["patient_id"]), ctx=ctx)
    return _home(patient["patient_id"], "waitlist")


@router.post("/waitlist/{entry_id}/leave", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def waitlist_leave(
    entry_id: int, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    patient = read.portal_patient(ctx, as_id(form.get("patient_id")))
    try:
        service.waitlist_leave(ctx, patient_id=patient["patient_id"], entry_id=entry_id)
    except Invalid:
        raise NotFound() from None
    return _home(patient["patient_id"], "left")


def _answer(
    request: Request, ctx: RequestContext, offer_id: int, form: dict[str, str], accept: bool
) -> Response:
    patient = read.portal_patient(ctx, as_id(form.get("patient_id")))
    try:
        service.offer_answer(ctx, patient_id=patient["patient_id"], offer_id=offer_id, accept=accept)
    except Invalid as exc:
        ctx.flash.append(next(iter(exc.errors.values())))
        return overview(request, patient_id=str(patient["patient_id"]), ctx=ctx)
    return _home(patient["patient_id"], "accepted" if accept else "declined")


@router.post("/offers/{offer_id}/accept", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def offer_accept(
    request: Request,
    offer_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    return _answer(request, ctx, offer_id, form, True)


@router.post("/offers/{offer_id}/decline", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def offer_decline(
    request: Request,
    offer_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    return _answer(request, ctx, offer_id, form, False)


@router.post("/notices/read", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def notices_read(
    ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    patient = read.portal_patient(ctx, as_id(form.get("patient_id")))
    service.notices_mark_read(ctx, patient_id=patient["patient_id"])
    return _home(patient["patient_id"], "read")
