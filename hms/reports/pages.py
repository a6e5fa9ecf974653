"""Reports (/reports): the dashboard, one page per report with a period and
a unit to choose, each figure's chart and table, its CSV and the report's
XLSX; and the administrator's page of department heads.

Every route is for the reporting roles; the units each user sees are the
database's answer, and a user with none is refused (403)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.roles import Permission
from hms.reports import charts, export, read
from hms.reports.figures import REPORTS, Column, Figure, Report
from hms.reports.forms import PeriodForm
from hms.web.forms import parse
from hms.web.guard import current, guarded_router, requires
from hms.web.i18n import current_locale
from hms.web.i18n import gettext as _
from hms.web.render import page

router = guarded_router(prefix="/reports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@contextmanager
def _in_language(ctx: RequestContext) -> Iterator[None]:
    """The charts' and the files' words are chosen in Python, before the page
    (which sets the language for its own rendering) or with no page at all."""
    token = current_locale.set(ctx.locale)
    try:
        yield
    finally:
        current_locale.reset(token)


def _unit_words(column: Column) -> str:
    words = {"days": _("days"), "minutes": _("minutes"), "hours": _("hours"), "%": "%", "SEK": "SEK"}
    return words.get(column.unit, "")


# Coded values of the figures' own dimensions, in words.
VALUE_WORDS = {
    "review": {"unreviewed": "Not reviewed", "justified": "Justified", "unjustified": "Unjustified"},
    "kind": {
        "allergy": "Allergy",
        "interaction": "Interaction",
        "duplicate": "Duplicate therapy",
        "dose": "Dose above the daily maximum",
        "renewal": "Prescription renewal",
        "question": "A question",
        "booking": "Booking request",
        "certificate": "Certificate request",
        "correction": "Correction",
    },
    "urgency": {"routine": "Routine", "urgent": "Urgent", "acute": "Acute"},
}


def _display(column: Column, value: Any, locale: str, row: dict[str, Any]) -> Any:
    if column.key == "title" and locale == "sv" and row.get("title_sv"):
        return row["title_sv"]
    if column.key == "atc_name" and locale == "sv" and row.get("atc_name_sv"):
        return row["atc_name_sv"]
    if column.key == "code" and value == "":
        return _("no code")
    if column.key in VALUE_WORDS and value in VALUE_WORDS[column.key]:
        return _(VALUE_WORDS[column.key][value])
    return export.cell(column, value, yes=_("yes"), no=_("no"))


def _table(fig: Figure, rows: list[dict[str, Any]], locale: str) -> tuple[list[str], list[list[Any]]]:
    headers = [_(c.header) + (f" ({_unit_words(c)})" if c.unit else "") for c in fig.columns]
    body = [[_display(c, row[c.key], locale, row) for c in fig.columns] for row in rows]
    return headers, body


def _chart(fig: Figure, rows: list[dict[str, Any]]) -> Markup:
    x = fig.column(fig.x)
    words = charts.Words(
        title=_(fig.title),
        x_label=_(x.header),
        y_label=_(fig.y_label),
        suppressed=_("Fewer than 5: not shown"),
        no_data=_("No data in this period."),
    )
    return charts.render(rows, x=fig.x, x_kind=x.kind, series=fig.series, y=fig.y, words=words)


# A page's table shows at most this many cells. Diagnoses per code over a
# quarter for the whole hospital are some 19,000 cells (3.4 MB of page); a
# reader wants the largest, and the CSV and the workbook carry every cell.
PAGE_ROWS = 200


def _largest(fig: Figure, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The PAGE_ROWS cells of the largest shown measure, largest first. Only
    shown cells are ranked: a suppressed cell is never placed above or below
    another, so the cut says nothing of what it holds."""
    shown = [row for row in rows if row[fig.y] is not None]
    return sorted(shown, key=lambda row: row[fig.y], reverse=True)[:PAGE_ROWS]


def _shown(fig: Figure, rows: list[dict[str, Any]], locale: str) -> dict[str, Any]:
    cut = len(rows) > PAGE_ROWS
    headers, body = _table(fig, _largest(fig, rows) if cut else rows, locale)
    kinds = [c.kind for c in fig.columns]
    return {
        "figure": fig,
        "chart": _chart(fig, rows),
        "headers": headers,
        "rows": body,
        "kinds": kinds,
        "cells": len(rows) if cut else None,
    }


def _period(request: Request) -> tuple[PeriodForm, dict[str, str]]:
    values = dict(request.query_params)
    try:
        return parse(PeriodForm, values), {}
    except Invalid as exc:
        return PeriodForm(), exc.errors


def _query(period: PeriodForm) -> str:
    unit = f"&unit_id={period.unit_id}" if period.unit_id else ""
    return f"from_day={period.from_day}&to_day={period.to_day}{unit}"


@router.get("", response_class=HTMLResponse)
@requires(Permission.REPORTS_READ)
def dashboard(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    data = read.dashboard(ctx)
    with _in_language(ctx):
        figures = [(rep, _shown(fig, rows, ctx.locale)) for rep, fig, rows in data["figures"]]
    return page(
        request,
        ctx,
        "reports/dashboard.html",
        units=data["units"],
        figures=figures,
        freshness=data["freshness"],
    )


def _report_page(request: Request, ctx: RequestContext, report_key: str) -> Response:
    period, errors = _period(request)
    data = _report(ctx, report_key, period)
    return page(
        request,
        ctx,
        "reports/report.html",
        status_code=422 if errors else 200,
        report=data["report"],
        units=data["units"],
        figures=[_shown(fig, rows, ctx.locale) for fig, rows in data["figures"]],
        freshness=data["freshness"],
        period=period,
        query=_query(period),
        values=dict(request.query_params) if errors else {},
        errors=errors,
    )


def _report(ctx: RequestContext, report_key: str, period: PeriodForm) -> dict[str, Any]:
    assert period.from_day is not None and period.to_day is not None  # noqa: S101 - the form fills them
    return read.report(
        ctx, report_key, from_day=period.from_day, to_day=period.to_day, unit_id=period.unit_id
    )


def _file_name(report: Report, period: PeriodForm, suffix: str) -> str:
    return f"hms-{report.key}-{period.from_day}-{period.to_day}{suffix}"


def _report_xlsx(request: Request, ctx: RequestContext, report_key: str) -> Response:
    period, errors = _period(request)
    if errors:
        raise NotFound()
    data = _report(ctx, report_key, period)
    tables = [(_(fig.title), *_table(fig, rows, ctx.locale)) for fig, rows in data["figures"]]
    return _download(export.to_xlsx(tables), XLSX, _file_name(data["report"], period, ".xlsx"))


def _figure_csv(request: Request, ctx: RequestContext, report_key: str, query: str) -> Response:
    period, errors = _period(request)
    if errors:
        raise NotFound()
    data = _report(ctx, report_key, period)
    fig, rows = next((fig, rows) for fig, rows in data["figures"] if fig.query == query)
    headers, body = _table(fig, rows, ctx.locale)
    content = export.to_csv(headers, body).encode("utf-8-sig")
    return _download(content, "text/csv; charset=utf-8", _file_name(data["report"], period, f"-{query}.csv"))


def _routes_of(report: Report) -> None:
    """A report's page, its workbook and each figure's CSV (every address of
    the app names its ids only, so each report has addresses of its own)."""

    @router.get(f"/{report.key}", response_class=HTMLResponse, name=f"report_{report.key}")
    @requires(Permission.REPORTS_READ)
    def report_page(request: Request, ctx: RequestContext = Depends(current)) -> Response:
        with _in_language(ctx):
            return _report_page(request, ctx, report.key)

    @router.get(f"/{report.key}/export.xlsx", name=f"report_{report.key}_xlsx")
    @requires(Permission.REPORTS_READ)
    def report_xlsx(request: Request, ctx: RequestContext = Depends(current)) -> Response:
        with _in_language(ctx):
            return _report_xlsx(request, ctx, report.key)

    for fig in report.figures:
        _csv_route(report, fig)


def _csv_route(report: Report, fig: Figure) -> None:
    @router.get(f"/{report.key}/{fig.query}.csv", name=f"report_{fig.query}_csv")
    @requires(Permission.REPORTS_READ)
    def figure_csv(request: Request, ctx: RequestContext = Depends(current)) -> Response:
        with _in_language(ctx):
            return _figure_csv(request, ctx, report.key, fig.query)


for _report_kind in REPORTS.values():
    _routes_of(_report_kind)


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
