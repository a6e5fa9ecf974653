"""Staff administration pages (administrators only): list, create, edit,
role and care units, password reset, deactivation."""

from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.accounts import read, service
from hms.accounts.forms import PASSWORD_FIELDS, PasswordForm, RoleUnitsForm, StaffCreateForm, StaffForm
from hms.core.context import RequestContext
from hms.core.roles import STAFF_ROLES, Permission, Role
from hms.organization import read as organization_read
from hms.web.forms import FormPage, parse, submit
from hms.web.guard import current, form_data, form_lists, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/admin/staff")

# The list's role filter; anything else is ignored rather than sent to the enum cast.
ROLE_FILTERS = frozenset(r.value for r in STAFF_ROLES)

NOTICES = {
    "created": "The staff account is created.",
    "saved": "The changes are saved.",
    "role_set": "The role and care units are saved.",
    "password_reset": "The password is changed; the account is unlocked and its sessions ended.",
    "deactivated": "The account is deactivated and its sessions ended.",
    "reactivated": "The account is active again.",
}


def _submitted(form: dict[str, str], lists: dict[str, list[str]]) -> dict[str, Any]:
    """The form with its checkbox group as a list."""
    return {**form, "care_unit_ids": lists.get("care_unit_ids", [])}


def _kept(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """What a form shows again: everything typed but passwords."""
    return {k: v for k, v in values.items() if k not in PASSWORD_FIELDS}


def _care_units(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The care units a staff form offers to tick."""
    return {"care_units": organization_read.care_units_all(ctx)}


STAFF_NEW_FORM = FormPage("accounts/staff_new.html", fill=_kept, offers=_care_units)
STAFF_EDIT_FORM = FormPage("accounts/staff_edit.html", fill=_kept, offers=_care_units)


def _staff(user_id: int, notice: str) -> str:
    return f"/admin/staff/{user_id}?notice={notice}"


@router.get("", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_list(
    request: Request,
    text: str = Query("", alias="q"),
    role: str = "",
    ctx: RequestContext = Depends(current),
) -> Response:
    text = text.strip()[:100]
    role = role if role in ROLE_FILTERS else ""
    rows = read.staff_list(ctx, text=text or None, role=role or None)
    return page(request, ctx, "accounts/staff_list.html", rows=rows, query=text, role=role)


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_new_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return STAFF_NEW_FORM.show(request, ctx, {})


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_new(
    request: Request,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    lists: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    submitted = _submitted(form, lists)

    def save() -> str:
        data = parse(StaffCreateForm, submitted)
        user_id = service.staff_create(
            ctx.conn, data=data.as_input(), password=data.password, care_unit_ids=data.care_unit_ids
        )
        return _staff(user_id, "created")

    return STAFF_NEW_FORM.submit(request, ctx, submitted, save)


@router.get("/{user_id}", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_show(
    request: Request, user_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    return _show(request, ctx, user_id, notice=NOTICES.get(notice))


def _show(
    request: Request,
    ctx: RequestContext,
    user_id: int,
    *,
    status_code: int = 200,
    notice: str | None = None,
    status_errors: dict[str, str] | None = None,
    role_values: dict[str, Any] | None = None,
    role_errors: dict[str, str] | None = None,
    password_errors: dict[str, str] | None = None,
) -> Response:
    """The staff member's page with its three small forms (role, password, status)."""
    staff = read.access_staff(ctx, user_id=user_id)
    if role_values is None:
        role_values = {"role": staff["role"], "care_unit_ids": read.staff_care_unit_ids(ctx, user_id=user_id)}
    return page(
        request,
        ctx,
        "accounts/staff_show.html",
        status_code=status_code,
        care_units=organization_read.care_units_all(ctx),
        staff=staff,
        notice=notice,
        is_self=user_id == ctx.staff.id,
        staff_units=read.staff_care_units(ctx, user_id=user_id),
        status_errors=status_errors or {},
        role_values=role_values,
        role_errors=role_errors or {},
        password_errors=password_errors or {},
    )


@router.get("/{user_id}/edit", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_edit_form(request: Request, user_id: int, ctx: RequestContext = Depends(current)) -> Response:
    staff = read.access_staff(ctx, user_id=user_id)
    values = {k: v for k, v in staff.items() if v is not None}
    values["care_unit_ids"] = read.staff_care_unit_ids(ctx, user_id=user_id)
    return STAFF_EDIT_FORM.show(request, ctx, values, staff=staff)


@router.post("/{user_id}/edit", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_edit(
    request: Request,
    user_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    lists: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    staff = read.access_staff(ctx, user_id=user_id)
    submitted = _submitted(form, lists)

    def save() -> str:
        data = parse(StaffForm, submitted)
        service.staff_update(
            ctx.conn,
            user_id=user_id,
            data=data.as_input(),
            care_unit_ids=data.care_unit_ids,
            by=ctx.staff.id,
        )
        return _staff(user_id, "saved")

    return STAFF_EDIT_FORM.submit(request, ctx, submitted, save, staff=staff)


@router.post("/{user_id}/role", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_role(
    request: Request,
    user_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    lists: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    read.access_staff(ctx, user_id=user_id)
    submitted = _submitted(form, lists)

    def save() -> str:
        data = parse(RoleUnitsForm, submitted)
        service.staff_set_role(
            ctx.conn,
            user_id=user_id,
            role=Role(data.role),
            care_unit_ids=data.care_unit_ids,
            by=ctx.staff.id,
        )
        return _staff(user_id, "role_set")

    return submit(
        save,
        again=lambda errors: _show(
            request, ctx, user_id, status_code=422, role_values=_kept(ctx, submitted, {}), role_errors=errors
        ),
    )


@router.post("/{user_id}/password", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_password(
    request: Request,
    user_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    read.access_staff(ctx, user_id=user_id)

    def save() -> str:
        service.user_reset_password(ctx.conn, user_id=user_id, password=parse(PasswordForm, form).password)
        return _staff(user_id, "password_reset")

    return submit(
        save, again=lambda errors: _show(request, ctx, user_id, status_code=422, password_errors=errors)
    )


@router.post("/{user_id}/deactivate", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_deactivate(request: Request, user_id: int, ctx: RequestContext = Depends(current)) -> Response:
    read.access_staff(ctx, user_id=user_id)

    def save() -> str:
        service.user_deactivate(ctx.conn, user_id=user_id, by=ctx.staff.id)
        return _staff(user_id, "deactivated")

    return submit(
        save, again=lambda errors: _show(request, ctx, user_id, status_code=422, status_errors=errors)
    )


@router.post("/{user_id}/reactivate", response_class=HTMLResponse)
@requires(Permission.STAFF_MANAGE)
def staff_reactivate(request: Request, user_id: int, ctx: RequestContext = Depends(current)) -> Response:
    read.access_staff(ctx, user_id=user_id)
    service.user_activate(ctx.conn, user_id=user_id)
    return RedirectResponse(_staff(user_id, "reactivated"), status_code=303)
