"""Audit review pages for administrators: the log, the emergency access
review queue and the access reports."""

from datetime import date, datetime

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.access.roles import Permission
from hms.audit import read, review
from hms.web.context import RequestContext
from hms.web.forms import FormInvalid, parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.i18n import LOCAL_TZ
from hms.web.render import page

router = guarded_router(prefix="/admin/audit")

NOTICES = {"reviewed": "The review is saved."}


def _date(value: str | None, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = "Enter a date as YYYY-MM-DD."
        return None


def _log_filter(request: Request, errors: dict[str, str]) -> read.LogFilter:
    p = request.query_params
    before_at, before_id = None, None
    if p.get("before_at") and p.get("before_id", "").isdigit():
        try:
            before_at, before_id = datetime.fromisoformat(p["before_at"]), int(p["before_id"])
        except ValueError:
            before_at = None
    return read.LogFilter(
        patient=p.get("patient", "")[:40],
        user=p.get("user", "")[:64],
        from_date=_date(p.get("from"), "from", errors),
        to_date=_date(p.get("to"), "to", errors),
        action=p.get("action", "").strip()[:100],
        outcome=p.get("outcome", "") if p.get("outcome") in read.OUTCOMES else "",
        before_at=before_at if before_id is not None else None,
        before_id=before_id if before_at is not None else None,
    )


@router.get("", response_class=HTMLResponse)
@requires(Permission.AUDIT_REVIEW)
def search(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    errors: dict[str, str] = {}
    filters = _log_filter(request, errors)
    result = read.audit_search(ctx, filters=filters)
    result.errors.update(errors)
    return page(request, ctx, "audit/search.html", result=result, filters=filters)


@router.get("/emergency", response_class=HTMLResponse)
@requires(Permission.AUDIT_REVIEW)
def emergency_queue(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    return _queue_page(request, ctx)


def _queue_page(
    request: Request,
    ctx: RequestContext,
    *,
    status_code: int = 200,
    failed: int | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    return page(
        request,
        ctx,
        "audit/emergency.html",
        status_code=status_code,
        accesses=read.emergency_queue(ctx),
        failed=failed,
        values=values or {},
        errors=errors or {},
    )


@router.post("/emergency/{access_id}", response_class=HTMLResponse)
@requires(Permission.AUDIT_REVIEW)
def emergency_review(
    request: Request,
    access_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        review.emergency_access_review(ctx, access_id=access_id, data=parse(review.ReviewForm, form))
    except FormInvalid as exc:
        return _queue_page(request, ctx, status_code=422, failed=access_id, values=form, errors=exc.errors)
    return RedirectResponse(f"/admin/audit/emergency?notice=reviewed#access-{access_id}", status_code=303)


@router.get("/reports", response_class=HTMLResponse)
@requires(Permission.AUDIT_REVIEW)
def reports(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    p = request.query_params
    errors: dict[str, str] = {}
    default = read.Period.default(datetime.now(LOCAL_TZ).date())
    period = read.Period(
        _date(p.get("from"), "from", errors) or default.from_date,
        _date(p.get("to"), "to", errors) or default.to_date,
    )
    if period.to_date < period.from_date:
        errors["to"] = "The end of the period is before its start."
        period = default
    min_count = int(p["min"]) if p.get("min", "").isdigit() and 0 < int(p["min"]) < 10_000 else 1
    found = read.reports(ctx, period=period, min_count=min_count)
    return page(
        request,
        ctx,
        "audit/reports.html",
        period=period,
        min_count=min_count,
        errors=errors,
        reports=found,
    )
