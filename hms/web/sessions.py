"""Server-side sessions in PostgreSQL, carried by an HttpOnly, SameSite cookie.

The cookie holds a random token; the database holds its SHA-256, checks it at
the start of every transaction and knows the user only from that check. Anonymous
visitors get a CSRF token of their own in a separate cookie (double submit),
so the login form is protected too.
"""

import ipaddress
import secrets
from dataclasses import fields, replace
from typing import Any

from fastapi import Request, Response

from hms.accounts import service
from hms.config import Settings
from hms.core.context import CurrentUser, RequestContext
from hms.core.roles import Role
from hms.db.pool import Conn
from hms.web.i18n import pick_locale

SESSION_COOKIE = "hms_session"
CSRF_COOKIE = "hms_csrf"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def client_addr(request: Request) -> str | None:
    """The peer's IP address (None when the transport gives no address, as in tests)."""
    host = request.client.host if request.client else None
    try:
        return str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        return None


def load_context(conn: Conn, request: Request) -> RequestContext:
    """Resolve the session cookie (if any) into the request's user. The
    database checks the token and makes its user this transaction's verified
    user (hms_authenticate): row-level security, triggers and the audit log
    know who is acting from that, never from a claim of the app's."""
    settings: Settings = request.app.state.settings
    token = request.cookies.get(SESSION_COOKIE)
    row = authenticate(conn, token)
    if row is None or row["is_idle"] or token is None:
        return _anonymous(conn, request, settings, idle=row is not None)
    user = CurrentUser(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        full_name=row["full_name"],
        locale=row["locale"],
    )
    return RequestContext(
        conn=conn,
        user=user,
        locale=request.cookies.get("hms_lang") or user.locale,
        csrf_token=row["csrf_token"],
        client_addr=client_addr(request),
        session_token=token,
    )


def pending_context(request: Request) -> RequestContext:
    """A request's context before its transaction: no connection and no user yet.
    The guard loads it (``load_into``) in the handler's thread."""
    return replace(offline_context(request), loaded=False)


def load_into(ctx: RequestContext, conn: Conn, request: Request) -> None:
    """Load a pending context in place (the handler already holds it): the
    session proved in this transaction, as ``load_context`` does."""
    loaded = load_context(conn, request)
    for name in _CONTEXT_FIELDS:
        setattr(ctx, name, getattr(loaded, name))


_CONTEXT_FIELDS = tuple(f.name for f in fields(RequestContext))


def authenticate(conn: Conn, token: str | None) -> dict[str, Any] | None:
    """Prove the session to the database for the current transaction; the
    session's user, or None. Called once at the start of every transaction."""
    if not token or "\x00" in token or len(token) > 200:
        return None
    return service.session_authenticate(conn, token=token)


def _anonymous(conn: Conn, request: Request, settings: Settings, *, idle: bool) -> RequestContext:
    csrf = request.cookies.get(CSRF_COOKIE)
    return RequestContext(
        conn=conn,
        user=None,
        locale=pick_locale(request, settings.default_locale),
        csrf_token=csrf or new_token(),
        client_addr=client_addr(request),
        new_csrf_cookie=csrf is None,
        session_was_idle=idle,
    )


def login(conn: Conn, request: Request, response: Response, *, username: str, password: str) -> int | None:
    """Log in: the database checks the password's proof and opens a session
    for a new token, which the cookie then carries. None if the login failed."""
    settings: Settings = request.app.state.settings
    token = new_token()
    user_id = service.login(
        conn,
        attempt=service.Login(
            username=username,
            token=token,
            csrf_token=new_token(),
            client_addr=client_addr(request),
            user_agent=request.headers.get("user-agent") or "",
        ),
        password=password,
        idle_minutes=settings.idle_timeout_minutes,
        max_failures=settings.max_failed_logins,
        lock_minutes=settings.lockout_minutes,
    )
    if user_id is not None:
        response.set_cookie(
            SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
        )
    return user_id


def session_close(conn: Conn, request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.session_close(conn, token=token)
    response.delete_cookie(SESSION_COOKIE, path="/")


def set_csrf_cookie(response: Response, ctx: RequestContext, settings: Settings) -> None:
    if ctx.new_csrf_cookie:
        response.set_cookie(
            CSRF_COOKIE,
            ctx.csrf_token,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            path="/",
        )


def offline_context(request: Request) -> RequestContext:
    """A context with no connection and no user, for routes that need neither."""
    settings: Settings = request.app.state.settings
    return RequestContext(
        conn=None,  # type: ignore[arg-type]
        user=None,
        locale=pick_locale(request, settings.default_locale),
        csrf_token="",
        client_addr=client_addr(request),
    )
