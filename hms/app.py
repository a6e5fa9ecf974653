"""The application factory: settings, database, every domain's routers, error pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from hms.config import Settings, get_settings
from hms.db.pool import Database
from hms.web import error_pages, render
from hms.web.input_check import InputCheck, route_ids
from hms.web.security import SecurityHeaders

STATIC = Path(__file__).resolve().parent / "web" / "static"


class HospitalApp(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Starlette's last-resort 500 page is sent from outside every middleware
        # the app adds, so the security headers go around the whole stack.
        stack: ASGIApp = SecurityHeaders(super().build_middleware_stack())
        trusted = [p.strip() for p in self.state.settings.trusted_proxies.split(",") if p.strip()]
        if trusted:
            # Outermost: every layer within sees the client's address, taken
            # from X-Forwarded-For only when the peer is a trusted balancer.
            # uvicorn types ASGI apps more narrowly than Starlette; the same protocol.
            stack = cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, stack), trusted_hosts=trusted))
        return stack


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
    error_pages.install(app)
    return app


def _include_routers(app: FastAPI) -> None:
    """Each domain's pages (``pages.py``, ``pages_*.py``) and JSON API (``api.py``)."""
    from hms.access import pages as access_pages
    from hms.accounts import pages as account_pages
    from hms.accounts import pages_portal as portal_account_pages
    from hms.accounts import pages_staff as staff_pages
    from hms.audit import pages as audit_pages
    from hms.consultations import pages as consultation_pages
    from hms.journal import pages as journal_pages
    from hms.journal import pages_entries as journal_entry_pages
    from hms.lab import api as lab_api
    from hms.lab import pages as lab_pages
    from hms.lab import pages_radiology as lab_radiology_pages
    from hms.medication import api as medication_api
    from hms.medication import pages as medication_pages
    from hms.medication import pages_ward as medication_ward_pages
    from hms.messaging import pages as messaging_pages
    from hms.messaging import pages_portal as messaging_portal_pages
    from hms.organization import pages as organization_pages
    from hms.patients import api as patient_api
    from hms.patients import pages as patient_pages
    from hms.pharmacy import pages as pharmacy_pages
    from hms.pharmacy import pages_orders as pharmacy_order_pages
    from hms.portal import pages as portal_pages
    from hms.referrals import pages as referral_pages
    from hms.referrals import pages_patient as referral_patient_pages
    from hms.reports import pages as report_pages
    from hms.reports import pages_heads as report_head_pages
    from hms.requests import pages as request_pages
    from hms.requests import pages_portal as request_portal_pages
    from hms.scheduling import pages as scheduling_pages
    from hms.scheduling import pages_calendar as scheduling_calendar_pages
    from hms.scheduling import pages_feed as scheduling_feed_pages
    from hms.scheduling import pages_portal as scheduling_portal_pages
    from hms.scheduling import pages_setup as scheduling_setup_pages
    from hms.ward import pages as ward_pages
    from hms.web import health

    # FastAPI finds a request's route by trying every route of every router in
    # this order, so the pages asked most (the registry's search, the chart and
    # what is written from it) come first: a chart is tried against ten routes
    # instead of some fifty. No route of one router can match a path of
    # another (tests/web/test_route_order.py), so the order changes nothing else.
    for module in (
        patient_pages,
        journal_pages,
        journal_entry_pages,
        health,
        account_pages,
        staff_pages,
        organization_pages,
        patient_api,
        access_pages,
        audit_pages,
        portal_pages,
        consultation_pages,
        medication_pages,
        medication_ward_pages,
        medication_api,
        pharmacy_pages,
        pharmacy_order_pages,
        scheduling_pages,
        scheduling_calendar_pages,
        scheduling_setup_pages,
        scheduling_portal_pages,
        scheduling_feed_pages,
        portal_account_pages,
        messaging_pages,
        messaging_portal_pages,
        request_pages,
        request_portal_pages,
        referral_pages,
        referral_patient_pages,
        lab_pages,
        lab_radiology_pages,
        lab_api,
        ward_pages,
        report_pages,
        report_head_pages,
    ):
        app.include_router(module.router)
