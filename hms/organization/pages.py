"""The organisation: every member of staff may read the tree of
department → care unit → ward → room → bed; administrators add to it and
deactivate or reactivate its care units, wards and beds."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.organization import policy, read, service
from hms.organization.forms import BedForm, CareUnitForm, DepartmentForm, RoomForm, WardForm
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

PREFIX = "/admin/organization"
router = guarded_router(prefix=PREFIX)

NOTICES = {
    "department_created": "The department is created.",
    "care_unit_created": "The care unit is created.",
    "ward_created": "The ward is created.",
    "room_created": "The room is created.",
    "bed_created": "The bed is created.",
    "deactivated": "Deactivated. It stays in the records and can be reactivated.",
    "reactivated": "Reactivated.",
}


def _to_tree(notice: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}?notice={notice}#{anchor}", status_code=303)


def _new_page(
    request: Request,
    ctx: RequestContext,
    kind: str,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    """The form adding one kind of item; the tree supplies the parents to choose from."""
    return page(
        request,
        ctx,
        "organization/new.html",
        status_code=422 if errors else 200,
        kind=kind,
        tree=read.organization_tree(ctx),
        values=values,
        errors=errors or {},
    )


@router.get("", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_READ)
def tree(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    return page(
        request,
        ctx,
        "organization/tree.html",
        tree=read.organization_tree(ctx),
        notice=NOTICES.get(notice),
        can_manage=policy.can_manage(ctx.staff),
    )


@router.get("/departments/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def department_new_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _new_page(request, ctx, "department", values={})


@router.post("/departments/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def department_new(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        new_id = service.department_create(ctx.conn, data=parse(DepartmentForm, form))
    except Invalid as exc:
        return _new_page(request, ctx, "department", values=form, errors=exc.errors)
    return _to_tree("department_created", f"department-{new_id}")


@router.get("/care-units/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def care_unit_new_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _new_page(request, ctx, "care_unit", values=dict(request.query_params))


@router.post("/care-units/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def care_unit_new(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        new_id = service.care_unit_create(ctx.conn, data=parse(CareUnitForm, form))
    except Invalid as exc:
        return _new_page(request, ctx, "care_unit", values=form, errors=exc.errors)
    return _to_tree("care_unit_created", f"care-unit-{new_id}")


@router.get("/wards/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def ward_new_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _new_page(request, ctx, "ward", values=dict(request.query_params))


@router.post("/wards/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def ward_new(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        new_id = service.ward_create(ctx.conn, data=parse(WardForm, form))
    except Invalid as exc:
        return _new_page(request, ctx, "ward", values=form, errors=exc.errors)
    return _to_tree("ward_created", f"ward-{new_id}")


@router.get("/rooms/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def room_new_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _new_page(request, ctx, "room", values=dict(request.query_params))


@router.post("/rooms/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def room_new(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        new_id = service.room_create(ctx.conn, data=parse(RoomForm, form))
    except Invalid as exc:
        return _new_page(request, ctx, "room", values=form, errors=exc.errors)
    return _to_tree("room_created", f"room-{new_id}")


@router.get("/beds/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def bed_new_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _new_page(request, ctx, "bed", values=dict(request.query_params))


@router.post("/beds/new", response_class=HTMLResponse)
@requires(Permission.ORGANIZATION_MANAGE)
def bed_new(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        new_id = service.bed_create(ctx.conn, data=parse(BedForm, form))
    except Invalid as exc:
        return _new_page(request, ctx, "bed", values=form, errors=exc.errors)
    return _to_tree("bed_created", f"bed-{new_id}")


@router.post("/care-units/{care_unit_id}/deactivate")
@requires(Permission.ORGANIZATION_MANAGE)
def care_unit_deactivate(care_unit_id: int, ctx: RequestContext = Depends(current)) -> Response:
    service.care_unit_set_active(ctx.conn, care_unit_id=care_unit_id, is_active=False)
    return _to_tree("deactivated", f"care-unit-{care_unit_id}")


@router.post("/care-units/{care_unit_id}/reactivate")
@requires(Permission.ORGANIZATION_MANAGE)
def care_unit_reactivate(care_unit_id: int, ctx: RequestContext = Depends(current)) -> Response:
    service.care_unit_set_active(ctx.conn, care_unit_id=care_unit_id, is_active=True)
    return _to_tree("reactivated", f"care-unit-{care_unit_id}")


@router.post("/wards/{ward_id}/deactivate")
@requires(Permission.ORGANIZATION_MANAGE)
def ward_deactivate(ward_id: int, ctx: RequestContext = Depends(current)) -> Response:
    service.ward_set_active(ctx.conn, ward_id=ward_id, is_active=False)
    return _to_tree("deactivated", f"ward-{ward_id}")


@router.post("/wards/{ward_id}/reactivate")
@requires(Permission.ORGANIZATION_MANAGE)
def ward_reactivate(ward_id: int, ctx: RequestContext = Depends(current)) -> Response:
    service.ward_set_active(ctx.conn, ward_id=ward_id, is_active=True)
    return _to_tree("reactivated", f"ward-{ward_id}")


@router.post("/beds/{bed_id}/deactivate")
@requires(Permission.ORGANIZATION_MANAGE)
def bed_deactivate(bed_id: int, ctx: RequestContext = Depends(current)) -> Response:
    service.bed_set_active(ctx.conn, bed_id=bed_id, is_active=False)
    return _to_tree("deactivated", f"bed-{bed_id}")


@router.post("/beds/{bed_id}/reactivate")
@requires(Permission.ORGANIZATION_MANAGE)
def bed_reactivate(bed_id: int, ctx: RequestContext = Depends(current)) -> Response:
    service.bed_set_active(ctx.conn, bed_id=bed_id, is_active=True)
    return _to_tree("reactivated", f"bed-{bed_id}")
