"""Consultation pages: request (doctors), answer (external specialists).

The list and the detail serve both sides, so they are open to any logged-in
user and the reads refuse everyone else (policy.can_take_part)."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.consultations import policy, read, service
from hms.consultations.forms import PARTS, AnswerForm, ConsultationForm, WithdrawForm
from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.roles import Permission
from hms.web.forms import parse
from hms.web.guard import current, form_data, form_lists, guarded_router, login_required, requires
from hms.web.render import page

router = guarded_router(prefix="/consultations")

NOTICES = {
    "requested": "The consultation is sent to the specialist.",
    "answered": "The answer is sent. Your access to the patient's journal has ended.",
    "closed": "The consultation is closed.",
    "withdrawn": "The consultation is withdrawn. The specialist no longer reads the patient's record.",
}


def _redirect(consultation_id: int, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/consultations/{consultation_id}?notice={notice}", status_code=303)


@router.get("", response_class=HTMLResponse)
@login_required
def index(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "consultations/list.html", consultations=read.consultations_mine(ctx))


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.CONSULTATION_REQUEST)
def request_form(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return _request_page(request, ctx, patient_id, {}, {})


def _request_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    patient = read.request_patient(ctx, patient_id=patient_id)
    units = read.my_care_units(ctx)
    if not values:
        # The summary is what a specialist needs first; the rest is chosen.
        values = {
            "parts": ["summary"],
            "care_unit_id": read.preferred_care_unit(ctx, patient_id=patient_id) or "",
        }
    return page(
        request,
        ctx,
        "consultations/new.html",
        status_code=status_code,
        patient=patient,
        specialists=read.specialists(ctx),
        units=units,
        parts=PARTS,
        values=values,
        errors=errors,
    )


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.CONSULTATION_REQUEST)
def request_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    lists: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    read.request_patient(ctx, patient_id=patient_id)
    submitted: dict[str, Any] = {**form, "parts": lists.get("parts", [])}
    try:
        consultation_id = service.consultation_request(
            ctx, patient_id=patient_id, data=parse(ConsultationForm, submitted)
        )
    except Invalid as exc:
        return _request_page(request, ctx, patient_id, submitted, exc.errors, status_code=422)
    return _redirect(consultation_id, "requested")


@router.get("/{consultation_id}", response_class=HTMLResponse)
@login_required
def show(
    request: Request, consultation_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    return _show_page(request, ctx, consultation_id, {}, {}, mark_seen=True)


def _show_page(
    request: Request,
    ctx: RequestContext,
    consultation_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    mark_seen: bool = False,
) -> Response:
    consultation = read.access_consultation(ctx, consultation_id=consultation_id)
    if mark_seen and consultation["answer"] is not None:
        service.consultation_answer_seen(ctx, consultation=consultation)
    return page(
        request,
        ctx,
        "consultations/show.html",
        status_code=status_code,
        c=consultation,
        record=read.access_shared_record(ctx, consultation=consultation),
        is_specialist=policy.is_specialist_of(ctx.staff, consultation),
        can_answer=policy.can_answer(ctx.staff, consultation),
        can_close=policy.can_close(ctx.staff, consultation),
        can_withdraw=policy.can_withdraw(ctx.staff, consultation),
        values=values,
        errors=errors,
    )


@router.post("/{consultation_id}/answer", response_class=HTMLResponse)
@requires(Permission.CONSULTATION_ANSWER)
def answer(
    request: Request,
    consultation_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    consultation = read.access_consultation(ctx, consultation_id=consultation_id)
    try:
        service.consultation_answer(ctx, consultation=consultation, data=parse(AnswerForm, form))
    except Invalid as exc:
        return _show_page(request, ctx, consultation_id, form, exc.errors, status_code=422)
    return _redirect(consultation_id, "answered")


@router.post("/{consultation_id}/close", response_class=HTMLResponse)
@requires(Permission.CONSULTATION_REQUEST)
def close(request: Request, consultation_id: int, ctx: RequestContext = Depends(current)) -> Response:
    consultation = read.access_consultation(ctx, consultation_id=consultation_id)
    try:
        service.consultation_close(ctx, consultation=consultation)
    except Invalid as exc:
        return _show_page(request, ctx, consultation_id, {}, exc.errors, status_code=422)
    return _redirect(consultation_id, "closed")


@router.get("/{consultation_id}/withdraw", response_class=HTMLResponse)
@requires(Permission.CONSULTATION_REQUEST)
def withdraw_confirm(
    request: Request, consultation_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    """The confirmation step: what withdrawing means, and a reason if one likes."""
    return _withdraw_page(request, ctx, consultation_id, {}, {})


def _withdraw_page(
    request: Request,
    ctx: RequestContext,
    consultation_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    consultation = read.access_consultation(ctx, consultation_id=consultation_id)
    if not policy.is_requester_of(ctx.staff, consultation):
        raise NotFound(
            audit={
                "patient_id": consultation["patient_id"],
                "action": "consultation.withdraw",
                "detail": f"consultation {consultation_id}: not the requester",
            }
        )
    return page(
        request,
        ctx,
        "consultations/withdraw.html",
        status_code=status_code,
        c=consultation,
        can_withdraw=policy.can_withdraw(ctx.staff, consultation),
        values=values,
        errors=errors,
    )


@router.post("/{consultation_id}/withdraw", response_class=HTMLResponse)
@requires(Permission.CONSULTATION_REQUEST)
def withdraw(
    request: Request,
    consultation_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    consultation = read.access_consultation(ctx, consultation_id=consultation_id)
    try:
        service.consultation_withdraw(ctx, consultation=consultation, data=parse(WithdrawForm, form))
    except Invalid as exc:
        return _withdraw_page(request, ctx, consultation_id, form, exc.errors, status_code=422)
    return _redirect(consultation_id, "withdrawn")
