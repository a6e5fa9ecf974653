"""The page that answers a request the app refuses or cannot serve: HTML in the
visitor's language, or JSON for the API and the health check. Here the
domain's errors (hms.core.errors) become HTTP statuses."""

import functools
import logging
from urllib.parse import urlencode

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from hms.access.policy import AccessRefused
from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound, Refused
from hms.web import render
from hms.web.errors import CsrfFailed, LoginRequired
from hms.web.guard import refusal_first
from hms.web.i18n import current_locale, gettext
from hms.web.sessions import offline_context

log = logging.getLogger(__name__)

# SQLSTATEs of values the database cannot hold: string too long for its column,
# number out of range, bad date, text it cannot read as the column's type,
# characters it cannot encode.
UNSTORABLE = frozenset({"22001", "22003", "22007", "22008", "22021", "22P02", "22P05"})

# kind -> (status, title, message). English msgids, translated as the page is
# rendered; the API answers with the title in lower case.
PAGES: dict[str, tuple[int, str, str]] = {
    "bad_request": (
        400,
        "Bad request",
        "The address or the form held a value that cannot be saved or searched for.",
    ),
    "not_found": (404, "Not found", "There is nothing at this address."),
    "forbidden": (403, "Access refused", "You do not have access to this page."),
    "form_expired": (403, "Form expired", "The form had expired. Go back, reload and try again."),
    "method_not_allowed": (405, "Method not allowed", ""),
    "invalid_value": (
        422,
        "Invalid value",
        "A number or another value in the address or the form could not be read.",
    ),
    "server_error": (500, "Server error", "Something went wrong."),
    "error": (500, "Error", "Something went wrong."),  # any other status
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def context_of(request: Request) -> RequestContext:
    """The request's context if the guard built one, else a visitor's."""
    return getattr(request.state, "ctx", None) or offline_context(request)


async def guard_first(request: Request, *, form_read: bool = True) -> Response | None:
    """The guard's answer to a request FastAPI refused before its handler's
    thread, if the guard refuses it too (see ``refusal_first``): answered by
    that refusal's own handler."""
    try:
        await run_in_threadpool(functools.partial(refusal_first, request, form_read=form_read))
    except Exception as exc:
        for kind in type(exc).__mro__[:-3]:  # not Exception's (a fault's page), BaseException's, object's
            handler = request.app.exception_handlers.get(kind)
            if handler is not None:
                response: Response = await handler(request, exc)
                return response
        raise
    return None


def translated(request: Request, text: str) -> str:
    token = current_locale.set(context_of(request).locale)
    try:
        return gettext(text)
    finally:
        current_locale.reset(token)


def error_page(request: Request, kind: str, *, status: int | None = None) -> Response:
    """The page for one kind of refusal (``status`` overrides its usual code)."""
    usual, title, message = PAGES[kind]
    status = status or usual
    if wants_json(request):
        return JSONResponse({"error": title.lower()}, status_code=status)
    return render.page(
        request,
        context_of(request),
        "errors/error.html",
        status_code=status,
        status=status,
        title=translated(request, title),
        message=translated(request, message) if message else "",
    )


def server_error_page(request: Request) -> Response:
    """The 500 page. It must not fail in turn: if the page itself cannot be
    rendered (the fault may lie there), plain text still answers."""
    try:
        return error_page(request, "server_error")
    except Exception:  # the original fault is the one to log, and it is re-raised
        return PlainTextResponse("500 Internal Server Error", status_code=500)


def install(app: FastAPI) -> None:
    """Answer every refusal and fault with its page (or JSON)."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "login required"}, status_code=401)
        params = {"next": request.url.path + (f"?{request.url.query}" if request.url.query else "")}
        if exc.idle:
            params["idle"] = "1"
        return RedirectResponse("/login?" + urlencode(params, safe="/"), status_code=303)

    @app.exception_handler(AccessRefused)
    async def access_refused(request: Request, exc: AccessRefused) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "access refused", "emergency_access": True}, status_code=403)
        return render.page(
            request,
            context_of(request),
            "access/refused.html",
            status_code=403,
            patient_id=exc.patient_id,
            values={},
            errors={},
        )

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_page(request, "not_found")

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return error_page(request, "forbidden")

    @app.exception_handler(Invalid)
    async def invalid(request: Request, exc: Invalid) -> Response:
        # Pages catch Invalid and show the form again with its messages; one
        # that escapes a handler still answers as a value to fix, not a fault.
        return error_page(request, "invalid_value")

    @app.exception_handler(CsrfFailed)
    async def form_expired(request: Request, exc: CsrfFailed) -> Response:
        return error_page(request, "form_expired")

    @app.exception_handler(StarletteHTTPException)
    async def starlette_error(request: Request, exc: StarletteHTTPException) -> Response:
        # A 400 here is a form over the limits, refused while the guard read its token.
        if exc.status_code == 400:
            refused_first = await guard_first(request, form_read=False)
            if refused_first is not None:
                return refused_first
        kinds = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 422: "invalid_value"}
        return error_page(request, kinds.get(exc.status_code, "error"), status=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def unreadable(request: Request, exc: RequestValidationError) -> Response:
        if (refused_first := await guard_first(request)) is not None:
            return refused_first
        # An address whose id cannot be read names nothing; anything else is a value to fix.
        in_path = any(error["loc"][:1] == ("path",) for error in exc.errors())
        return error_page(request, "not_found" if in_path else "invalid_value")

    @app.exception_handler(psycopg.DataError)
    async def unstorable(request: Request, exc: psycopg.DataError) -> Response:
        # A value the database cannot hold (a NUL byte, a number out of range, an
        # over-long code) is the sender's to fix. Other data errors, such as a
        # division by zero, are faults of the app and stay 500s.
        if exc.sqlstate is not None and exc.sqlstate not in UNSTORABLE:
            raise exc
        route = getattr(request.scope.get("route"), "path", "?")  # the route, not the ids it was given
        log.info("a value refused by the database (%s) at %s", exc.sqlstate or "psycopg", route)
        return error_page(request, "bad_request")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette logs the fault and re-raises it after this page is sent.
        return server_error_page(request)
