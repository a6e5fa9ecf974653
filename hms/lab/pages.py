"""A patient's laboratory page: orders and results with their flags, ordering,
the sample taken, results entered, acknowledgement and the trend of one
analyte; and the ward's sampling worklist."""

from datetime import UTC, datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.lab import charts, forms, policy, read, service
from hms.patients.read import access_patient
from hms.web.confirm import confirm_page, confirmed
from hms.web.forms import FormPage, parse
from hms.web.guard import current, form_data, form_lists, guarded_router, requires
from hms.web.render import page

router = guarded_router()

NOTICES = {
    "ordered": "The order is placed.",
    "sampled": "The sample is recorded as taken.",
    "cancelled": "The order is cancelled.",
    "resulted": "The results are saved.",
    "acknowledged": "The result is acknowledged.",
    "radiology_ordered": "The examination is ordered.",
    "reported": "The report is signed.",
    "report_acknowledged": "The report is acknowledged.",
}


def flash(ctx: RequestContext, notice: str) -> None:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])


def patient_header(ctx: RequestContext, patient_id: int, access: Any = None) -> dict[str, Any]:
    """The patient's name for the page header (audited with the page's own read)."""
    return access_patient(ctx, patient_id=patient_id, action="lab.read", access=access, audit=False)


def local_now() -> str:
    return f"{datetime.now(UTC).astimezone(LOCAL_TZ):%Y-%m-%dT%H:%M}"


def aware(value: datetime) -> datetime:
    """A time typed in a form is the hospital's local time."""
    return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value


# --- The patient's lab page --------------------------------------------------


@router.get("/patients/{patient_id}/lab", response_class=HTMLResponse)
@requires(Permission.LAB_READ)
def lab_page(
    request: Request, patient_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    flash(ctx, notice)
    return _lab_page(request, ctx, patient_id, {}, {})


def _lab_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    data = read.lab_page(ctx, patient_id=patient_id)
    units = read.my_unit_ids(ctx)
    user = ctx.staff
    for order in data["orders"]:
        order["may_sample"] = policy.may_sample(user, order, units)
        order["may_cancel"] = policy.may_cancel(user, order, units)
        order["may_enter"] = policy.may_enter_results(user, order)
        order["may_acknowledge"] = policy.may_acknowledge(user, order, units)
    for exam in data["radiology"]:
        exam["may_acknowledge"] = exam["report_id"] is not None and policy.may_acknowledge(user, exam, units)
    return page(
        request,
        ctx,
        "lab/patient.html",
        status_code=status_code,
        patient=patient_header(ctx, patient_id, data["access"]),
        orders=data["orders"],
        analytes=data["analytes"],
        radiology=data["radiology"],
        can_order=user.can(Permission.LAB_ORDER),
        values={"sampled_at": local_now()} | values,
        errors=errors,
    )


# --- Ordering ------------------------------------------------------------------


def order_defaults(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """A new order (lab or imaging) is routine, from the unit that has the patient in care."""
    if values:
        return values
    unit = read.preferred_care_unit(ctx, patient_id=context["patient"]["id"])
    return {"priority": "routine", "care_unit_id": unit or ""}


def _order_offers(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    return {
        "catalogue": read.catalogue(ctx),
        "units": read.my_care_units(ctx),
        "priorities": forms.PRIORITIES,
    }


ORDER_FORM = FormPage("lab/order.html", fill=order_defaults, offers=_order_offers)


@router.get("/patients/{patient_id}/lab/new", response_class=HTMLResponse)
@requires(Permission.LAB_ORDER)
def order_form(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    access = read.lab_access(ctx, patient_id=patient_id, action="lab.order")
    return ORDER_FORM.show(request, ctx, {}, patient=patient_header(ctx, patient_id, access))


@router.post("/patients/{patient_id}/lab/new", response_class=HTMLResponse)
@requires(Permission.LAB_ORDER)
def order_place(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, list[str]] = Depends(form_lists),
) -> Response:
    access = read.lab_access(ctx, patient_id=patient_id, action="lab.order")
    values: dict[str, Any] = {k: v[0] for k, v in form.items() if v and k not in ("tests", "panels")}
    values |= {"tests": form.get("tests", []), "panels": form.get("panels", [])}

    def save() -> str:
        service.order_place(ctx, patient_id=patient_id, data=parse(forms.OrderForm, values))
        return f"/patients/{patient_id}/lab?notice=ordered"

    return ORDER_FORM.submit(request, ctx, values, save, patient=patient_header(ctx, patient_id, access))


# --- The sample and cancelling ----------------------------------------------------


@router.post("/patients/{patient_id}/lab/orders/{order_id}/sample", response_class=HTMLResponse)
@requires(Permission.LAB_SAMPLE)
def order_sample(
    request: Request,
    patient_id: int,
    order_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    order = read.access_order(ctx, patient_id=patient_id, order_id=order_id, audit=False)
    try:
        data = parse(forms.SampleForm, form)
        service.order_sample(ctx, order=order, sampled_at=aware(data.sampled_at))
    except Invalid as exc:
        errors = {f"sampled_at_{order_id}": exc.errors.get("sampled_at") or exc.errors.get("_form", "")}
        return _lab_page(
            request, ctx, patient_id, {f"sampled_at_{order_id}": form.get("sampled_at")}, errors, 422
        )
    return RedirectResponse(_back(form, f"/patients/{patient_id}/lab") + "?notice=sampled", status_code=303)


def _back(form: dict[str, str], default: str) -> str:
    """Where a form posted from the worklist returns to (only that one place)."""
    return "/lab/sampling" if form.get("back") == "worklist" else default


@router.post("/patients/{patient_id}/lab/orders/{order_id}/cancel", response_class=HTMLResponse)
@requires(Permission.LAB_ORDER)
def order_cancel(
    request: Request,
    patient_id: int,
    order_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    # The cancel writes its own audit row; the page that asks first shows the order, a read.
    order = read.access_order(ctx, patient_id=patient_id, order_id=order_id, audit=not confirmed(form))
    try:
        data = parse(forms.CancelForm, form)
        if not confirmed(form) and policy.may_cancel(ctx.staff, order, read.my_unit_ids(ctx)):
            patient = access_patient(ctx, patient_id=patient_id, action="lab.read", audit=False)
            back = f"/patients/{patient_id}/lab"
            return confirm_page(
                request, ctx, kind="lab_order_cancel", form=form, back=back, subject=order, patient=patient
            )
        service.order_cancel(ctx, order=order, data=data)
    except Invalid as exc:
        errors = {f"reason_{order_id}": exc.errors.get("reason") or exc.errors.get("_form", "")}
        return _lab_page(request, ctx, patient_id, {f"reason_{order_id}": form.get("reason")}, errors, 422)
    return RedirectResponse(f"/patients/{patient_id}/lab?notice=cancelled", status_code=303)


# --- Results ------------------------------------------------------------------


@router.get("/patients/{patient_id}/lab/orders/{order_id}/results", response_class=HTMLResponse)
@requires(Permission.LAB_READ)
def results_form(
    request: Request, patient_id: int, order_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    order = read.access_order(ctx, patient_id=patient_id, order_id=order_id)
    values = {f"value_{line['item_id']}": _shown(line["value"]) for line in order["lines"]}
    values |= {f"comment_{line['item_id']}": line["comment"] or "" for line in order["lines"]}
    return _results_page(request, ctx, patient_id, order, values, {})


def _shown(value: Any) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _results_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    order: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return page(
        request,
        ctx,
        "lab/results.html",
        status_code=status_code,
        patient=patient_header(ctx, patient_id),
        order=order,
        may_enter=policy.may_enter_results(ctx.staff, order),
        values=values,
        errors=errors,
    )


@router.post("/patients/{patient_id}/lab/orders/{order_id}/results", response_class=HTMLResponse)
@requires(Permission.LAB_RESULT)
def results_enter(
    request: Request,
    patient_id: int,
    order_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    order = read.access_order(ctx, patient_id=patient_id, order_id=order_id, audit=False)
    try:
        lines = _result_lines(order, form)
        service.results_enter(ctx, order=order, lines=lines, source="form")
    except Invalid as exc:
        return _results_page(request, ctx, patient_id, order, form, exc.errors, status_code=422)
    return RedirectResponse(f"/patients/{patient_id}/lab?notice=resulted", status_code=303)


def _result_lines(order: dict[str, Any], form: dict[str, str]) -> list[forms.ResultLine]:
    """One result per filled field (``value_<line>``, ``comment_<line>``),
    every field's error reported beside it."""
    lines: list[forms.ResultLine] = []
    errors: dict[str, str] = {}
    for line in order["lines"]:
        key = f"value_{line['item_id']}"
        raw = {
            "loinc": line["loinc"],
            "value": form.get(key, "").replace(",", "."),
            "comment": form.get(f"comment_{line['item_id']}", ""),
        }
        if not raw["value"].strip():
            continue
        try:
            lines.append(parse(forms.ResultLine, raw))
        except Invalid as exc:
            errors |= {
                (key if name in ("value", "loinc") else f"comment_{line['item_id']}"): message
                for name, message in exc.errors.items()
            }
    if errors:
        raise Invalid(errors)
    return lines


@router.post("/patients/{patient_id}/lab/results/{result_id}/acknowledge", response_class=HTMLResponse)
@requires(Permission.LAB_ACKNOWLEDGE)
def result_acknowledge(
    request: Request,
    patient_id: int,
    result_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    result = read.access_result(ctx, patient_id=patient_id, result_id=result_id)
    try:
        service.result_acknowledge(ctx, result=result)
    except Invalid as exc:
        return _lab_page(request, ctx, patient_id, {}, exc.errors, 422)
    back = "/" if form.get("back") == "home" else f"/patients/{patient_id}/lab"
    return RedirectResponse(back + "?notice=acknowledged", status_code=303)


# --- Trend ------------------------------------------------------------------------


@router.get("/patients/{patient_id}/lab/trend", response_class=HTMLResponse)
@requires(Permission.LAB_READ)
def trend(
    request: Request, patient_id: int, loinc: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if not loinc:
        read.lab_access(ctx, patient_id=patient_id)
        return RedirectResponse(f"/patients/{patient_id}/lab#trends", status_code=303)
    data = read.trend(ctx, patient_id=patient_id, loinc=loinc)
    return page(
        request,
        ctx,
        "lab/trend.html",
        patient=patient_header(ctx, patient_id),
        test=data["test"],
        points=data["points"],
        ranges=data["ranges"],
        chart=charts.trend_chart(data["points"], unit=data["test"]["unit"]),
    )


# --- The sampling worklist -------------------------------------------------------


@router.get("/lab/sampling", response_class=HTMLResponse)
@requires(Permission.LAB_SAMPLE)
def sampling(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    flash(ctx, notice)
    return page(
        request,
        ctx,
        "lab/sampling.html",
        rows=read.sampling_worklist(ctx),
        units=read.my_care_units(ctx),
        values={"sampled_at": local_now()},
    )
