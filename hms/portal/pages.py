"""Portal pages for patients and relatives (/my), and the staff page that
registers a proxy for a patient (e.g. a guardian)."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.access.policy import Access, patient_access
from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.roles import Permission
from hms.patients import read as patient_read
from hms.portal import forms, policy, read, service
from hms.web.confirm import confirm_page, confirmed
from hms.web.forms import parse
from hms.web.guard import current, form_data, form_lists, guarded_router, requires
from hms.web.render import page

# No prefix: the staff route lives under /patients/{patient_id}.
router = guarded_router()

NOTICES = {
    "granted": "The relative now has access.",
    "revoked": "The access is revoked.",
    "blocked": "The care unit's entries are blocked.",
    "unblocked": "The block is lifted.",
}


def _notice(ctx: RequestContext, notice: str) -> None:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])


@router.get("/my", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def my_record(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    if policy.reads_for_others(ctx.staff):
        return page(request, ctx, "portal/granted.html", patients=read.granted_patients(ctx))
    return page(request, ctx, "portal/record.html", **read.access_own_record(ctx))


@router.get("/my/patients/{patient_id}", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def granted_record(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    data = read.access_granted_record(ctx, patient_id=patient_id)
    return page(request, ctx, "portal/record.html", **data)


@router.get("/my/medication", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def my_medication(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "portal/medication.html", **read.access_medication(ctx))


@router.get("/my/patients/{patient_id}/medication", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def granted_medication(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "portal/medication.html", **read.access_medication(ctx, patient_id=patient_id))


@router.get("/my/access-log", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def access_log(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "portal/access_log.html", rows=read.access_log(ctx))


# -- Proxies: the patient's own, and staff registering one ---------------------


def _proxies_page(
    request: Request,
    ctx: RequestContext,
    access: Access,
    *,
    base: str,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    patient = None
    if not policy.grants_in_own_name(access):
        patient = patient_read.access_patient(
            ctx, patient_id=access.patient_id, action="proxy.read", access=access, audit=False
        )
    return page(
        request,
        ctx,
        "portal/proxies.html",
        status_code=status_code,
        patient=patient,
        base=base,
        grants=read.proxy_grants(ctx, access=access),
        scopes=forms.SCOPES,
        bases=forms.STAFF_BASES,
        values=values or {"scopes": ["record"]},
        errors=errors or {},
    )


def _grant(
    request: Request, ctx: RequestContext, access: Access, base: str, form: dict[str, list[str]]
) -> Response:
    """The patient grants in the portal; staff register a grant on a basis."""
    values = forms.flatten(form)
    try:
        if policy.grants_in_own_name(access):
            service.proxy_grant_add(ctx, access=access, data=parse(forms.ProxyForm, values))
        else:
            service.proxy_grant_register(ctx, access=access, data=parse(forms.StaffProxyForm, values))
    except Invalid as exc:
        values.setdefault("scopes", [])
        return _proxies_page(
            request, ctx, access, base=base, status_code=422, values=values, errors=exc.errors
        )
    return RedirectResponse(f"{base}?notice=granted", status_code=303)


@router.get("/my/proxies", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def my_proxies(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    access = read.own_patient(ctx, action="proxy.read")
    _notice(ctx, notice)
    return _proxies_page(request, ctx, access, base="/my/proxies")


@router.post("/my/proxies", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def my_proxy_grant(
    request: Request,
    ctx: RequestContext = Depends(current),
    form: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    access = read.own_patient(ctx, action="proxy.grant")
    return _grant(request, ctx, access, "/my/proxies", form)


@router.post("/my/proxies/{grant_id}/revoke")
@requires(Permission.PORTAL_OWN_RECORD)
def my_proxy_revoke(
    request: Request,
    grant_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    access = read.own_patient(ctx, action="proxy.revoke")
    if not confirmed(form):
        return _confirm_revoke(request, ctx, access, grant_id, form, base="/my/proxies")
    service.proxy_grant_revoke(ctx, access=access, grant_id=grant_id)
    return RedirectResponse("/my/proxies?notice=revoked", status_code=303)


def _confirm_revoke(
    request: Request, ctx: RequestContext, access: Access, grant_id: int, form: dict[str, str], *, base: str
) -> Response:
    """The page that asks before a relative's access is revoked."""
    grants = read.proxy_grants(ctx, access=access)
    grant = next((g for g in grants if g["id"] == grant_id and g["revoked_at"] is None), None)
    if grant is None:
        raise NotFound()
    patient = None
    if not policy.grants_in_own_name(access):
        patient = patient_read.access_patient(
            ctx, patient_id=access.patient_id, action="proxy.read", access=access, audit=False
        )
    return confirm_page(
        request, ctx, kind="proxy_revoke", form=form, back=base, subject=grant, patient=patient
    )


def _staff_access(ctx: RequestContext, patient_id: int, action: str) -> Access:
    return patient_access(ctx, patient_id=patient_id, area="demographics", action=action)


@router.get("/patients/{patient_id}/proxies", response_class=HTMLResponse)
@requires(Permission.PROXY_MANAGE)
def staff_proxies(
    request: Request, patient_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    access = _staff_access(ctx, patient_id, "proxy.read")
    _notice(ctx, notice)
    return _proxies_page(request, ctx, access, base=f"/patients/{patient_id}/proxies")


@router.post("/patients/{patient_id}/proxies", response_class=HTMLResponse)
@requires(Permission.PROXY_MANAGE)
def staff_proxy_grant(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    access = _staff_access(ctx, patient_id, "proxy.grant")
    return _grant(request, ctx, access, f"/patients/{patient_id}/proxies", form)


@router.post("/patients/{patient_id}/proxies/{grant_id}/revoke")
@requires(Permission.PROXY_MANAGE)
def staff_proxy_revoke(
    request: Request,
    patient_id: int,
    grant_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    access = _staff_access(ctx, patient_id, "proxy.revoke")
    if not confirmed(form):
        return _confirm_revoke(request, ctx, access, grant_id, form, base=f"/patients/{patient_id}/proxies")
    service.proxy_grant_revoke(ctx, access=access, grant_id=grant_id)
    return RedirectResponse(f"/patients/{patient_id}/proxies?notice=revoked", status_code=303)


# -- Blocks (spärr) ------------------------------------------------------------


def _blocks_page(
    request: Request,
    ctx: RequestContext,
    access: Access,
    *,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    return page(
        request,
        ctx,
        "portal/blocks.html",
        status_code=status_code,
        values=values or {},
        errors=errors or {},
        **read.blocks(ctx, access=access),
    )


@router.get("/my/blocks", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def my_blocks(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    access = read.own_patient(ctx, action="journal_block.read")
    _notice(ctx, notice)
    return _blocks_page(request, ctx, access)


@router.post("/my/blocks", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def my_block_add(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    access = read.own_patient(ctx, action="journal_block.create")
    try:
        service.journal_block_add(ctx, access=access, data=parse(forms.BlockForm, form))
    except Invalid as exc:
        return _blocks_page(request, ctx, access, status_code=422, values=form, errors=exc.errors)
    return RedirectResponse("/my/blocks?notice=blocked", status_code=303)


@router.post("/my/blocks/{block_id}/revoke")
@requires(Permission.PORTAL_OWN_RECORD)
def my_block_revoke(
    request: Request,
    block_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    access = read.own_patient(ctx, action="journal_block.revoke")
    if not confirmed(form):
        blocks = read.blocks(ctx, access=access)["blocks"]
        block = next((b for b in blocks if b["id"] == block_id and b["revoked_at"] is None), None)
        if block is None:
            raise NotFound()
        return confirm_page(request, ctx, kind="block_revoke", form=form, back="/my/blocks", subject=block)
    service.journal_block_revoke(ctx, access=access, block_id=block_id)
    return RedirectResponse("/my/blocks?notice=unblocked", status_code=303)
