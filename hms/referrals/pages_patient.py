"""Referring a patient from her chart: the form and its sending."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.referrals import read, service
from hms.referrals.forms import ReferralForm
from hms.web.forms import parse
from hms.web.guard import current, form_data, form_lists, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/patients/{patient_id}/referrals")


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.REFERRAL)
def referral_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return _form(request, ctx, patient_id, {}, {})


def _form(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    chosen: dict[str, Any] | None = None,
) -> Response:
    chosen = chosen or read.referral_patient(ctx, patient_id=patient_id)
    mine = read.my_units(ctx)
    if not values:
        values = {
            "urgency": "routine",
            "diagnosis_ids": [],
            "from_unit_id": read.preferred_care_unit(ctx, patient_id=patient_id) or "",
        }
    return page(
        request,
        ctx,
        "referrals/new.html",
        status_code=status_code,
        patient=chosen["patient"],
        diagnoses=chosen["diagnoses"],
        my_units=mine,
        units=read.units_to_refer_to(ctx),
        urgencies=read.urgency_targets(ctx),
        values=values,
        errors=errors,
    )


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.REFERRAL)
def referral_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    lists: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    chosen = read.referral_patient(ctx, patient_id=patient_id)
    submitted: dict[str, Any] = {**form, "diagnosis_ids": lists.get("diagnosis_ids", [])}
    try:
        referral_id = service.referral_send(
            ctx,
            patient_id=patient_id,
            data=parse(ReferralForm, submitted),
            diagnosis_ids={d["id"] for d in chosen["diagnoses"]},
        )
    except Invalid as exc:
        return _form(request, ctx, patient_id, submitted, exc.errors, status_code=422, chosen=chosen)
    return RedirectResponse(f"/referrals/{referral_id}?notice=sent", status_code=303)
