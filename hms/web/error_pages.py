"""The page that answers a request the app refuses or cannot serve: HTML in the
visitor's language, or JSON for the API and the health check."""

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from hms.web import render
from hms.web.context import RequestContext
from hms.web.i18n import current_locale, gettext
from hms.web.sessions import offline_context

# kind -> (status, title, message). English msgids, translated as the page is
# rendered; the API answers with the title in lower case.
PAGES: dict[str, tuple[int, str, str]] = {
    "bad_request": (
        400, "Bad request", "The address or the form held a value that cannot be saved or searched for."
    ),
    "not_found": (404, "Not found", "There is nothing at this address."),
    "forbidden": (403, "Access refused", "You do not have access to this page."),
    "form_expired": (403, "Form expired", "The form had expired. Go back, reload and try again."),
    "method_not_allowed": (405, "Method not allowed", ""),
    "invalid_value": (
        422, "Invalid value", "A number or another value in the address or the form could not be read."
    ),
    "server_error": (500, "Server error", "Something went wrong."),
    "error": (500, "Error", "Something went wrong."),  # any other status
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def context_of(request: Request) -> RequestContext:
    """The request's context if the guard built one, else a visitor's."""
    return getattr(request.state, "ctx", None) or offline_context(request)


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
        request, context_of(request), "errors/error.html", status_code=status, status=status,
        title=translated(request, title), message=translated(request, message) if message else "",
    )


def server_error_page(request: Request) -> Response:
    """The 500 page. It must not fail in turn: if the page itself cannot be
    rendered (the fault may lie there), plain text still answers."""
    try:
        return error_page(request, "server_error")
    except Exception:  # the original fault is the one to log, and it is re-raised
        return PlainTextResponse("500 Internal Server Error", status_code=500)
