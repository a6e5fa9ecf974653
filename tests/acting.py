"""Acting as a user with plain SQL through the app's database role, the only
way the database allows it: by proving a live session of that user.

``session_for`` opens a session as the schema's owner would at a login;
``Acting`` wraps an autocommit connection of hms_app so that every transaction
starts with ``hms_authenticate(token)``, as every request's transaction does.
"""

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus


def session_for(owner: psycopg.Connection, user_id: int) -> str:
    """A live session of a user (inserted as the owner); returns its token."""
    token = secrets.token_urlsafe(32)
    owner.execute(
        "INSERT INTO user_session (token_hash, user_id, csrf_token) VALUES (%s, %s, %s)",
        [hashlib.sha256(token.encode()).digest(), user_id, secrets.token_urlsafe(32)],
    )
    return token


def authenticate(conn: psycopg.Connection, token: str) -> int | None:
    """Prove the session for the current transaction; the verified user id."""
    row = conn.execute("SELECT user_id FROM hms_authenticate(%s)", [token]).fetchone()
    return None if row is None else (row["user_id"] if isinstance(row, dict) else row[0])


class Acting:
    """An hms_app connection acting for one user: each statement outside an
    explicit transaction runs in its own, which first proves the session."""

    def __init__(self, conn: psycopg.Connection, token: str, user_id: int) -> None:
        self.conn = conn
        self.token = token
        self.user_id = user_id

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> psycopg.Cursor:
        if self.conn.info.transaction_status != TransactionStatus.IDLE:
            return self.conn.execute(query, params, **kwargs)
        if isinstance(query, str) and query.strip().upper() in ("BEGIN", "START TRANSACTION"):
            # A transaction opened by hand: prove the session at its start.
            cursor = self.conn.execute(query)
            authenticate(self.conn, self.token)
            return cursor
        with self.conn.transaction():
            authenticate(self.conn, self.token)
            return self.conn.execute(query, params, **kwargs)

    def cursor(self, *args: Any, **kwargs: Any) -> "ActingCursor":
        """For code that runs its queries through cursors (aiosql)."""
        return ActingCursor(self, self.conn.cursor(*args, **kwargs))

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Transaction]:
        outermost = self.conn.info.transaction_status == TransactionStatus.IDLE
        with self.conn.transaction() as tx:
            if outermost:
                authenticate(self.conn, self.token)
            yield tx

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


class ActingCursor:
    """A cursor of an ``Acting`` connection: proves the session like it does."""

    def __init__(self, acting: Acting, cursor: psycopg.Cursor) -> None:
        self.acting = acting
        self.cursor = cursor

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> "ActingCursor":
        conn = self.acting.conn
        if conn.info.transaction_status != TransactionStatus.IDLE:
            self.cursor.execute(query, params, **kwargs)
            return self
        with conn.transaction():
            authenticate(conn, self.acting.token)
            self.cursor.execute(query, params, **kwargs)
        return self

    def __enter__(self) -> "ActingCursor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()

    def __iter__(self) -> Any:
        return iter(self.cursor)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cursor, name)
