"""The portal's care requests (/my/requests): a patient, or a relative with
a grant in force, lists the patient's requests with their status and answer,
files one of a kind, sees its decision (for a correction, the amended
note) and withdraws it while it is open."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.requests import forms, policy, read, service
from hms.web.confirm import confirm_page, confirmed
from hms.web.forms import FormPage, parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.input_check import as_id
from hms.web.render import page

router = guarded_router(prefix="/my/requests")

NOTICES = {
    "filed": "The request is sent. You will find the answer here.",
    "withdrawn": "The request is withdrawn.",
}


def _choices(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    patient = context["patient"]
    kind = values.get("kind") if values.get("kind") in policy.KINDS else None
    return read.form_choices(ctx, patient_id=patient["patient_id"], kind=kind)


FORM = FormPage("requests/portal_form.html", offers=_choices)


@router.get("", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def overview(
    request: Request, patient_id: str = "", notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    patients = read.portal_patients(ctx)
    if not patients:
        return page(request, ctx, "requests/portal_list.html", patients=[], patient=None, requests=[])
    patient = read.portal_patient(ctx, as_id(patient_id))
    rows = read.patient_requests(ctx, patient_id=patient["patient_id"])
    return page(request, ctx, "requests/portal_list.html", patients=patients, patient=patient, requests=rows)


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def new_form(
    request: Request, patient_id: str = "", kind: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    patient = read.portal_patient(ctx, as_id(patient_id))
    values = {"patient_id": patient["patient_id"], "kind": kind if kind in policy.KINDS else "question"}
    return FORM.show(request, ctx, values, patient=patient)


def _field_errors(errors: dict[str, str]) -> dict[str, str]:
    """A whole-form message of the form's own checks goes beside its field."""
    message = errors.get("_form")
    if message in forms.FIELD_OF_ERROR:
        errors = {k: v for k, v in errors.items() if k != "_form"} | {forms.FIELD_OF_ERROR[message]: message}
    return errors


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def file(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    patient = read.portal_patient(ctx, as_id(form.get("patient_id")))
    try:
        data = parse(forms.RequestForm, form)
        service.request_file(ctx, patient_id=patient["patient_id"], data=data)
    except Invalid as exc:
        return FORM.show(
            request, ctx, form, errors=_field_errors(exc.errors), status_code=422, patient=patient
        )
    return RedirectResponse(f"/my/requests?patient_id={patient['patient_id']}&notice=filed", status_code=303)


def _own_request(ctx: RequestContext, request_id: int, action: str) -> dict[str, Any]:
    row = read.access_request(ctx, request_id=request_id, action=action)
    read.portal_patient(ctx, row["patient_id"])
    return row


@router.get("/{request_id}", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def show(request: Request, request_id: int, ctx: RequestContext = Depends(current)) -> Response:
    row = _own_request(ctx, request_id, "request.read")
    return page(
        request,
        ctx,
        "requests/portal_request.html",
        r=row,
        note=read.amended_note(ctx, request=row),
        may_withdraw=policy.may_withdraw(ctx.staff, row),
    )


@router.post("/{request_id}/withdraw", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def withdraw(
    request: Request,
    request_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    # Until confirmed, the page only reads the request, and the audit says so.
    row = _own_request(ctx, request_id, "request.withdraw" if confirmed(form) else "request.read")
    if not confirmed(form) and policy.may_withdraw(ctx.staff, row):
        back = f"/my/requests/{request_id}"
        return confirm_page(request, ctx, kind="request_withdraw", form=form, back=back, subject=row)
    try:
        service.request_withdraw(ctx, request=row)
    except Invalid as exc:
        ctx.flash.append(next(iter(exc.errors.values())))
        return show(request, request_id, ctx)
    return RedirectResponse(f"/my/requests?patient_id={row['patient_id']}&notice=withdrawn", status_code=303)
