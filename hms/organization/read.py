"""Reads of the organisation (no patient data, so no audit rows)."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from hms.core.context import RequestContext
from hms.db.queries import load

q = load("organization")

Row = dict[str, Any]


def organization_counts(ctx: RequestContext) -> dict[str, int]:
    row: dict[str, int] = q.organization_counts(ctx.conn)
    return row


def care_units_all(ctx: RequestContext) -> list[dict[str, Any]]:
    """Every care unit, closed ones too (a staff member may still be placed in one)."""
    rows: list[dict[str, Any]] = q.care_units_all(ctx.conn)
    return rows


@dataclass(frozen=True)
class Tree:
    """Department → care unit → ward → room → bed, each row holding its
    children under ``children`` and its own counts."""

    departments: list[Row]

    def department_options(self) -> list[tuple[int, str]]:
        return [(d["id"], f"{d['name']} ({d['code']})") for d in self.departments]

    def care_unit_options(self) -> list[tuple[int, str]]:
        """Open care units, where new wards may go."""
        return [
            (cu["id"], f"{cu['name']} ({cu['code']})")
            for d in self.departments
            for cu in d["children"]
            if cu["is_active"]
        ]

    def ward_options(self) -> list[tuple[int, str]]:
        """Open wards of open care units, where new rooms may go."""
        return [(w["id"], f"{cu['name']} › {w['name']}") for cu, w in self._open_wards()]

    def room_options(self) -> list[tuple[int, str]]:
        """Rooms on open wards, where new beds may go."""
        return [
            (r["id"], f"{cu['name']} › {w['name']} › {r['name']}")
            for cu, w in self._open_wards()
            for r in w["children"]
        ]

    def _open_wards(self) -> list[tuple[Row, Row]]:
        return [
            (cu, w)
            for d in self.departments
            for cu in d["children"]
            if cu["is_active"]
            for w in cu["children"]
            if w["is_active"]
        ]


def organization_tree(ctx: RequestContext) -> Tree:
    """The whole organisation in five queries, one per level."""
    conn = ctx.conn
    beds = _by_parent(q.bed_tree(conn), "room_id", {})
    rooms = _by_parent(q.room_tree(conn), "ward_id", beds)
    wards = _by_parent(q.ward_tree(conn), "care_unit_id", rooms)
    units = _by_parent(q.care_unit_tree(conn), "department_id", wards)
    departments = q.department_tree(conn)
    for department in departments:
        department["children"] = units.get(department["id"], [])
    return Tree(departments)


def _by_parent(rows: list[Row], parent_key: str, children: dict[int, list[Row]]) -> dict[int, list[Row]]:
    """Group rows under their parent's id, giving each its own children first."""
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        row["children"] = children.get(row["id"], [])
        grouped[row[parent_key]].append(row)
    return grouped
