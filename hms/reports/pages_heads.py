"""The administrator's page of department heads (/admin/department-heads):
who heads each department, appointing and removing. A head reads the
reports of their department's care units, nothing else."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.roles import Permission
from hms.reports import read, service
from hms.reports.forms import HeadForm
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/admin/department-heads")


def _heads_page(
    request: Request, ctx: RequestContext, *, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    return page(
        request,
        ctx,
        "reports/heads.html",
        status_code=422 if errors else 200,
        **read.department_heads(ctx),
        values=values,
        errors=errors,
    )


@router.get("", response_class=HTMLResponse)
@requires(Permission.DEPARTMENT_HEAD_MANAGE)
def heads(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _heads_page(request, ctx, values={}, errors={})


@router.post("", response_class=HTMLResponse)
@requires(Permission.DEPARTMENT_HEAD_MANAGE)
def head_appoint(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        data = parse(HeadForm, form)
        service.department_head_appoint(ctx, department_id=data.department_id, user_id=data.user_id)
    except Invalid as exc:
        return _heads_page(request, ctx, values=form, errors=exc.errors)
    return RedirectResponse("/admin/department-heads", status_code=303)


@router.post("/remove", response_class=HTMLResponse)
@requires(Permission.DEPARTMENT_HEAD_MANAGE)
def head_remove(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        data = parse(HeadForm, form)
    except Invalid:
        raise NotFound() from None
    service.department_head_remove(ctx, department_id=data.department_id, user_id=data.user_id)
    return RedirectResponse("/admin/department-heads", status_code=303)
