"""Server-side sessions in PostgreSQL, carried by an HttpOnly, SameSite cookie.

The cookie holds a random token; the table holds its SHA-256. Anonymous
visitors get a CSRF token of their own in a separate cookie (double submit),
so the login form is protected too.
"""

import hashlib
import ipaddress
import secrets

from fastapi import Request, Response

from hms.access.roles import Role
from hms.config import Settings
from hms.db.pool import Conn, declare_user
from hms.db.queries import load
from hms.web.context import CurrentUser, RequestContext
from hms.web.i18n import pick_locale

SESSION_COOKIE = "hms_session"
CSRF_COOKIE = "hms_csrf"

q = load("accounts")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def client_addr(request: Request) -> str | None:
    """The peer's IP address (None when the transport gives no address, as in tests)."""
    host = request.client.host if request.client else None
    try:
        return str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        return None


def load_context(conn: Conn, request: Request) -> RequestContext:
    """Resolve the session cookie (if any) into the request's user."""
    settings: Settings = request.app.state.settings
    token = request.cookies.get(SESSION_COOKIE)
    row = None
    if token:
        row = q.session_user(
            conn, token_hash=token_hash(token), idle_minutes=settings.idle_timeout_minutes
        )
    if row is None or row["is_idle"]:
        return _anonymous(conn, request, settings, idle=row is not None)
    if row["needs_touch"]:
        q.session_touch(conn, token_hash=token_hash(token))
    user = CurrentUser(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        full_name=row["full_name"],
        locale=row["locale"],
    )
    declare_user(conn, user.id, user.role.value)
    return RequestContext(
        conn=conn,
        user=user,
        locale=request.cookies.get("hms_lang") or user.locale,
        csrf_token=row["csrf_token"],
        client_addr=client_addr(request),
        session_token_hash=token_hash(token),
    )


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


def session_open(conn: Conn, request: Request, response: Response, *, user_id: int) -> None:
    """Start a session for a user who has just proved who they are."""
    settings: Settings = request.app.state.settings
    token = new_token()
    q.sessions_delete_idle(conn, idle_minutes=settings.idle_timeout_minutes)
    q.session_create(
        conn,
        token_hash=token_hash(token),
        user_id=user_id,
        csrf_token=new_token(),
        client_addr=client_addr(request),
        user_agent=(request.headers.get("user-agent") or "")[:300],
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def session_close(conn: Conn, request: Request, response: Response) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        q.session_delete(conn, token_hash=token_hash(token))
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
