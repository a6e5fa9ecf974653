"""Login, logout, language and each role's home page."""

from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.accounts import home, service
from hms.core.context import RequestContext
from hms.core.roles import Role
from hms.web import sessions
from hms.web.guard import current, form_data, guarded_router, login_required, public
from hms.web.i18n import LOCALES
from hms.web.render import page

router = guarded_router()

LOGIN_FAILED = "The username or password is wrong, or the account is locked or inactive."


def _safe_next(target: str | None) -> str:
    """Only local paths: a login link must not send anyone to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
@public
def login_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    if ctx.user is not None:
        return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    return page(
        request,
        ctx,
        "accounts/login.html",
        next=_safe_next(request.query_params.get("next")),
        idle=request.query_params.get("idle") == "1",
        activated=request.query_params.get("activated") == "1",
        idle_minutes=request.app.state.settings.idle_timeout_minutes,
        values={},
        error=None,
    )


@router.post("/login", response_class=HTMLResponse)
@public
def login_submit(
    request: Request,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    target = _safe_next(form.get("next"))
    response = RedirectResponse(target, status_code=303)
    user_id = sessions.login(
        ctx.conn, request, response, username=form.get("username", ""), password=form.get("password", "")
    )
    if user_id is None:
        return page(
            request,
            ctx,
            "accounts/login.html",
            status_code=401,
            next=target,
            idle=False,
            idle_minutes=request.app.state.settings.idle_timeout_minutes,
            values={"username": form.get("username", "")},
            error=LOGIN_FAILED,
        )
    return response


@router.post("/logout")
@login_required
def logout(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    response = RedirectResponse("/login", status_code=303)
    sessions.session_close(ctx.conn, request, response)
    return response


@router.post("/language")
@public
def language(
    request: Request,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    locale = form.get("locale", "")
    response = RedirectResponse(quote(_safe_next(form.get("next")), safe="/?=&"), status_code=303)
    if locale in LOCALES:
        response.set_cookie("hms_lang", locale, httponly=True, samesite="lax", max_age=31536000)
        if ctx.user is not None:
            service.user_set_locale(ctx.conn, locale=locale)
    return response


@router.get("/", response_class=HTMLResponse)
@login_required
def start(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    user = ctx.staff
    template = {
        Role.DOCTOR: "accounts/home_clinician.html",
        Role.NURSE: "accounts/home_clinician.html",
        Role.PHARMACIST: "accounts/home_pharmacist.html",
        Role.RECEPTIONIST: "accounts/home_front_desk.html",
        Role.ADMINISTRATOR: "accounts/home_admin.html",
        Role.EXTERNAL_SPECIALIST: "accounts/home_specialist.html",
        Role.PATIENT: "accounts/home_patient.html",
        Role.RELATIVE: "accounts/home_relative.html",
    }[user.role]
    return page(request, ctx, template, **home.home_data(ctx))
