"""EXPLAIN as the app sees it: a benchmark, connected as the schema's owner,
opens a session for a user and then proves it as hms_app, exactly as a
request's transaction does, so row-level security plans as in production."""

import hashlib
import secrets

import psycopg
from psycopg import sql


def act_as_app(conn: psycopg.Connection, user_id: int | None, app_role: str = "hms_app") -> None:
    """Within the current transaction: open a session for the user (as the
    owner), switch to the app's role and prove the session to the database."""
    token = secrets.token_urlsafe(32)
    if user_id is not None:
        conn.execute(
            "INSERT INTO user_session (token_hash, user_id, csrf_token) VALUES (%s, %s, %s)",
            [hashlib.sha256(token.encode()).digest(), user_id, secrets.token_urlsafe(32)],
        )
    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(app_role)))
    conn.execute("SELECT count(*) FROM hms_authenticate(%s)", [token])
