"""Scoped reads of the pharmacy. Stock figures name no patient; row-level
security shows each user the locations they may see. What names a patient (a
dispense, the dispense queue) goes through the medication area's access
decision and is audited here."""

from typing import Any

from hms.access.policy import patient_access
from hms.audit.service import audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.db.queries import load
from hms.medication import read as medication_read
from hms.patients import read as patient_read
from hms.pharmacy import policy
from hms.pharmacy.forms import StockFilter

q = load("pharmacy")

LIST_LIMIT = 500
LEDGER_LIMIT = 200
# The expiring-soon list looks this far ahead unless asked otherwise.
EXPIRING_DAYS = 90


def _stock_reader(ctx: RequestContext) -> None:
    if not policy.can_read_stock(ctx.staff):
        raise Refused()


def locations(ctx: RequestContext) -> list[dict[str, Any]]:
    _stock_reader(ctx)
    rows: list[dict[str, Any]] = q.locations_mine(ctx.conn)
    return rows


def ward_locations(ctx: RequestContext) -> list[dict[str, Any]]:
    """The medicine rooms the user sees (for a clinician: their own units')."""
    return [row for row in locations(ctx) if row["kind"] == "ward"]


def drugs(ctx: RequestContext) -> list[dict[str, Any]]:
    """The formulary's current drugs, for the receipt and order forms."""
    return medication_read.drugs(ctx)


def stock_by_batch(ctx: RequestContext, *, filters: StockFilter) -> list[dict[str, Any]]:
    _stock_reader(ctx)
    rows: list[dict[str, Any]] = q.stock_by_batch(
        ctx.conn,
        location_id=filters.location_id,
        q=filters.q,
        show_empty=filters.show_empty,
        limit=LIST_LIMIT,
    )
    return rows


def access_batch(ctx: RequestContext, *, batch_id: int) -> dict[str, Any]:
    """One batch the user sees, with its ledger; NotFound otherwise."""
    _stock_reader(ctx)
    row: dict[str, Any] | None = q.batch_get(ctx.conn, batch_id=batch_id)
    if row is None:
        raise NotFound()
    row["ledger"] = q.batch_ledger(ctx.conn, batch_id=batch_id, limit=LEDGER_LIMIT)
    return row


def low_stock(ctx: RequestContext) -> list[dict[str, Any]]:
    _stock_reader(ctx)
    rows: list[dict[str, Any]] = q.stock_low_list(ctx.conn)
    return rows


def expiring(ctx: RequestContext, *, days: int = EXPIRING_DAYS) -> list[dict[str, Any]]:
    _stock_reader(ctx)
    rows: list[dict[str, Any]] = q.stock_expiring(ctx.conn, days=days, limit=LIST_LIMIT)
    return rows


def stock_value(ctx: RequestContext) -> list[dict[str, Any]]:
    _stock_reader(ctx)
    rows: list[dict[str, Any]] = q.stock_value(ctx.conn)
    return rows


def dispense_queue(ctx: RequestContext) -> list[dict[str, Any]]:
    """Approved active prescriptions not yet dispensed against, with their patients (audited)."""
    if not policy.can_manage(ctx.staff):
        raise Refused()
    rows: list[dict[str, Any]] = q.dispense_queue(ctx.conn, limit=LIST_LIMIT)
    audit_patients_listed(
        ctx, patient_ids=sorted({r["patient_id"] for r in rows}), action="pharmacy.dispense_queue"
    )
    return rows


def dispense_patient(ctx: RequestContext, *, patient_id: int) -> dict[str, Any]:
    """A patient as the dispensing pharmacist sees them: demographics, active
    prescriptions with stock at hand, and what was dispensed. Refused (404)
    without a basis in the medication area; the read is audited."""
    if not policy.can_manage(ctx.staff):
        raise Refused()
    access = patient_access(ctx, patient_id=patient_id, area="medication", action="pharmacy.dispense")
    patient = patient_read.access_patient(
        ctx, patient_id=patient_id, action="pharmacy.dispense", access=access
    )
    return {
        "patient": patient,
        "prescriptions": q.prescriptions_to_dispense(ctx.conn, patient_id=patient_id),
        "dispenses": q.dispenses_of_patient(ctx.conn, patient_id=patient_id, limit=LIST_LIMIT),
    }


def dispense_taken(ctx: RequestContext, *, dispense_id: int) -> list[dict[str, Any]]:
    """The batches (lot, expiry) a dispense took."""
    rows: list[dict[str, Any]] = q.dispense_taken(ctx.conn, dispense_id=dispense_id)
    return rows


def ward_orders(ctx: RequestContext, *, status: str | None = None) -> list[dict[str, Any]]:
    _stock_reader(ctx)
    rows: list[dict[str, Any]] = q.ward_orders(ctx.conn, status=status, limit=LIST_LIMIT)
    return rows


def access_ward_order(ctx: RequestContext, *, order_id: int) -> dict[str, Any]:
    """One ward order the user sees, with its lines and steps; NotFound otherwise."""
    _stock_reader(ctx)
    row: dict[str, Any] | None = q.ward_order_get(ctx.conn, order_id=order_id)
    if row is None:
        raise NotFound()
    row["lines"] = q.ward_order_lines(ctx.conn, order_id=order_id)
    row["events"] = q.ward_order_events(ctx.conn, order_id=order_id)
    return row


def work_summary(ctx: RequestContext) -> dict[str, int]:
    """The pharmacist's work in counts (for their home page): ward orders
    waiting per state, drugs below their reorder level, batches expiring
    within 90 days, approved prescriptions not yet dispensed against. Counts
    only, so nothing to audit."""
    _stock_reader(ctx)
    row: dict[str, Any] = q.work_summary(ctx.conn)
    return {key: int(value) for key, value in row.items()}
