"""Writes on the organisation. Each is all-or-nothing (a savepoint inside the
request's transaction); nothing is ever deleted, only closed and reopened,
because staff, visits and the audit log point at these rows."""

from collections.abc import Callable
from typing import Any

from hms.core.errors import NotFound
from hms.core.writes import savepoint
from hms.db.pool import Conn
from hms.db.queries import load
from hms.organization.forms import BedForm, CareUnitForm, DepartmentForm, RoomForm, WardForm

q = load("organization")


def _insert(conn: Conn, query: Callable[..., Any], **values: Any) -> int:
    with savepoint(conn):
        row = query(conn, **values)
    return int(row["id"])


def department_create(conn: Conn, *, data: DepartmentForm) -> int:
    return _insert(conn, q.department_insert, **data.model_dump())


def care_unit_create(conn: Conn, *, data: CareUnitForm) -> int:
    return _insert(conn, q.care_unit_insert, **data.model_dump())


def ward_create(conn: Conn, *, data: WardForm) -> int:
    return _insert(conn, q.ward_insert, **data.model_dump())


def room_create(conn: Conn, *, data: RoomForm) -> int:
    return _insert(conn, q.room_insert, **data.model_dump())


def bed_create(conn: Conn, *, data: BedForm) -> int:
    return _insert(conn, q.bed_insert, **data.model_dump())


def care_unit_set_active(conn: Conn, *, care_unit_id: int, is_active: bool) -> None:
    """Close a care unit (its staff keep their placement, shown as inactive) or reopen it."""
    if q.care_unit_set_active(conn, care_unit_id=care_unit_id, is_active=is_active) is None:
        raise NotFound()


def ward_set_active(conn: Conn, *, ward_id: int, is_active: bool) -> None:
    if q.ward_set_active(conn, ward_id=ward_id, is_active=is_active) is None:
        raise NotFound()


def bed_set_active(conn: Conn, *, bed_id: int, is_active: bool) -> None:
    if q.bed_set_active(conn, bed_id=bed_id, is_active=is_active) is None:
        raise NotFound()
