"""Medication work that is not one patient's page: the ward's administration
record (nurses), the pharmacist's review queue, and the formulary
(administrators)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.roles import Permission
from hms.medication import forms, read, service
from hms.web.forms import parse
from hms.web.guard import current, form_data, form_lists, guarded_router, login_required, requires
from hms.web.render import page

router = guarded_router(prefix="/medication")

MAR_HOURS = (4, 8, 12, 24)
# A scheduled dose not recorded this long after its time is overdue.
OVERDUE_AFTER = timedelta(minutes=60)
NOTICES = {
    "recorded": "The dose is recorded.",
    "approved": "The prescription is approved.",
    "queried": "The query is sent to the prescriber.",
    "added": "The drug is added to the formulary.",
    "retired": "The drug is retired: it can no longer be prescribed.",
    "restored": "The drug can be prescribed again.",
}


def _flash(ctx: RequestContext, notice: str) -> None:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])


# --- The administration record ---------------------------------------------


@router.get("/mar", response_class=HTMLResponse)
@requires(Permission.MEDICATION_ADMINISTER)
def mar(
    request: Request,
    unit: int | None = None,
    hours: int = 8,
    notice: str = "",
    ctx: RequestContext = Depends(current),
) -> Response:
    _flash(ctx, notice)
    return _mar_page(request, ctx, unit, hours, {}, {})


def _mar_page(
    request: Request,
    ctx: RequestContext,
    unit: int | None,
    hours: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    units = read.my_care_units(ctx)
    unit = unit or (units[0]["id"] if units else None)
    hours = hours if hours in MAR_HOURS else 8
    now = datetime.now(UTC)
    # From the start of the current hour, less the overdue window, so doses
    # just missed still show.
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    record = read.mar(ctx, care_unit_id=unit, start=start, hours=hours + 2) if unit else None
    for dose in record["doses"] if record else []:
        dose["overdue"] = dose["outcome"] is None and dose["scheduled_for"] + OVERDUE_AFTER < now
    return page(
        request,
        ctx,
        "medication/mar.html",
        status_code=status_code,
        units=units,
        unit=unit,
        hours=hours,
        hour_choices=MAR_HOURS,
        record=record,
        now_local=f"{now.astimezone(LOCAL_TZ):%Y-%m-%dT%H:%M}",
        dose_units=forms.DOSE_UNITS,
        values=values,
        errors=errors,
    )


@router.post("/mar", response_class=HTMLResponse)
@requires(Permission.MEDICATION_ADMINISTER)
def mar_record(
    request: Request,
    unit: int | None = None,
    hours: int = 8,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        data = parse(forms.DoseForm, form)
        if data.administered_at.tzinfo is None:
            data = data.model_copy(update={"administered_at": data.administered_at.replace(tzinfo=LOCAL_TZ)})
        service.administration_record(ctx, data=data)
    except Invalid as exc:
        return _mar_page(request, ctx, unit, hours, form, exc.errors, status_code=422)
    return RedirectResponse(
        f"/medication/mar?unit={data.care_unit_id}&hours={hours}&notice=recorded", status_code=303
    )


# --- The pharmacist's queue -------------------------------------------------


@router.get("/review", response_class=HTMLResponse)
@requires(Permission.MEDICATION_REVIEW)
def review_queue(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    _flash(ctx, notice)
    return page(request, ctx, "medication/queue.html", queue=read.review_queue(ctx))


@router.get("/active", response_class=HTMLResponse)
@requires(Permission.MEDICATION_REVIEW)
def active(request: Request, unit: int | None = None, ctx: RequestContext = Depends(current)) -> Response:
    """Every active prescription with allergies, weight and kidney function."""
    rows = read.active_prescriptions(ctx, care_unit_id=unit)
    patients: dict[int, dict[str, Any]] = {}
    for row in rows:
        patients.setdefault(row["patient_id"], {**row, "lines": []})["lines"].append(row)
    return page(
        request,
        ctx,
        "medication/active.html",
        patients=list(patients.values()),
        units=read.care_units(ctx),
        unit=unit,
    )


# --- The formulary -----------------------------------------------------------


@router.get("/formulary", response_class=HTMLResponse)
@login_required
def formulary(
    request: Request, q: str = "", notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    """Clinical staff and pharmacists look drugs up; administrators keep the list."""
    if not (ctx.staff.can(Permission.MEDICATION_READ) or ctx.staff.can(Permission.FORMULARY_MANAGE)):
        raise Refused()
    _flash(ctx, notice)
    return _formulary_page(request, ctx, q, {}, {})


def _formulary_page(
    request: Request,
    ctx: RequestContext,
    term: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    manage = ctx.staff.can(Permission.FORMULARY_MANAGE)
    return page(
        request,
        ctx,
        "medication/formulary.html",
        status_code=status_code,
        drugs=read.drugs(ctx, term=term or None, include_retired=manage),
        term=term,
        can_manage=manage,
        dose_units=forms.DOSE_UNITS,
        routes=forms.ROUTES,
        form_options=[(f, f.replace("_", " ")) for f in forms.DRUG_FORMS],
        stock_options=[(u, u) for u in forms.STOCK_UNITS],
        values=values,
        errors=errors,
    )


@router.post("/formulary", response_class=HTMLResponse)
@requires(Permission.FORMULARY_MANAGE)
def formulary_add(
    request: Request,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    lists: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    try:
        data = parse(forms.DrugForm, {**form, "routes": lists.get("routes", [])})
        service.drug_add(ctx, data=data)
    except Invalid as exc:
        return _formulary_page(request, ctx, "", {**form, "routes": lists.get("routes", [])}, exc.errors, 422)
    return RedirectResponse(f"/medication/formulary?q={data.generic_name}&notice=added", status_code=303)


@router.post("/formulary/{drug_id}/retire", response_class=HTMLResponse)
@requires(Permission.FORMULARY_MANAGE)
def formulary_retire(
    drug_id: int, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    retired = form.get("retired", "1") == "1"
    drug = read.drug(ctx, drug_id=drug_id)
    service.drug_set_retired(ctx, drug_id=drug_id, retired=retired)
    notice = "retired" if retired else "restored"
    return RedirectResponse(
        f"/medication/formulary?q={drug['generic_name']}&notice={notice}", status_code=303
    )
