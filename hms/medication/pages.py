"""A patient's medication: the list, prescribing with the safety checks, one
prescription's history, its changes and its review."""

from datetime import UTC, datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.medication import forms, policy, read, service
from hms.patients.read import access_patient
from hms.web.confirm import confirm_page, confirmed
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/patients/{patient_id}/medication")

NOTICES = {
    "prescribed": "The prescription is saved and sent to the pharmacist for review.",
    "changed": "The prescription is changed; the new version goes to the pharmacist.",
    "paused": "The prescription is paused.",
    "resumed": "The prescription is resumed.",
    "discontinued": "The prescription is discontinued.",
    "renewed": "The prescription is renewed.",
    "approved": "The prescription is approved.",
    "queried": "The query is sent to the prescriber.",
    "answered": "The answer is sent to the pharmacist.",
    "renal": "The kidney function is recorded.",
}
STATUS_CHANGES = ("paused", "resumed", "discontinued", "renewed")


def _patient(ctx: RequestContext, patient_id: int) -> dict[str, Any]:
    return access_patient(ctx, patient_id=patient_id, action="medication.read", audit=False)


def _local(value: datetime | None) -> str:
    return "" if value is None else f"{value.astimezone(LOCAL_TZ):%Y-%m-%dT%H:%M}"


def _aware(data: forms.PrescriptionForm) -> forms.PrescriptionForm:
    """Times typed in a form are the hospital's local time."""
    update = {
        name: value.replace(tzinfo=LOCAL_TZ)
        for name in ("starts_at", "ends_at")
        if (value := getattr(data, name)) is not None and value.tzinfo is None
    }
    return data.model_copy(update=update)


@router.get("", response_class=HTMLResponse)
@requires(Permission.MEDICATION_READ)
def medication_list(
    request: Request, patient_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    return _list_page(request, ctx, patient_id, {}, {})


def _list_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    rows = read.medication_list(ctx, patient_id=patient_id)
    values = {
        "measured_at": _local(datetime.now(UTC)),
        "care_unit_id": read.preferred_care_unit(ctx, patient_id=patient_id) or "",
    } | values
    return page(
        request,
        ctx,
        "medication/list.html",
        status_code=status_code,
        patient=_patient(ctx, patient_id),
        current=[r for r in rows if r["status"] != "discontinued"],
        past=[r for r in rows if r["status"] == "discontinued"],
        facts=read.dosing_facts(ctx, patient_id=patient_id),
        can_prescribe=ctx.staff.can(Permission.PRESCRIBE),
        can_record=ctx.staff.can(Permission.MEDICATION_ADMINISTER),
        units=read.my_care_units(ctx),
        values=values,
        errors=errors,
    )


@router.post("/renal", response_class=HTMLResponse)
@requires(Permission.MEDICATION_ADMINISTER)
def renal_record(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    read.medication_list(ctx, patient_id=patient_id, audit=False)
    try:
        data = parse(forms.RenalForm, form)
        if data.measured_at.tzinfo is None:
            data = data.model_copy(update={"measured_at": data.measured_at.replace(tzinfo=LOCAL_TZ)})
        service.renal_function_record(ctx, patient_id=patient_id, data=data)
    except Invalid as exc:
        return _list_page(request, ctx, patient_id, form, exc.errors, status_code=422)
    return RedirectResponse(f"/patients/{patient_id}/medication?notice=renal", status_code=303)


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.PRESCRIBE)
def prescribe_form(
    request: Request, patient_id: int, drug_id: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    values: dict[str, Any] = {
        "starts_at": _local(datetime.now(UTC)),
        "schedule": "times",
        "drug_id": drug_id,
        "care_unit_id": read.preferred_care_unit(ctx, patient_id=patient_id) or "",
    }
    return _prescribe_page(request, ctx, patient_id, values, {})


def _prescribe_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    warnings: list[dict[str, Any]] | None = None,
    prescription: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    indications = read.indications(ctx, patient_id=patient_id)  # the reach check, first
    patient = _patient(ctx, patient_id)
    return page(
        request,
        ctx,
        "medication/prescribe.html",
        status_code=status_code,
        patient=patient,
        prescription=prescription,
        drugs=[] if prescription else read.drugs(ctx),
        units=read.my_care_units(ctx),
        indications=indications,
        dose_units=forms.DOSE_UNITS,
        routes=forms.ROUTES,
        schedules=forms.SCHEDULES,
        warnings=warnings or [],
        values=values,
        errors=errors,
    )


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.PRESCRIBE)
def prescribe(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        data = _aware(parse(forms.PrescriptionForm, form))
        service.prescription_start(ctx, patient_id=patient_id, data=data)
    except service.Warnings as exc:
        return _prescribe_page(
            request, ctx, patient_id, form, exc.errors, warnings=exc.warnings, status_code=422
        )
    except Invalid as exc:
        return _prescribe_page(request, ctx, patient_id, form, exc.errors, status_code=422)
    return RedirectResponse(f"/patients/{patient_id}/medication?notice=prescribed", status_code=303)


@router.get("/{prescription_id}", response_class=HTMLResponse)
@requires(Permission.MEDICATION_READ)
def prescription_show(
    request: Request,
    patient_id: int,
    prescription_id: int,
    notice: str = "",
    ctx: RequestContext = Depends(current),
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    return _show_page(request, ctx, patient_id, prescription_id, {}, {})


def _show_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    prescription_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    rx = read.access_prescription(ctx, patient_id=patient_id, prescription_id=prescription_id)
    facts = read.dosing_facts(ctx, patient_id=patient_id)
    return page(
        request,
        ctx,
        "medication/show.html",
        status_code=status_code,
        patient=_patient(ctx, patient_id),
        rx_row=rx,
        facts=facts,
        changes=[c for c in STATUS_CHANGES if policy.may_change(ctx.staff, rx, c)],
        can_change=policy.may_change(ctx.staff, rx, "changed"),
        review_outcomes=policy.review_outcomes(ctx.staff, rx),
        values=values,
        errors=errors,
    )


@router.get("/{prescription_id}/change", response_class=HTMLResponse)
@requires(Permission.PRESCRIBE)
def change_form(
    request: Request, patient_id: int, prescription_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    rx = read.access_prescription(ctx, patient_id=patient_id, prescription_id=prescription_id)
    values = {
        "care_unit_id": rx["care_unit_id"],
        "dose": rx["dose"],
        "dose_unit": rx["dose_unit"],
        "route": rx["route"],
        "schedule": rx["schedule"],
        "times": ", ".join(f"{t:%H:%M}" for t in rx["times_of_day"] or []),
        "interval_hours": rx["interval_hours"],
        "max_doses_per_day": rx["max_doses_per_day"],
        "starts_at": _local(rx["starts_at"]),
        "ends_at": _local(rx["ends_at"]),
        "indication_id": rx["indication_id"],
        "instructions": rx["instructions"],
    }
    return _prescribe_page(request, ctx, patient_id, values, {}, prescription=rx)


@router.post("/{prescription_id}/change", response_class=HTMLResponse)
@requires(Permission.PRESCRIBE)
def change(
    request: Request,
    patient_id: int,
    prescription_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    rx = read.access_prescription(ctx, patient_id=patient_id, prescription_id=prescription_id)
    try:
        data = _aware(parse(forms.PrescriptionForm, form))
        service.prescription_change(ctx, prescription=rx, data=data)
    except service.Warnings as exc:
        return _prescribe_page(
            request,
            ctx,
            patient_id,
            form,
            exc.errors,
            warnings=exc.warnings,
            prescription=rx,
            status_code=422,
        )
    except Invalid as exc:
        return _prescribe_page(request, ctx, patient_id, form, exc.errors, prescription=rx, status_code=422)
    return _to_show(patient_id, prescription_id, "changed")


@router.post("/{prescription_id}/status", response_class=HTMLResponse)
@requires(Permission.PRESCRIBE)
def set_status(
    request: Request,
    patient_id: int,
    prescription_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    rx = read.access_prescription(ctx, patient_id=patient_id, prescription_id=prescription_id)
    change = form.get("change", "")
    try:
        if change not in STATUS_CHANGES:
            raise Invalid({"change": "Choose what to do with the prescription."})
        reason = parse(forms.StopForm, form).reason if change in ("paused", "discontinued") else None
        ends_at = parse(forms.RenewForm, form).ends_at if change == "renewed" else None
        if ends_at is not None and ends_at.tzinfo is None:
            ends_at = ends_at.replace(tzinfo=LOCAL_TZ)
        if change == "discontinued" and not confirmed(form):
            back = f"/patients/{patient_id}/medication/{prescription_id}"
            kind = "prescription_discontinue"
            patient = _patient(ctx, patient_id)
            return confirm_page(request, ctx, kind=kind, form=form, back=back, subject=rx, patient=patient)
        service.prescription_set_status(
            ctx,
            prescription=rx,
            change=change,
            reason=reason,
            ends_at=ends_at,
            override_reason=form.get("override_reason") or None,
        )
    except Invalid as exc:
        return _show_page(request, ctx, patient_id, prescription_id, form, exc.errors, status_code=422)
    return _to_show(patient_id, prescription_id, change)


@router.post("/{prescription_id}/review", response_class=HTMLResponse)
@requires(Permission.MEDICATION_READ)
def review(
    request: Request,
    patient_id: int,
    prescription_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    rx = read.access_prescription(ctx, patient_id=patient_id, prescription_id=prescription_id)
    try:
        data = parse(forms.ReviewForm, form)
        service.prescription_review(ctx, prescription=rx, data=data)
    except Invalid as exc:
        return _show_page(request, ctx, patient_id, prescription_id, form, exc.errors, status_code=422)
    if ctx.staff.can(Permission.MEDICATION_REVIEW):
        return RedirectResponse(f"/medication/review?notice={data.outcome}", status_code=303)
    return _to_show(patient_id, prescription_id, data.outcome)


def _to_show(patient_id: int, prescription_id: int, notice: str) -> RedirectResponse:
    return RedirectResponse(
        f"/patients/{patient_id}/medication/{prescription_id}?notice={notice}", status_code=303
    )
