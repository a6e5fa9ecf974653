"""Asserting that the database refuses a statement, and why."""

from typing import Any

import psycopg
import pytest


def refused(
    conn: psycopg.Connection,
    statement: str,
    params: Any = None,
    *,
    constraint: str | None = None,
    sqlstate: str | None = None,
) -> psycopg.Error:
    """Run one statement (its own transaction in autocommit) and assert the
    database refuses it, naming the constraint and/or the SQLSTATE expected."""
    assert constraint or sqlstate, "say why the statement must fail"
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement, params)
    exc = caught.value
    if constraint is not None:
        assert exc.diag.constraint_name == constraint, (
            f"expected {constraint}, got {exc.diag.constraint_name} ({exc.sqlstate}: {exc})"
        )
    if sqlstate is not None:
        assert exc.sqlstate == sqlstate, f"expected SQLSTATE {sqlstate}, got {exc.sqlstate}: {exc}"
    return exc
