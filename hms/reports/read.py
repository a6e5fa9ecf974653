"""Scoped reads of the reports. Each one reads a report_* view, which the
database has already kept to the user's units and suppressed; no patient
is named, so nothing here is a read of patient data and no audit row is
written. A user with no unit to report on is refused."""

from datetime import date, timedelta
from typing import Any

from hms.core.clock import today
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.db.queries import load
from hms.reports import policy
from hms.reports.figures import DASHBOARD, REPORTS, Figure, Report, figure

q = load("reports")


def scope(ctx: RequestContext) -> list[dict[str, Any]]:
    """The units the user reports on, with their departments; Refused when none."""
    if not policy.may_ask_for_reports(ctx.staff):
        raise Refused()
    units: list[dict[str, Any]] = q.scope_units(ctx.conn)
    if not units:
        raise Refused()
    return units


def departments_headed(ctx: RequestContext) -> list[dict[str, Any]]:
    """The departments the user heads (the clinician's home page links to their reports)."""
    rows: list[dict[str, Any]] = q.departments_headed(ctx.conn, user_id=ctx.staff.id)
    return rows


def freshness(ctx: RequestContext) -> dict[str, Any]:
    """When the figures were last refreshed: the oldest figure's time, and each one's."""
    rows: list[dict[str, Any]] = q.freshness(ctx.conn)
    times = [r["refreshed_at"] for r in rows]
    return {"oldest": min(times) if times else None, "figures": rows}


def report_of(key: str) -> Report:
    if key not in REPORTS:
        raise NotFound()
    return REPORTS[key]


def figure_rows(
    ctx: RequestContext, fig: Figure, *, from_day: date, to_day: date, unit_id: int | None
) -> list[dict[str, Any]]:
    """The cells of one figure in the period (whole months for monthly figures)."""
    rows: list[dict[str, Any]] = getattr(q, fig.query)(
        ctx.conn, from_day=from_day, from_month=from_day.replace(day=1), to_day=to_day, unit_id=unit_id
    )
    return rows


def report(
    ctx: RequestContext, key: str, *, from_day: date, to_day: date, unit_id: int | None
) -> dict[str, Any]:
    """A whole report: the user's units, and each figure's cells in the period."""
    units = scope(ctx)
    if unit_id is not None and unit_id not in {u["care_unit_id"] for u in units}:
        raise NotFound()
    rep = report_of(key)
    return {
        "report": rep,
        "units": units,
        "figures": [
            (fig, figure_rows(ctx, fig, from_day=from_day, to_day=to_day, unit_id=unit_id))
            for fig in rep.figures
        ],
        "freshness": freshness(ctx),
    }


def dashboard(ctx: RequestContext) -> dict[str, Any]:
    """The dashboard: one figure of each report over its own recent period,
    for the whole of the user's scope."""
    units = scope(ctx)
    end = today()
    figures = []
    for report_key, query, days in DASHBOARD:
        fig = figure(report_key, query)
        rows = figure_rows(ctx, fig, from_day=end - timedelta(days=days - 1), to_day=end, unit_id=None)
        figures.append((REPORTS[report_key], fig, rows))
    return {"units": units, "figures": figures, "freshness": freshness(ctx)}


def department_heads(ctx: RequestContext) -> dict[str, Any]:
    """Every department with its heads, and who may be appointed (administrators only)."""
    if not policy.may_appoint_heads(ctx.staff):
        raise Refused()
    return {"departments": q.department_heads(ctx.conn), "candidates": q.head_candidates(ctx.conn)}
