"""Portal accounts: reception creates a patient's or a relative's login and
hands over its one-time activation code; the person activates it at
``/activate`` by setting their own password.

The code is shown once, on the page that answers the request that made it
(never stored by the app, never in an address).
"""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from hms.accounts import read, service
from hms.accounts.forms import PASSWORD_FIELDS, ActivationForm, PortalAccountForm, RelativeAccountForm
from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.roles import Permission
from hms.patients import read as patient_read
from hms.web.forms import FormPage, parse
from hms.web.guard import current, form_data, guarded_router, public, requires
from hms.web.render import page

router = guarded_router()


def _kept(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """What a form shows again: everything typed but passwords."""
    return {k: v for k, v in values.items() if k not in PASSWORD_FIELDS}


PATIENT_ACCOUNT_FORM = FormPage("accounts/portal_account.html", fill=_kept)
RELATIVE_ACCOUNT_FORM = FormPage("accounts/portal_relative_new.html", fill=_kept)
ACTIVATION_FORM = FormPage("accounts/activate.html", fill=_kept)


def _code_page(request: Request, ctx: RequestContext, *, code: str, account: dict[str, Any]) -> Response:
    """The code, shown this once, with what to tell its holder (every page
    is sent with Cache-Control: no-store)."""
    return page(request, ctx, "accounts/portal_code.html", code=code, account=account)


def _patient_account_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    patient = patient_read.access_patient(ctx, patient_id=patient_id)
    return PATIENT_ACCOUNT_FORM.show(
        request,
        ctx,
        values,
        errors=errors,
        status_code=status_code,
        patient=patient,
        account=read.portal_account_of_patient(ctx, patient_id=patient_id),
    )


@router.get("/patients/{patient_id}/portal-account", response_class=HTMLResponse)
@requires(Permission.PORTAL_ACCOUNT_CREATE)
def patient_account(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return _patient_account_page(request, ctx, patient_id, {})


@router.post("/patients/{patient_id}/portal-account", response_class=HTMLResponse)
@requires(Permission.PORTAL_ACCOUNT_CREATE)
def patient_account_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        data = parse(PortalAccountForm, form)
        code = service.portal_account_for_patient(
            ctx.conn, patient_id=patient_id, username=data.username, locale=data.locale
        )
    except Invalid as exc:
        return _patient_account_page(request, ctx, patient_id, form, errors=exc.errors, status_code=422)
    account = read.portal_account_of_patient(ctx, patient_id=patient_id)
    return _code_page(request, ctx, code=code, account=account or {})


@router.get("/portal-accounts/relatives/new", response_class=HTMLResponse)
@requires(Permission.PORTAL_ACCOUNT_CREATE)
def relative_account_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return RELATIVE_ACCOUNT_FORM.show(request, ctx, {})


@router.post("/portal-accounts/relatives/new", response_class=HTMLResponse)
@requires(Permission.PORTAL_ACCOUNT_CREATE)
def relative_account_create(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        data = parse(RelativeAccountForm, form)
        code = service.portal_account_for_relative(
            ctx.conn, username=data.username, full_name=data.full_name, email=data.email, locale=data.locale
        )
    except Invalid as exc:
        return RELATIVE_ACCOUNT_FORM.show(request, ctx, form, errors=exc.errors, status_code=422)
    account = read.user_by_username(ctx, username=data.username)
    return _code_page(request, ctx, code=code, account=account or {})


@router.post("/portal-accounts/{user_id}/code", response_class=HTMLResponse)
@requires(Permission.PORTAL_ACCOUNT_CREATE)
def code_reissue(request: Request, user_id: int, ctx: RequestContext = Depends(current)) -> Response:
    account = read.portal_account(ctx, user_id=user_id)
    if account is None:
        raise NotFound()
    try:
        code = service.portal_code_reissue(ctx.conn, user_id=user_id)
    except Invalid as exc:
        return page(
            request,
            ctx,
            "accounts/portal_code.html",
            status_code=422,
            code=None,
            account=account,
            errors=exc.errors,
        )
    return _code_page(request, ctx, code=code, account=account)


@router.get("/activate", response_class=HTMLResponse)
@public
def activate_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return ACTIVATION_FORM.show(request, ctx, {"username": request.query_params.get("username", "")[:64]})


@router.post("/activate", response_class=HTMLResponse)
@public
def activate(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    def save() -> str:
        data = parse(ActivationForm, form)
        service.portal_account_activate(
            ctx.conn, username=data.username, code=data.code, password=data.password
        )
        return "/login?activated=1"

    return ACTIVATION_FORM.submit(request, ctx, form, save)
