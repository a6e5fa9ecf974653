"""The access seam: every route declares, in one place, who may use it.

A route's endpoint carries its policy (``@public``, ``@login_required``,
``@requires(Permission.X)``). ``GuardedRoute`` refuses to register an endpoint
without one and runs the check before the handler, inside the request's one
transaction. This is the only way into a handler.
"""

import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from fastapi import Depends, Request
from fastapi.routing import APIRoute, APIRouter
from starlette.datastructures import FormData

from hms.audit.service import audit_refused
from hms.core.context import RequestContext
from hms.core.errors import DomainError, Refused
from hms.core.roles import Permission
from hms.db.pool import Conn
from hms.web import sessions
from hms.web.errors import CsrfFailed, LoginRequired

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Policy:
    kind: Literal["public", "login", "permission"]
    permission: Permission | None = None
    # False only for the health check, which must answer even when the database cannot.
    needs_database: bool = True

    def enforce(self, ctx: RequestContext) -> None:
        if self.kind == "public":
            return
        if ctx.user is None:
            raise LoginRequired(idle=ctx.session_was_idle)
        if self.permission is not None and not ctx.user.can(self.permission):
            raise Refused()

    def describe(self) -> str:
        return self.permission.value if self.permission else self.kind


# An endpoint keeps its own signature when it is given its policy.
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def _declare(policy: Policy) -> Callable[[Endpoint], Endpoint]:
    def mark(endpoint: Endpoint) -> Endpoint:
        endpoint.__hms_policy__ = policy  # type: ignore[attr-defined]
        return endpoint

    return mark


public = _declare(Policy("public"))
public_without_database = _declare(Policy("public", needs_database=False))
login_required = _declare(Policy("login"))


def requires(permission: Permission) -> Callable[[Endpoint], Endpoint]:
    return _declare(Policy("permission", permission))


def policy_of(endpoint: Callable[..., Any]) -> Policy | None:
    return getattr(endpoint, "__hms_policy__", None)


def _guard(policy: Policy) -> Callable[[Request], Iterator[RequestContext]]:
    def guard(request: Request) -> Iterator[RequestContext]:
        if not policy.needs_database:
            request.state.ctx = sessions.offline_context(request)
            yield request.state.ctx
            return
        with request.app.state.db.pool.connection() as conn:
            try:
                with conn.transaction():
                    ctx = sessions.load_context(conn, request)
                    request.state.ctx = ctx
                    try:
                        policy.enforce(ctx)
                    except Refused as refusal:
                        refusal.audit = _route_refusal(request)
                        raise
                    yield ctx
            except DomainError as exc:
                if exc.audit is not None:
                    _record_refusal(conn, request.state.ctx, exc.audit)
                raise

    return guard


def _route_refusal(request: Request) -> dict[str, object] | None:
    """A role refused a route about one patient (its path names the patient):
    that refusal belongs in the patient's audit trail too."""
    raw = request.path_params.get("patient_id")
    if raw is None or not str(raw).isdigit():
        return None
    return {"patient_id": int(raw), "action": "route.refused", "detail": request.url.path[:200]}


def _record_refusal(conn: Conn, ctx: RequestContext, event: dict[str, object]) -> None:
    """Write a refusal's audit row in its own transaction, after the work rolled back."""
    with conn.transaction():
        # A new transaction: the session proves itself to the database again.
        sessions.authenticate(conn, ctx.session_token)
        audit_refused(ctx, **event)  # type: ignore[arg-type]


# A form with more files or fields than any of the app's sends (a message has
# at most three files; a fourth gets its own message) is refused with 400
# before its parts are read.
MAX_FORM_FILES = 10
MAX_FORM_FIELDS = 200


async def read_form(request: Request) -> FormData:
    """The request's form, parsed once (Starlette keeps it), within the limits."""
    return await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS)


async def _check_csrf(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    ctx: RequestContext = request.state.ctx
    sent = request.headers.get("x-csrf-token")
    if sent is None and "form" in request.headers.get("content-type", ""):
        sent = (await read_form(request)).get("csrf_token")  # type: ignore[assignment]
    if not isinstance(sent, str) or not hmac.compare_digest(sent, ctx.csrf_token):
        raise CsrfFailed()


class GuardedRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        policy = policy_of(endpoint)
        if policy is None:
            raise RuntimeError(f"route {path} ({endpoint.__name__}) declares no access policy")
        own = list(kwargs.pop("dependencies", None) or [])
        # scope="function": the transaction commits when the handler returns, before
        # the response leaves (else a redirect can outrun its own commit).
        kwargs["dependencies"] = [Depends(_guard(policy), scope="function"), Depends(_check_csrf), *own]
        super().__init__(path, endpoint, **kwargs)
        self.policy = policy


def guarded_router(**kwargs: Any) -> APIRouter:
    """An APIRouter whose every route goes through the guard."""
    return APIRouter(route_class=GuardedRoute, **kwargs)


async def current(request: Request) -> RequestContext:
    """The request's context, for handlers (the guard has already built it).
    Async, though it awaits nothing: FastAPI runs a plain function dependency in
    a worker thread, and this one only reads what the guard left on the request."""
    ctx: RequestContext = request.state.ctx
    return ctx


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form as plain strings (files are not accepted here)."""
    form = await read_form(request)
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def form_lists(request: Request) -> dict[str, list[str]]:
    """Every value of each field, for checkbox groups."""
    form = await read_form(request)
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form.keys()}


def all_routes(routes: list[Any]) -> Iterator[Any]:
    """Every route of an app, including those of included routers (which
    FastAPI may keep behind a wrapper that points at the original router)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from all_routes(inner.routes)
        else:
            yield route
