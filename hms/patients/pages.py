"""Registry pages: search, register, view, edit contact and next of kin."""

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.patients import policy, read, service
from hms.patients.forms import ContactForm, IdentityForm, NextOfKinForm, RegistrationForm
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/patients")

NOTICES = {
    "registered": "The patient is registered.",
    "saved": "The changes are saved.",
    "kin_added": "The next of kin is added.",
    "kin_removed": "The next of kin is removed.",
}


@router.get("", response_class=HTMLResponse)
@requires(Permission.PATIENT_SEARCH)
def search(request: Request, q: str = "", ctx: RequestContext = Depends(current)) -> Response:
    result = read.patient_search(ctx, query=q)
    return page(request, ctx, "patients/search.html", result=result)


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.PATIENT_REGISTER)
def register_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "patients/register.html", values={}, errors={})


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.PATIENT_REGISTER)
def register(
    request: Request,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        patient_id = service.patient_register(ctx, data=parse(RegistrationForm, form))
    except Invalid as exc:
        return page(request, ctx, "patients/register.html", status_code=422, values=form, errors=exc.errors)
    return RedirectResponse(f"/patients/{patient_id}?notice=registered", status_code=303)


@router.get("/{patient_id}", response_class=HTMLResponse)
@requires(Permission.PATIENT_READ_DEMOGRAPHICS)
def show(
    request: Request, patient_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    patient = read.access_patient(ctx, patient_id=patient_id)
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    return page(
        request,
        ctx,
        "patients/show.html",
        patient=patient,
        kin=read.next_of_kin(ctx, patient_id=patient_id),
        can_edit=policy.can_edit_contact(ctx.staff),
        kin_values={},
        kin_errors={},
    )


@router.get("/{patient_id}/edit", response_class=HTMLResponse)
@requires(Permission.PATIENT_EDIT_CONTACT)
def edit_form(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = read.access_patient(ctx, patient_id=patient_id, action="patient.read_for_edit")
    values = {k: ("on" if v is True else v) for k, v in patient.items() if v not in (None, False)}
    return page(request, ctx, "patients/edit.html", patient=patient, values=values, errors={})


@router.post("/{patient_id}/edit", response_class=HTMLResponse)
@requires(Permission.PATIENT_EDIT_CONTACT)
def edit(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = read.access_patient(ctx, patient_id=patient_id, action="patient.read_for_edit")
    try:
        identity = parse(IdentityForm, form)
        if patient["contact_hidden"]:
            # Whoever cannot see a protected patient's address cannot lift the
            # protection either (and so reveal it to themselves).
            identity.protected_identity = True
        contact = None if patient["contact_hidden"] else parse(ContactForm, form)
        service.patient_update(ctx, patient_id=patient_id, identity=identity, contact=contact)
    except Invalid as exc:
        return page(
            request,
            ctx,
            "patients/edit.html",
            status_code=422,
            patient=patient,
            values=form,
            errors=exc.errors,
        )
    return RedirectResponse(f"/patients/{patient_id}?notice=saved", status_code=303)


@router.post("/{patient_id}/next-of-kin", response_class=HTMLResponse)
@requires(Permission.PATIENT_EDIT_CONTACT)
def kin_add(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = read.access_patient(ctx, patient_id=patient_id)
    try:
        service.next_of_kin_add(ctx, patient_id=patient_id, data=parse(NextOfKinForm, form))
    except Invalid as exc:
        return page(
            request,
            ctx,
            "patients/show.html",
            status_code=422,
            patient=patient,
            kin=read.next_of_kin(ctx, patient_id=patient_id),
            can_edit=True,
            kin_values=form,
            kin_errors=exc.errors,
        )
    return RedirectResponse(f"/patients/{patient_id}?notice=kin_added#kin", status_code=303)


@router.post("/{patient_id}/next-of-kin/{kin_id}/delete")
@requires(Permission.PATIENT_EDIT_CONTACT)
def kin_remove(
    request: Request, patient_id: int, kin_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    read.access_patient(ctx, patient_id=patient_id)
    service.next_of_kin_remove(ctx, patient_id=patient_id, kin_id=kin_id)
    return RedirectResponse(f"/patients/{patient_id}?notice=kin_removed#kin", status_code=303)
