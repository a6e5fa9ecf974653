"""Imaging examinations of a patient: ordering one, writing and signing its
report, and acknowledging the report (they are listed on the lab page)."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.lab import forms, read, service
from hms.lab.pages import order_defaults, patient_header
from hms.web.forms import FormPage, parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/patients/{patient_id}/radiology")


def _order_offers(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    return {"units": read.my_care_units(ctx), "modalities": forms.MODALITIES, "priorities": forms.PRIORITIES}


ORDER_FORM = FormPage("lab/radiology_order.html", fill=order_defaults, offers=_order_offers)


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.LAB_ORDER)
def order_form(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    access = read.lab_access(ctx, patient_id=patient_id, action="radiology.order")
    return ORDER_FORM.show(request, ctx, {}, patient=patient_header(ctx, patient_id, access))


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.LAB_ORDER)
def order_place(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    access = read.lab_access(ctx, patient_id=patient_id, action="radiology.order")

    def save() -> str:
        service.radiology_place(ctx, patient_id=patient_id, data=parse(forms.RadiologyForm, form))
        return f"/patients/{patient_id}/lab?notice=radiology_ordered#radiology"

    return ORDER_FORM.submit(request, ctx, form, save, patient=patient_header(ctx, patient_id, access))


@router.get("/{radiology_id}/report", response_class=HTMLResponse)
@requires(Permission.LAB_READ)
def report_form(
    request: Request, patient_id: int, radiology_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    exam = read.access_radiology(ctx, patient_id=patient_id, radiology_id=radiology_id)
    return _report_page(request, ctx, patient_id, exam, {}, {})


def _report_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    exam: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return page(
        request,
        ctx,
        "lab/radiology_report.html",
        status_code=status_code,
        patient=patient_header(ctx, patient_id),
        exam=exam,
        may_report=ctx.staff.can(Permission.RADIOLOGY_REPORT) and exam["status"] == "ordered",
        values=values,
        errors=errors,
    )


@router.post("/{radiology_id}/report", response_class=HTMLResponse)
@requires(Permission.RADIOLOGY_REPORT)
def report_sign(
    request: Request,
    patient_id: int,
    radiology_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    exam = read.access_radiology(ctx, patient_id=patient_id, radiology_id=radiology_id)
    try:
        service.radiology_report_sign(ctx, examination=exam, data=parse(forms.ReportForm, form))
    except Invalid as exc:
        return _report_page(request, ctx, patient_id, exam, form, exc.errors, status_code=422)
    return RedirectResponse(f"/patients/{patient_id}/lab?notice=reported#radiology", status_code=303)


@router.post("/{radiology_id}/acknowledge", response_class=HTMLResponse)
@requires(Permission.LAB_ACKNOWLEDGE)
def report_acknowledge(
    request: Request, patient_id: int, radiology_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    exam = read.access_radiology(ctx, patient_id=patient_id, radiology_id=radiology_id)
    try:
        service.radiology_acknowledge(ctx, examination=exam)
    except Invalid as exc:
        return _report_page(request, ctx, patient_id, exam, {}, exc.errors, status_code=422)
    return RedirectResponse(
        f"/patients/{patient_id}/lab?notice=report_acknowledged#radiology", status_code=303
    )
