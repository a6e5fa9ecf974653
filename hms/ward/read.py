"""Scoped reads of the ward board: one statement under row-level security for
a whole ward, and one audit row per patient shown, in the same transaction."""

from datetime import UTC, date, datetime
from typing import Any

from hms.audit.service import audit_patients_listed
from hms.core.clock import LOCAL_TZ, today
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.db.queries import load
from hms.ward import policy

q = load("ward")


def wards_mine(ctx: RequestContext) -> list[dict[str, Any]]:
    """The wards of the user's care units (no patient data: no audit row)."""
    if not policy.can_see_boards(ctx.staff):
        raise Refused()
    rows: list[dict[str, Any]] = q.wards_mine(ctx.conn, user_id=ctx.staff.id)
    return rows


def board(ctx: RequestContext, *, ward_id: int, now: datetime | None = None) -> dict[str, Any]:
    """One ward of the user's units, bed by bed; NotFound for any other ward.
    Every patient shown is audited once ('ward.board')."""
    if not policy.can_see_boards(ctx.staff):
        raise Refused()
    rows = list(q.ward_board(ctx.conn, ward_id=ward_id))
    if not rows:
        raise NotFound()
    now = now or datetime.now(UTC)
    beds = [_bed(row, now) for row in rows if row["bed_id"] is not None]
    shown = sorted({b["patient_id"] for b in beds if b["patient_id"] is not None})
    audit_patients_listed(ctx, patient_ids=shown, action="ward.board", detail=f"ward {ward_id}")
    first = rows[0]
    return {
        "ward_id": first["ward_id"],
        "ward_name": first["ward_name"],
        "care_unit": first["care_unit"],
        "beds": beds,
        "occupied": len(shown),
        "red": sum(1 for b in beds if b["red"]),
        "overdue": sum(1 for b in beds if b["overdue"]),
        "critical": sum(len(b["critical_results"]) for b in beds),
        "now": now,
    }


def _bed(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    bed = dict(row)
    occupied = row["patient_id"] is not None
    bed["occupied"] = occupied
    bed["red"] = occupied and policy.is_red(row["news2"], row["news2_band"])
    bed["overdue"] = occupied and policy.is_overdue(row["news2"], row["news2_band"], row["measured_at"], now)
    bed["age_minutes"] = int((now - row["measured_at"]).total_seconds() // 60) if row["measured_at"] else None
    bed["day_of_stay"] = _day_of_stay(row["started_at"]) if occupied else None
    bed["care_plans"] = [_plan(p) for p in row["care_plans"] or []]
    bed["critical_results"] = [_result(r) for r in row["critical_results"] or []]
    return bed


def _day_of_stay(started_at: datetime) -> int:
    """Day 1 is the day of admission, in the hospital's time."""
    return (today() - started_at.astimezone(LOCAL_TZ).date()).days + 1


def _plan(plan: dict[str, Any]) -> dict[str, Any]:
    review = date.fromisoformat(plan["review_date"])
    return {**plan, "review_date": review, "review_due": review <= today()}


def _result(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "entered_at": datetime.fromisoformat(result["entered_at"])}


def red_flags_mine(ctx: RequestContext) -> list[dict[str, Any]]:
    """For the clinician's home page: the patients of the user's units whose
    latest NEWS2 is red, highest first (audited as a list)."""
    if not policy.can_see_boards(ctx.staff):
        return []
    rows: list[dict[str, Any]] = q.red_flags_mine(ctx.conn, user_id=ctx.staff.id)
    audit_patients_listed(ctx, patient_ids=sorted({r["patient_id"] for r in rows}), action="ward.red_flags")
    return rows
