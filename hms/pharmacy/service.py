"""Writes of the pharmacy. Each calls one of the database's functions
(migration 0021), which check the verified user's role, lock what they
touch and either complete or change nothing; the database records who acted.
A dispense names a patient, so it writes its audit row in the same
transaction."""

import json
from typing import Any

from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.pharmacy import policy, read
from hms.pharmacy.forms import (
    AdjustForm,
    CancelForm,
    DispenseForm,
    ReceiptForm,
    ReorderLevelForm,
    WardOrderForm,
)

q = load("pharmacy")

NOT_THE_PATIENTS = "Choose one of the patient's prescriptions."
NOT_MY_WARD = "Order for the medicine room of one of your own care units."
STEP_NOT_ALLOWED = "The order cannot take that step now."
CHOOSE_LOCATION = "Choose a location from the list."
CHOOSE_DRUG = "Choose a drug from the list."
RECEIPT_FIELDS = frozenset({"supplier", "reference"})


def delivery_receive(ctx: RequestContext, *, data: ReceiptForm) -> int:
    """A supplier's delivery into the central pharmacy: one batch per line."""
    if not policy.can_manage(ctx.staff):
        raise Refused()
    lines = [line.model_dump(mode="json") for line in data.lines]
    try:
        with savepoint(ctx.conn):
            row = q.receive(
                ctx.conn, supplier=data.supplier, reference=data.reference, lines=json.dumps(lines)
            )
    except Invalid as exc:
        # A line's refusal cannot say which row of the form it was: shown above the form.
        raise Invalid({(f if f in RECEIPT_FIELDS else "_form"): m for f, m in exc.errors.items()}) from None
    receipt_id: int = row["id"]
    return receipt_id


def prescription_dispense(
    ctx: RequestContext, *, patient_id: int, prescriptions: list[dict[str, Any]], data: DispenseForm
) -> int:
    """Dispense against one of the patient's prescriptions (from
    read.dispense_patient), first expiry first out, all or nothing; the
    audit row names the patient."""
    if not policy.can_manage(ctx.staff):
        raise Refused()
    if data.prescription_id not in {p["id"] for p in prescriptions}:
        raise Invalid({"prescription_id": NOT_THE_PATIENTS})
    with savepoint(ctx.conn):
        row = q.dispense(ctx.conn, prescription_id=data.prescription_id, quantity=data.quantity)
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="pharmacy.dispense",
            object_type="stock_dispense",
            object_id=row["id"],
            detail=f"prescription {data.prescription_id}: {data.quantity} units",
        )
    dispense_id: int = row["id"]
    return dispense_id


def batch_adjust(ctx: RequestContext, *, batch_id: int, data: AdjustForm) -> None:
    """A count corrected, or units wasted, with a reason."""
    if not policy.can_manage(ctx.staff):
        raise Refused()
    with savepoint(ctx.conn):
        if data.kind == "wastage":
            q.stock_waste(ctx.conn, batch_id=batch_id, quantity=data.quantity, reason=data.reason)
        else:
            q.stock_adjust(ctx.conn, batch_id=batch_id, change=data.quantity, reason=data.reason)


def stock_level_set(ctx: RequestContext, *, data: ReorderLevelForm) -> None:
    """A drug's reorder level at a location (both chosen from what the user sees)."""
    if not policy.can_manage(ctx.staff):
        raise Refused()
    errors = {}
    if data.location_id not in {row["id"] for row in read.locations(ctx)}:
        errors["location_id"] = CHOOSE_LOCATION
    if data.drug_id not in {row["id"] for row in read.drugs(ctx)}:
        errors["drug_id"] = CHOOSE_DRUG
    if errors:
        raise Invalid(errors)
    with savepoint(ctx.conn):
        q.stock_level_set(
            ctx.conn, location_id=data.location_id, drug_id=data.drug_id, reorder_level=data.reorder_level
        )


def ward_order_request(ctx: RequestContext, *, wards: list[dict[str, Any]], data: WardOrderForm) -> int:
    """A ward's nurse or doctor orders for one of their own medicine rooms
    (``wards``: read.ward_locations)."""
    if not policy.can_order(ctx.staff):
        raise Refused()
    if data.location_id not in {w["id"] for w in wards}:
        raise Invalid({"location_id": NOT_MY_WARD})
    lines = [line.model_dump() for line in data.lines]
    with savepoint(ctx.conn):
        row = q.ward_order_request(
            ctx.conn, location_id=data.location_id, lines=json.dumps(lines), note=data.note
        )
    order_id: int = row["id"]
    return order_id


def ward_order_advance(ctx: RequestContext, *, order: dict[str, Any], to: str) -> None:
    """Approve, pick or deliver a ward order (the pharmacist)."""
    _move(ctx, order, to, None)


def ward_order_cancel(ctx: RequestContext, *, order: dict[str, Any], data: CancelForm) -> None:
    _move(ctx, order, "cancelled", data.reason)


def _move(ctx: RequestContext, order: dict[str, Any], to: str, reason: str | None) -> None:
    if not policy.may_move(ctx.staff, order, to):
        raise Invalid({"_form": STEP_NOT_ALLOWED})
    with savepoint(ctx.conn):
        q.ward_order_move(ctx.conn, order_id=order["id"], to=to, reason=reason)
