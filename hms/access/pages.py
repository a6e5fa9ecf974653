"""Emergency access (nödåtkomst): the form a refused clinician is offered, and
the administrators' review of every access opened so."""

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.access import read, service
from hms.access.forms import EmergencyAccessForm, ReviewForm
from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

# No prefix: the form lives under /patients/{patient_id}, the review beside the audit log.
router = guarded_router()

NOTICES = {"reviewed": "The review is saved."}


@router.get("/patients/{patient_id}/emergency-access", response_class=HTMLResponse)
@requires(Permission.EMERGENCY_ACCESS)
def form(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "access/refused.html", patient_id=patient_id, values={}, errors={})


@router.post("/patients/{patient_id}/emergency-access", response_class=HTMLResponse)
@requires(Permission.EMERGENCY_ACCESS)
def open_access(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        service.emergency_access_open(ctx, patient_id=patient_id, data=parse(EmergencyAccessForm, form))
    except Invalid as exc:
        return page(
            request,
            ctx,
            "access/refused.html",
            status_code=422,
            patient_id=patient_id,
            values=form,
            errors=exc.errors,
        )
    return RedirectResponse(f"/patients/{patient_id}/journal?notice=emergency", status_code=303)


@router.get("/admin/audit/emergency", response_class=HTMLResponse)
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
        "access/emergency_review.html",
        status_code=status_code,
        accesses=read.emergency_queue(ctx),
        failed=failed,
        values=values or {},
        errors=errors or {},
    )


@router.post("/admin/audit/emergency/{access_id}", response_class=HTMLResponse)
@requires(Permission.AUDIT_REVIEW)
def emergency_review(
    request: Request,
    access_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        service.emergency_access_review(ctx, access_id=access_id, data=parse(ReviewForm, form))
    except Invalid as exc:
        return _queue_page(request, ctx, status_code=422, failed=access_id, values=form, errors=exc.errors)
    return RedirectResponse(f"/admin/audit/emergency?notice=reviewed#access-{access_id}", status_code=303)
