"""The application factory: settings, database, routers, error pages."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from hms.access.policy import AccessRefused
from hms.config import Settings, get_settings
from hms.db.pool import Database
from hms.web import render
from hms.web.error_pages import context_of, error_page, server_error_page, wants_json
from hms.web.errors import CsrfFailed, Forbidden, HttpError, LoginRequired, NotFound
from hms.web.input_check import InputCheck, route_ids
from hms.web.security import SecurityHeaders

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger(__name__)

# SQLSTATEs of values the database cannot hold: string too long for its column,
# number out of range, bad date, text it cannot read as the column's type,
# characters it cannot encode.
UNSTORABLE = frozenset({"22001", "22003", "22007", "22008", "22021", "22P02", "22P05"})


class HospitalApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Starlette's last-resort 500 page is sent from outside every middleware
        # the app adds, so the security headers go around the whole stack.
        return SecurityHeaders(super().build_middleware_stack())


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

    app = HospitalApp(
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
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _include_routers(app)
    app.add_middleware(InputCheck, routes=route_ids(app.routes))
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


def _install_error_pages(app: FastAPI) -> None:
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
            request, context_of(request), "access/refused.html", status_code=403,
            patient_id=exc.patient_id, values={}, errors={},
        )

    @app.exception_handler(HttpError)
    async def http_error(request: Request, exc: HttpError) -> Response:
        kinds = {NotFound: "not_found", Forbidden: "forbidden", CsrfFailed: "form_expired"}
        return error_page(request, kinds.get(type(exc), "error"), status=exc.status_code)

    @app.exception_handler(StarletteHTTPException)
    async def starlette_error(request: Request, exc: StarletteHTTPException) -> Response:
        kinds = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 422: "invalid_value"}
        return error_page(request, kinds.get(exc.status_code, "error"), status=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def unreadable(request: Request, exc: RequestValidationError) -> Response:
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
