"""The access seam: every route declares, in one place, who may use it.

A route's endpoint carries its policy (``@public``, ``@login_required``,
``@requires(Permission.X)``). ``GuardedRoute`` refuses to register an endpoint
without one and runs the check before the handler, inside the request's one
transaction. This is the only way into a handler.
"""

import functools
import hmac
import inspect
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
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


# The name under which a guarded endpoint is handed its request (see _guarded).
REQUEST_PARAM = "hms_guard_request"

# A router's gate: asked after the route's policy and before its handler, in the
# same transaction (the journal's routes ask the access decision for the patient).
Gate = Callable[[Request, RequestContext], object]


def _prepare(policy: Policy) -> Callable[[Request], Awaitable[None]]:
    """What the guard does in the event loop, before the handler's thread: the
    request's context, not yet loaded, for the handler's ``current``; and the
    form's CSRF token, whose reading awaits the body."""

    async def prepare(request: Request) -> None:
        if not policy.needs_database:
            request.state.ctx = sessions.offline_context(request)
            return
        request.state.ctx = sessions.pending_context(request)
        sent = request.headers.get("x-csrf-token")
        if (
            request.method not in SAFE_METHODS
            and sent is None
            and "form" in request.headers.get("content-type", "")
        ):
            sent = (await read_form(request)).get("csrf_token")  # type: ignore[assignment]
        request.state.csrf_sent = sent

    return prepare


@contextmanager
def _entered(
    request: Request, policy: Policy, gate: Gate | None, *, rollback: bool = False, csrf: bool = True
) -> Iterator[RequestContext]:
    """The guard's way in, in order: a pooled connection and one transaction,
    the session proved to the database, the route's policy, the CSRF token,
    the router's gate. A refusal's audit row is written after the rollback."""
    ctx: RequestContext = request.state.ctx
    with request.app.state.db.pool.connection() as conn:
        try:
            with conn.transaction(force_rollback=rollback):
                sessions.load_into(ctx, conn, request)
                try:
                    policy.enforce(ctx)
                except Refused as refusal:
                    refusal.audit = _route_refusal(request)
                    raise
                if csrf:
                    _check_csrf(request, ctx)
                if gate is not None:
                    gate(request, ctx)
                yield ctx
        except DomainError as exc:
            if exc.audit is not None:
                _record_refusal(conn, ctx, exc.audit)
            raise
        finally:
            # The connection goes back to the pool: nothing drawn later (an
            # error page) may use it for this request.
            ctx.conn = None  # type: ignore[assignment]


def refusal_first(request: Request, *, form_read: bool = True) -> None:
    """For a request FastAPI refuses before its handler's thread (a value it
    cannot read, a form over the limits): the guard's own refusal, raised, if
    the guard would refuse it, since the guard answers first (a role without
    the permission is refused, not told which field is wrong). Otherwise the
    context is loaded for the error page, and the transaction rolled back.
    ``form_read``: False when the refusal is that the form could not be read,
    which the guard then answers after the policy, where it read the token."""
    route = request.scope.get("route")
    ctx: RequestContext | None = getattr(request.state, "ctx", None)
    if not isinstance(route, GuardedRoute) or ctx is None or ctx.loaded or not route.policy.needs_database:
        return
    # Without its form the guard stops at the token it cannot read: FastAPI's refusal stands.
    gate = type(route).gate if form_read else None
    with _entered(request, route.policy, gate, rollback=True, csrf=form_read):
        pass


def _guarded(policy: Policy, gate: Gate | None, endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """The endpoint inside its guard, all in the one worker thread FastAPI runs a
    plain function in: a pooled connection, one transaction, the session proved
    to the database, the policy, the CSRF token, the router's gate, the handler,
    the commit. (As FastAPI dependencies, the guard's opening and closing took a
    thread hop each, and the journal's gate a third.)"""
    if inspect.iscoroutinefunction(endpoint):
        raise RuntimeError(f"{endpoint.__name__}: a handler is a plain function, run in the guard's thread")

    signature = inspect.signature(endpoint)
    # FastAPI hands the request to one parameter only: the handler's own, if it has one.
    own = next((p.name for p in signature.parameters.values() if p.annotation is Request), None)

    @functools.wraps(endpoint)
    def guarded(**values: Any) -> Any:
        request: Request = values[own] if own else values.pop(REQUEST_PARAM)
        if not policy.needs_database:
            return endpoint(**values)
        with _entered(request, policy, gate):
            # The transaction commits when the handler returns, before the
            # response leaves (else a redirect can outrun its own commit).
            return endpoint(**values)

    if own is None:
        handed = inspect.Parameter(REQUEST_PARAM, inspect.Parameter.KEYWORD_ONLY, annotation=Request)
        guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), handed]
        )
    guarded.__hms_guarded__ = True  # type: ignore[attr-defined]
    return guarded


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


def _check_csrf(request: Request, ctx: RequestContext) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = getattr(request.state, "csrf_sent", None)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, ctx.csrf_token):
        raise CsrfFailed()


class GuardedRoute(APIRoute):
    # The gate of the router the route belongs to (see guarded_router).
    gate: Gate | None = None

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        policy = policy_of(endpoint)
        if policy is None:
            raise RuntimeError(f"route {path} ({endpoint.__name__}) declares no access policy")
        if not getattr(endpoint, "__hms_guarded__", False):
            endpoint = _guarded(policy, type(self).gate, endpoint)
        own = list(kwargs.pop("dependencies", None) or [])
        kwargs["dependencies"] = [Depends(_prepare(policy)), *own]
        super().__init__(path, endpoint, **kwargs)
        self.policy = policy


def guarded_router(*, gate: Gate | None = None, **kwargs: Any) -> APIRouter:
    """An APIRouter whose every route goes through the guard, and through
    ``gate`` after it when one is given."""
    route_class = (
        GuardedRoute if gate is None else type("GatedRoute", (GuardedRoute,), {"gate": staticmethod(gate)})
    )
    return APIRouter(route_class=route_class, **kwargs)


async def current(request: Request) -> RequestContext:
    """The request's context, for handlers. The guard made it before the handler's
    parameters are read and loads it (the session, the user) in the handler's
    thread before the handler runs. Async, though it awaits nothing: FastAPI runs
    a plain function dependency in a worker thread of its own."""
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
