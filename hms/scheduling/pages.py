"""A patient's appointments as staff see them, and booking for the patient:
the next free times of a type (one clinician or any), booked with one press,
or the waitlist."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.patients.read import access_patient
from hms.scheduling import forms, read, service
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.input_check import as_id
from hms.web.render import page

router = guarded_router(prefix="/patients/{patient_id}/appointments")


@router.get("", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_READ)
def appointments(
    request: Request, patient_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice == "waitlist":
        ctx.flash.append("The patient is on the waitlist.")
    lists = read.patient_appointments(ctx, patient_id=patient_id)
    return page(
        request,
        ctx,
        "scheduling/patient.html",
        patient=access_patient(ctx, patient_id=patient_id, action="appointment.list", audit=False),
        can_book=ctx.staff.can(Permission.APPOINTMENT_BOOK),
        **lists,
    )


def booking_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    """The type and clinician to look for, and the next free times (again after a lost race)."""
    read.patient_appointments(ctx, patient_id=patient_id, action="appointment.book")
    all_types = read.types(ctx)
    type_id = as_id(str(values.get("type_id") or ""))
    chosen = next((t for t in all_types if t["id"] == type_id), None)
    slots = (
        read.free_slots(
            ctx,
            type_id=chosen["id"],
            clinician_id=as_id(str(values.get("clinician_id") or "")),
            from_day=_from_day(values),
        )
        if chosen
        else []
    )
    return page(
        request,
        ctx,
        "scheduling/book.html",
        status_code=status_code,
        patient=access_patient(ctx, patient_id=patient_id, action="appointment.book", audit=False),
        types=all_types,
        chosen=chosen,
        clinicians=read.clinicians(ctx, care_unit_id=chosen["care_unit_id"]) if chosen else [],
        rooms=read.rooms(ctx, care_unit_id=chosen["care_unit_id"]) if chosen else [],
        slots=slots,
        action=f"/patients/{patient_id}/appointments/new",
        waitlist_action=f"/patients/{patient_id}/appointments/waitlist",
        values=values,
        errors=errors,
    )


def _from_day(values: dict[str, Any]) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(str(values.get("from_day") or ""))
    except ValueError:
        return None


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_BOOK)
def book_form(
    request: Request,
    patient_id: int,
    type_id: str = "",
    clinician_id: str = "",
    from_day: str = "",
    ctx: RequestContext = Depends(current),
) -> Response:
    values = {"type_id": type_id, "clinician_id": clinician_id, "from_day": from_day}
    return booking_page(request, ctx, patient_id, values, {})


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_BOOK)
def book(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        appointment_id = service.appointment_book(
            ctx, patient_id=patient_id, data=parse(forms.BookForm, form)
        )
    except Invalid as exc:
        return booking_page(request, ctx, patient_id, form, exc.errors, status_code=422)
    return RedirectResponse(f"/schedule/appointments/{appointment_id}?notice=booked", status_code=303)


@router.post("/waitlist", response_class=HTMLResponse)
@requires(Permission.APPOINTMENT_BOOK)
def waitlist_join(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        service.waitlist_join(ctx, patient_id=patient_id, data=parse(forms.WaitlistForm, form))
    except Invalid as exc:
        return booking_page(request, ctx, patient_id, form, exc.errors, status_code=422)
    return RedirectResponse(f"/patients/{patient_id}/appointments?notice=waitlist", status_code=303)
