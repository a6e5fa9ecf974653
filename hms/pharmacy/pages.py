"""Pharmacy pages: the stock by batch, receipts, dispensing against a
prescription, adjustments and wastage, and the low-stock, expiring-soon and
stock-value lists. Ward orders are in pages_orders.py."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.pharmacy import policy, read, service
from hms.pharmacy.forms import (
    LINES,
    NO_LINES,
    AdjustForm,
    DispenseForm,
    ReceiptForm,
    ReceiptLine,
    ReorderLevelForm,
    StockFilter,
)
from hms.web.forms import parse, parse_with_lines
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/pharmacy")

NOTICES = {
    "received": "The delivery is received into the pharmacy.",
    "dispensed": "Dispensed, first expiry first out.",
    "adjusted": "The stock is adjusted.",
    "level": "The reorder level is saved.",
}
LINE_FIELDS = ("drug_id", "lot", "expires_on", "quantity", "unit_cost")


def _notice(ctx: RequestContext, notice: str) -> None:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])


# The stock ----------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
@requires(Permission.STOCK_READ)
def stock(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    _notice(ctx, notice)
    raw = {k: v for k, v in request.query_params.items() if k in StockFilter.model_fields}
    try:
        filters = parse(StockFilter, raw)
    except Invalid:
        filters = StockFilter()
    return page(
        request,
        ctx,
        "pharmacy/stock.html",
        batches=read.stock_by_batch(ctx, filters=filters),
        locations=read.locations(ctx),
        filters=filters,
        can_manage=policy.can_manage(ctx.staff),
    )


@router.get("/low-stock", response_class=HTMLResponse)
@requires(Permission.STOCK_READ)
def low_stock(request: Request, notice: str = "", ctx: RequestContext = Depends(current)) -> Response:
    _notice(ctx, notice)
    return _low_page(request, ctx, {}, {})


def _low_page(
    request: Request,
    ctx: RequestContext,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return page(
        request,
        ctx,
        "pharmacy/low.html",
        status_code=status_code,
        rows=read.low_stock(ctx),
        locations=read.locations(ctx),
        drugs=read.drugs(ctx),
        can_manage=policy.can_manage(ctx.staff),
        values=values,
        errors=errors,
    )


@router.post("/low-stock", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def reorder_level_set(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        service.stock_level_set(ctx, data=parse(ReorderLevelForm, form))
    except Invalid as exc:
        return _low_page(request, ctx, form, exc.errors, status_code=422)
    return RedirectResponse("/pharmacy/low-stock?notice=level", status_code=303)


@router.get("/expiring", response_class=HTMLResponse)
@requires(Permission.STOCK_READ)
def expiring(
    request: Request, days: int = read.EXPIRING_DAYS, ctx: RequestContext = Depends(current)
) -> Response:
    days = min(max(days, 1), 730)
    return page(request, ctx, "pharmacy/expiring.html", rows=read.expiring(ctx, days=days), days=days)


@router.get("/value", response_class=HTMLResponse)
@requires(Permission.STOCK_READ)
def value(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    rows = read.stock_value(ctx)
    total = sum(r["value"] for r in rows)
    return page(request, ctx, "pharmacy/value.html", rows=rows, total=total)


# Receipts -----------------------------------------------------------------------------------


@router.get("/receipts/new", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def receipt_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _receipt_page(request, ctx, {}, {})


def _receipt_page(
    request: Request,
    ctx: RequestContext,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return page(
        request,
        ctx,
        "pharmacy/receive.html",
        status_code=status_code,
        drugs=read.drugs(ctx),
        rows=range(LINES),
        values=values,
        errors=errors,
    )


@router.post("/receipts/new", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def receipt_create(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        data = parse_with_lines(ReceiptForm, form, ReceiptLine, LINE_FIELDS, rows=LINES, no_lines=NO_LINES)
        service.delivery_receive(ctx, data=data)
    except Invalid as exc:
        return _receipt_page(request, ctx, form, exc.errors, status_code=422)
    return RedirectResponse("/pharmacy?notice=received", status_code=303)


# Dispensing ---------------------------------------------------------------------------------


@router.get("/dispense", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def dispense_queue(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "pharmacy/queue.html", rows=read.dispense_queue(ctx))


@router.get("/patients/{patient_id}/dispense", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def dispense_form(
    request: Request,
    patient_id: int,
    notice: str = "",
    dispense: int | None = None,
    prescription_id: int | None = None,
    ctx: RequestContext = Depends(current),
) -> Response:
    _notice(ctx, notice)
    taken = read.dispense_taken(ctx, dispense_id=dispense) if dispense and notice == "dispensed" else []
    values = {"prescription_id": prescription_id} if prescription_id else {}
    return _dispense_page(request, ctx, patient_id, values, {}, taken=taken)


def _dispense_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    taken: list[dict[str, Any]] | None = None,
    view: dict[str, Any] | None = None,
) -> Response:
    view = view or read.dispense_patient(ctx, patient_id=patient_id)
    approved = [p for p in view["prescriptions"] if p["review_state"] == "approved"]
    if not values and len(approved) == 1:
        values = {"prescription_id": approved[0]["id"]}
    return page(
        request,
        ctx,
        "pharmacy/dispense.html",
        status_code=status_code,
        approved=approved,
        taken=taken or [],
        values=values,
        errors=errors,
        **view,
    )


@router.post("/patients/{patient_id}/dispense", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def dispense(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    view = read.dispense_patient(ctx, patient_id=patient_id)
    approved = [p for p in view["prescriptions"] if p["review_state"] == "approved"]
    try:
        dispense_id = service.prescription_dispense(
            ctx, patient_id=patient_id, prescriptions=approved, data=parse(DispenseForm, form)
        )
    except Invalid as exc:
        return _dispense_page(request, ctx, patient_id, form, exc.errors, status_code=422, view=view)
    return RedirectResponse(
        f"/pharmacy/patients/{patient_id}/dispense?notice=dispensed&dispense={dispense_id}", status_code=303
    )


# Batches: adjustments and wastage -------------------------------------------------------------


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
@requires(Permission.STOCK_READ)
def batch(
    request: Request, batch_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    _notice(ctx, notice)
    return _batch_page(request, ctx, batch_id, {"kind": "wastage"}, {})


def _batch_page(
    request: Request,
    ctx: RequestContext,
    batch_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return page(
        request,
        ctx,
        "pharmacy/batch.html",
        status_code=status_code,
        b=read.access_batch(ctx, batch_id=batch_id),
        can_manage=policy.can_manage(ctx.staff),
        values=values,
        errors=errors,
    )


@router.post("/batches/{batch_id}/adjust", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def batch_adjust(
    request: Request,
    batch_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    read.access_batch(ctx, batch_id=batch_id)
    try:
        service.batch_adjust(ctx, batch_id=batch_id, data=parse(AdjustForm, form))
    except Invalid as exc:
        return _batch_page(request, ctx, batch_id, form, exc.errors, status_code=422)
    return RedirectResponse(f"/pharmacy/batches/{batch_id}?notice=adjusted", status_code=303)
