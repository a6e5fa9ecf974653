"""Reads of the organisation (no patient data, so no audit rows)."""

from typing import Any

from hms.db.pool import Conn
from hms.db.queries import load

q = load("organization")


def organization_counts(conn: Conn) -> dict[str, int]:
    return q.organization_counts(conn)


def care_units_all(conn: Conn) -> list[dict[str, Any]]:
    return q.care_units_all(conn)
