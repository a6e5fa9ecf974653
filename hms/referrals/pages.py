"""Referral pages: the referrals of a doctor's units and their own, one
referral with its answer, and the receiving unit's accept and reject and the
sender's withdrawal (a confirmation first). The form that sends one hangs
under the patient (pages_patient.py)."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.roles import Permission
from hms.referrals import policy, read, service
from hms.referrals.forms import RejectForm, WithdrawForm
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/referrals")

NOTICES = {
    "sent": "The referral is sent to the care unit.",
    "accepted": "The referral is accepted: the patient is in your unit's care.",
    "rejected": "The referral is rejected; the sender reads your reason.",
    "withdrawn": "The referral is withdrawn.",
}


def _redirect(referral_id: int, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/referrals/{referral_id}?notice={notice}", status_code=303)


@router.get("", response_class=HTMLResponse)
@requires(Permission.REFERRAL)
def index(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    lists = read.referrals_mine(ctx)
    return page(
        request,
        ctx,
        "referrals/list.html",
        waiting=lists["waiting"],
        decided=lists["decided"],
        outgoing=lists["outgoing"],
    )


@router.get("/{referral_id}", response_class=HTMLResponse)
@requires(Permission.REFERRAL)
def show(
    request: Request, referral_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    return _show_page(request, ctx, referral_id, {}, {})


def _show_page(
    request: Request,
    ctx: RequestContext,
    referral_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    referral = read.access_referral(ctx, referral_id=referral_id)
    units = read.my_unit_ids(ctx)
    return page(
        request,
        ctx,
        "referrals/show.html",
        status_code=status_code,
        r=referral,
        can_decide=policy.may_transition(ctx.staff, referral, "accepted", units),
        can_withdraw=policy.may_transition(ctx.staff, referral, "withdrawn", units),
        is_receiver=policy.is_receiver(ctx.staff, referral, units),
        values=values,
        errors=errors,
    )


@router.post("/{referral_id}/accept", response_class=HTMLResponse)
@requires(Permission.REFERRAL)
def accept(request: Request, referral_id: int, ctx: RequestContext = Depends(current)) -> Response:
    referral = read.access_referral(ctx, referral_id=referral_id)
    try:
        service.referral_accept(ctx, referral=referral)
    except Invalid as exc:
        return _show_page(request, ctx, referral_id, {}, exc.errors, status_code=422)
    return _redirect(referral_id, "accepted")


@router.post("/{referral_id}/reject", response_class=HTMLResponse)
@requires(Permission.REFERRAL)
def reject(
    request: Request,
    referral_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    referral = read.access_referral(ctx, referral_id=referral_id)
    try:
        service.referral_reject(ctx, referral=referral, data=parse(RejectForm, {"reason": "", **form}))
    except Invalid as exc:
        return _show_page(request, ctx, referral_id, form, exc.errors, status_code=422)
    return _redirect(referral_id, "rejected")


@router.get("/{referral_id}/withdraw", response_class=HTMLResponse)
@requires(Permission.REFERRAL)
def withdraw_confirm(request: Request, referral_id: int, ctx: RequestContext = Depends(current)) -> Response:
    """The confirmation step: what withdrawing means, and a reason if one likes."""
    return _withdraw_page(request, ctx, referral_id, {}, {})


def _withdraw_page(
    request: Request,
    ctx: RequestContext,
    referral_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    referral = read.access_referral(ctx, referral_id=referral_id)
    if not policy.is_sender(ctx.staff, referral):
        raise NotFound(
            audit={
                "patient_id": referral["patient_id"],
                "action": "referral.withdraw",
                "detail": f"referral {referral_id}: not the sender",
            }
        )
    return page(
        request,
        ctx,
        "referrals/withdraw.html",
        status_code=status_code,
        r=referral,
        can_withdraw=policy.may_transition(ctx.staff, referral, "withdrawn", set()),
        values=values,
        errors=errors,
    )


@router.post("/{referral_id}/withdraw", response_class=HTMLResponse)
@requires(Permission.REFERRAL)
def withdraw(
    request: Request,
    referral_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    referral = read.access_referral(ctx, referral_id=referral_id)
    try:
        service.referral_withdraw(ctx, referral=referral, data=parse(WithdrawForm, form))
    except Invalid as exc:
        return _withdraw_page(request, ctx, referral_id, form, exc.errors, status_code=422)
    return _redirect(referral_id, "withdrawn")
