"""Audit review pages for administrators: the log and the access reports.
(The review of emergency accesses is emergency access's own: hms.access.pages.)"""

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from hms.audit import forms, read
from hms.core.clock import today
from hms.core.context import RequestContext
from hms.core.roles import Permission
from hms.web.guard import current, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/admin/audit")


@router.get("", response_class=HTMLResponse)
@requires(Permission.AUDIT_REVIEW)
def search(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    errors: dict[str, str] = {}
    filters = forms.log_filter(request.query_params, errors)
    result = read.audit_search(ctx, filters=filters)
    result.errors.update(errors)
    return page(request, ctx, "audit/search.html", result=result, filters=filters)


@router.get("/reports", response_class=HTMLResponse)
@requires(Permission.AUDIT_REVIEW)
def reports(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    errors: dict[str, str] = {}
    period = forms.report_period(request.query_params, errors, today=today())
    min_count = forms.min_count(request.query_params)
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
