"""Asserting that the database refused a statement, and why."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest


@contextmanager
def refused(sqlstate: str, constraint: str | None = None) -> Iterator[pytest.ExceptionInfo]:
    """The block must fail with this SQLSTATE (and, if given, this constraint name)."""
    with pytest.raises(psycopg.Error) as info:
        yield info
    error = info.value
    assert error.sqlstate == sqlstate, f"expected {sqlstate}, got {error.sqlstate}: {error}"
    if constraint is not None:
        assert error.diag.constraint_name == constraint, f"refused by {error.diag.constraint_name}: {error}"


def refused_or_unseen(
    conn: psycopg.Connection, statement: str, params, sqlstate: str, constraint: str | None = None
) -> None:
    """The statement must change nothing: either the database refuses it with
    this SQLSTATE, or row-level security hides every row it aims at (an
    UPDATE or DELETE the policy filters out touches no row)."""
    try:
        cursor = conn.execute(statement, params)
    except psycopg.Error as error:
        assert error.sqlstate == sqlstate, f"expected {sqlstate}, got {error.sqlstate}: {error}"
        if constraint is not None:
            assert error.diag.constraint_name == constraint, (
                f"refused by {error.diag.constraint_name}: {error}"
            )
        return
    assert cursor.rowcount == 0, f"{statement!r} changed {cursor.rowcount} row(s)"
