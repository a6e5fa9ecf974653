"""The application factory: settings, database, routers, error pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from hms.access.policy import AccessRefused
from hms.config import Settings, get_settings
from hms.db.pool import Database
from hms.web import render
from hms.web.context import RequestContext
from hms.web.errors import CsrfFailed, Forbidden, HttpError, LoginRequired, NotFound
from hms.web.security import SecurityHeaders
from hms.web.sessions import offline_context

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sealer = None
        if database is None:
            from hms.audit.sealing import Sealer
            from hms.db.connect import app_url, owner_url, worker_url

            owner = owner_url(settings)
            app.state.db = Database(
                app_url(settings, owner), min_size=settings.pool_min, max_size=settings.pool_max
            )
            app.state.db.open()
            if settings.audit_seal_seconds > 0:
                sealer = Sealer(worker_url(settings, owner), every_seconds=settings.audit_seal_seconds)
                sealer.start()
        yield
        if sealer is not None:
            sealer.stop()
        if database is None:
            app.state.db.close()

    app = FastAPI(
        title="HMS",
        summary="Hospital management system: the medical journal and the work around it.",
        lifespan=lifespan,
        docs_url=None,  # the bundled Swagger UI loads from a CDN; the schema is at /openapi.json
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.jinja = render.build_environment()
    if database is not None:
        app.state.db = database
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _include_routers(app)
    _install_error_pages(app)
    return app


def _include_routers(app: FastAPI) -> None:
    from hms.access import pages as access_pages
    from hms.accounts import admin_pages as staff_admin_pages
    from hms.accounts import pages as account_pages
    from hms.audit import pages as audit_pages
    from hms.consultations import pages as consultation_pages
    from hms.journal import entry_pages as journal_entry_pages
    from hms.journal import pages as journal_pages
    from hms.organization import pages as organization_pages
    from hms.patients import api as patient_api
    from hms.patients import pages as patient_pages
    from hms.portal import pages as portal_pages
    from hms.web import health

    for module in (
        health, account_pages, staff_admin_pages, organization_pages, patient_pages, patient_api,
        journal_pages, journal_entry_pages, access_pages, audit_pages, portal_pages,
        consultation_pages,
    ):
        app.include_router(module.router)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _context(request: Request) -> RequestContext:
    return getattr(request.state, "ctx", None) or offline_context(request)


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": title}, status_code=status)
    return render.page(
        request, _context(request), "errors/error.html", status_code=status,
        status=status, title=title, message=message,
    )


def _install_error_pages(app: FastAPI) -> None:
    from hms.web.i18n import current_locale, gettext

    def translated(request: Request, text: str) -> str:
        token = current_locale.set(_context(request).locale)
        try:
            return gettext(text)
        finally:
            current_locale.reset(token)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "login required"}, status_code=401)
        params = {"next": request.url.path + (f"?{request.url.query}" if request.url.query else "")}
        if exc.idle:
            params["idle"] = "1"
        return RedirectResponse("/login?" + urlencode(params, safe="/"), status_code=303)

    @app.exception_handler(AccessRefused)
    async def access_refused(request: Request, exc: AccessRefused) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "access refused", "emergency_access": True}, status_code=403)
        return render.page(
            request, _context(request), "access/refused.html", status_code=403,
            patient_id=exc.patient_id, values={}, errors={},
        )

    @app.exception_handler(HttpError)
    async def http_error(request: Request, exc: HttpError) -> Response:
        titles = {
            NotFound: ("Not found", "There is nothing at this address."),
            Forbidden: ("Access refused", "You do not have access to this page."),
            CsrfFailed: ("Form expired", "The form had expired. Go back, reload and try again."),
        }
        title, message = titles.get(type(exc), ("Error", "Something went wrong."))
        return _error_page(
            request, exc.status_code, translated(request, title), translated(request, message)
        )

    @app.exception_handler(StarletteHTTPException)
    async def starlette_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return await http_error(request, NotFound())
        if exc.status_code == 405:
            return _error_page(request, 405, "Method not allowed", "")
        return _error_page(request, exc.status_code, "Error", "")
