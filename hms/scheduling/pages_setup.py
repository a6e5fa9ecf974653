"""The administrator's set-up of scheduling: appointment types, rooms,
clinicians' weekly hours and their time away."""

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.scheduling import forms, read, service
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/admin/scheduling")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NOTICE = "The set-up is saved."


def _page(
    request: Request,
    ctx: RequestContext,
    *,
    form: str = "",
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        ctx,
        "scheduling/setup.html",
        status_code=status_code,
        weekdays=WEEKDAYS,
        modes=forms.MODES,
        kinds=forms.EXCEPTION_KINDS,
        form=form,
        values=values or {},
        errors=errors or {},
        **read.setup(ctx),
    )


@router.get("", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_SETUP)
def setup(request: Request, saved: str = "", ctx: RequestContext = Depends(current)) -> Response:
    if saved:
        ctx.flash.append(NOTICE)
    return _page(request, ctx)


def _save(
    request: Request,
    ctx: RequestContext,
    name: str,
    form: dict[str, str],
    model: type[BaseModel],
    write: Callable[[Any], object],
) -> Response:
    try:
        write(parse(model, form))
    except Invalid as exc:
        return _page(request, ctx, form=name, values=form, errors=exc.errors, status_code=422)
    return RedirectResponse("/admin/scheduling?saved=1", status_code=303)


@router.post("/types", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_SETUP)
def type_add(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    return _save(request, ctx, "type", form, forms.TypeForm, lambda data: service.type_add(ctx, data=data))


@router.post("/types/{type_id}/active", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_SETUP)
def type_active(
    type_id: int, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    service.type_set_active(ctx, type_id=type_id, active=form.get("active") == "1")
    return RedirectResponse("/admin/scheduling?saved=1", status_code=303)


@router.post("/rooms", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_SETUP)
def room_add(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    return _save(request, ctx, "room", form, forms.RoomForm, lambda data: service.room_add(ctx, data=data))


@router.post("/hours", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_SETUP)
def hours_add(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    return _save(request, ctx, "hours", form, forms.HoursForm, lambda data: service.hours_add(ctx, data=data))


@router.post("/hours/{hours_id}/delete", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_SETUP)
def hours_delete(hours_id: int, ctx: RequestContext = Depends(current)) -> Response:
    service.hours_delete(ctx, hours_id=hours_id)
    return RedirectResponse("/admin/scheduling?saved=1", status_code=303)


@router.post("/exceptions", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_SETUP)
def exception_add(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    return _save(
        request,
        ctx,
        "exception",
        form,
        forms.ExceptionForm,
        lambda data: service.exception_add(ctx, data=data),
    )


@router.post("/exceptions/{exception_id}/delete", response_class=HTMLResponse)
@requires(Permission.SCHEDULE_SETUP)
def exception_delete(exception_id: int, ctx: RequestContext = Depends(current)) -> Response:
    service.exception_delete(ctx, exception_id=exception_id)
    return RedirectResponse("/admin/scheduling?saved=1", status_code=303)
