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


# auto_explain, for one transaction: every statement's plan, those run inside
# functions too, with what each step did.
AUTO_EXPLAIN = {
    "auto_explain.log_min_duration": "0",
    "auto_explain.log_nested_statements": "on",
    "auto_explain.log_analyze": "on",
    "auto_explain.log_buffers": "on",
    "client_min_messages": "log",
}


def explained(conn: psycopg.Connection, settings: dict[str, str] | None = None) -> list[str]:
    """Within the current transaction: auto_explain on (with ``settings`` besides),
    and the list the plans of the statements that follow are collected in, as the
    server sends them. Loading auto_explain takes a superuser."""
    conn.execute("LOAD 'auto_explain'")
    for name, value in (AUTO_EXPLAIN | (settings or {})).items():
        conn.execute("SELECT set_config(%s, %s, true)", [name, value])
    plans: list[str] = []
    conn.add_notice_handler(lambda notice: plans.append(notice.message_primary or ""))
    return plans
