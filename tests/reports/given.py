"""History for the hand-counted figures beyond conftest.py's, written as the
schema's owner. Rows whose times the database sets itself (a result's
entry, an acknowledgement, a message) are written with the triggers off,
in one transaction (replica mode, as the tests' cleanup does), so that a
figure's minutes and hours are the ones counted by hand."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import psycopg

from tests.reports.conftest import TZ


def moment(month: int, day: int = 10, hour: int = 9, minute: int = 0) -> datetime:
    """A time in 2026, the hospital's (Stockholm) clock."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@contextmanager
def backdated(owner: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """The owner's writes with every trigger (and so every stamp of now()) off."""
    with owner.transaction():
        owner.execute("SET LOCAL session_replication_role = replica")
        yield owner


def minutes(*values: float) -> list[timedelta]:
    return [timedelta(minutes=v) for v in values]


def hours(*values: float) -> list[timedelta]:
    return [timedelta(hours=v) for v in values]


def rows(conn: psycopg.Connection, view: str, where: str = "", params=()) -> list[dict]:
    return conn.execute(f"SELECT * FROM {view} {where}", params).fetchall()  # noqa: S608 - the tests' own names
