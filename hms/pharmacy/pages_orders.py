"""Ward-order pages: a ward's nurse or doctor orders for their own medicine
room; the pharmacist approves, picks and delivers; either side may cancel
while policy.TRANSITIONS allows it."""

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.pharmacy import policy, read, service
from hms.pharmacy.forms import LINES, NO_LINES, CancelForm, OrderLine, WardOrderForm
from hms.web.forms import parse, parse_with_lines
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/pharmacy/orders")

NOTICES = {
    "requested": "The order is sent to the pharmacy.",
    "approved": "The order is approved.",
    "picked": "The order is picked.",
    "delivered": "The order is delivered; the stock has moved to the ward.",
    "cancelled": "The order is cancelled.",
}
STATUSES = ("requested", "approved", "picked", "delivered", "cancelled")


@router.get("", response_class=HTMLResponse)
@requires(Permission.STOCK_READ)
def orders(request: Request, status: str = "", ctx: RequestContext = Depends(current)) -> Response:
    chosen = status if status in STATUSES else None
    return page(
        request,
        ctx,
        "pharmacy/orders.html",
        orders=read.ward_orders(ctx, status=chosen),
        status=chosen,
        statuses=STATUSES,
        can_order=policy.can_order(ctx.staff),
    )


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.WARD_ORDER)
def order_form(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return _new_page(request, ctx, {}, {})


def _new_page(
    request: Request,
    ctx: RequestContext,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    wards = read.ward_locations(ctx)
    if not values and len(wards) == 1:
        values = {"location_id": wards[0]["id"]}
    return page(
        request,
        ctx,
        "pharmacy/order_new.html",
        status_code=status_code,
        wards=wards,
        drugs=read.drugs(ctx),
        rows=range(LINES),
        values=values,
        errors=errors,
    )


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.WARD_ORDER)
def order_create(
    request: Request, ctx: RequestContext = Depends(current), form: dict[str, str] = Depends(form_data)
) -> Response:
    try:
        data = parse_with_lines(
            WardOrderForm, form, OrderLine, ("drug_id", "quantity"), rows=LINES, no_lines=NO_LINES
        )
        order_id = service.ward_order_request(ctx, wards=read.ward_locations(ctx), data=data)
    except Invalid as exc:
        return _new_page(request, ctx, form, exc.errors, status_code=422)
    return RedirectResponse(f"/pharmacy/orders/{order_id}?notice=requested", status_code=303)


@router.get("/{order_id}", response_class=HTMLResponse)
@requires(Permission.STOCK_READ)
def order(
    request: Request, order_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    return _order_page(request, ctx, order_id, {}, {})


def _order_page(
    request: Request,
    ctx: RequestContext,
    order_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    row = read.access_ward_order(ctx, order_id=order_id)
    return page(
        request,
        ctx,
        "pharmacy/order.html",
        status_code=status_code,
        o=row,
        steps=policy.next_steps(ctx.staff, row),
        is_pharmacist=policy.can_manage(ctx.staff),
        values=values,
        errors=errors,
    )


@router.post("/{order_id}/cancel", response_class=HTMLResponse)
@requires(Permission.STOCK_READ)
def order_cancel(
    request: Request,
    order_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    row = read.access_ward_order(ctx, order_id=order_id)
    try:
        service.ward_order_cancel(ctx, order=row, data=parse(CancelForm, form))
    except Invalid as exc:
        return _order_page(request, ctx, order_id, form, exc.errors, status_code=422)
    return RedirectResponse(f"/pharmacy/orders/{order_id}?notice=cancelled", status_code=303)


@router.post("/{order_id}/approve", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def order_approve(request: Request, order_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return _advance(request, ctx, order_id, "approved")


@router.post("/{order_id}/pick", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def order_pick(request: Request, order_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return _advance(request, ctx, order_id, "picked")


@router.post("/{order_id}/deliver", response_class=HTMLResponse)
@requires(Permission.PHARMACY_MANAGE)
def order_deliver(request: Request, order_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return _advance(request, ctx, order_id, "delivered")


def _advance(request: Request, ctx: RequestContext, order_id: int, step: str) -> Response:
    row = read.access_ward_order(ctx, order_id=order_id)
    try:
        service.ward_order_advance(ctx, order=row, to=step)
    except Invalid as exc:
        # A refusal names no field of this page: shown above the order.
        errors = {"_form": next(iter(exc.errors.values()))}
        return _order_page(request, ctx, order_id, {}, errors, status_code=422)
    return RedirectResponse(f"/pharmacy/orders/{order_id}?notice={step}", status_code=303)
