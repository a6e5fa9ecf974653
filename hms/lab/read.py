"""Scoped reads of laboratory orders, results and imaging: each asks the
access decision for the patient's clinical area, returns only what row-level
security shows the user (blocks included), and writes the audit row in the
same transaction.

For other packages' pages: ``critical_unacknowledged_mine(ctx)`` (a doctor's
home page) and ``critical_unacknowledged_for(ctx, patient_ids=…)`` (a ward
board: one query for every patient it shows)."""

from typing import Any

from hms.access import read as access_read
from hms.access.policy import Access, patient_access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.core.roles import Permission
from hms.db.queries import load
from hms.lab import policy

q = load("lab")

ORDER_LIMIT = 200
TREND_LIMIT = 500
CRITICAL_LIMIT = 100
WORKLIST_LIMIT = 300


def lab_access(ctx: RequestContext, *, patient_id: int, action: str = "lab.read") -> Access:
    """The clinical area of the access decision (403/404 and an audit row if refused)."""
    if not policy.can_read(ctx.staff):
        raise Refused(audit={"patient_id": None, "action": action, "detail": f"patient {patient_id}"})
    return patient_access(ctx, patient_id=patient_id, area="clinical", action=action)


def my_care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return accounts_read.my_care_units(ctx)


def preferred_care_unit(ctx: RequestContext, *, patient_id: int) -> int | None:
    """The care unit a form about the patient preselects (hms.access.read)."""
    return access_read.preferred_care_unit(ctx, patient_id=patient_id)


def my_unit_ids(ctx: RequestContext) -> set[int]:
    return {u["id"] for u in my_care_units(ctx)}


def catalogue(ctx: RequestContext) -> dict[str, list[dict[str, Any]]]:
    """The tests and panels that may be ordered (reference data: no patient, no audit)."""
    return {"tests": q.catalogue_tests(ctx.conn), "panels": q.catalogue_panels(ctx.conn)}


def _with_lines(ctx: RequestContext, patient_id: int, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines = q.lines_for_patient(ctx.conn, patient_id=patient_id, order_ids=[o["id"] for o in orders])
    by_order: dict[int, list[dict[str, Any]]] = {o["id"]: [] for o in orders}
    for line in lines:
        by_order[line["order_id"]].append(line)
    return [{**o, "lines": by_order[o["id"]]} for o in orders]


def lab_page(ctx: RequestContext, *, patient_id: int) -> dict[str, Any]:
    """A patient's laboratory orders with their lines and current results,
    the analytes with results (for the trends) and the imaging examinations."""
    access = lab_access(ctx, patient_id=patient_id, action="lab.list")
    orders = q.orders_for_patient(ctx.conn, patient_id=patient_id, limit=ORDER_LIMIT)
    page = {
        "access": access,
        "orders": _with_lines(ctx, patient_id, orders),
        "analytes": q.analytes_for_patient(ctx.conn, patient_id=patient_id),
        "radiology": q.radiology_for_patient(
            ctx.conn, patient_id=patient_id, order_id=None, limit=ORDER_LIMIT
        ),
    }
    audit_patient(
        ctx,
        patient_id=patient_id,
        action="lab.list",
        object_type="patient",
        object_id=patient_id,
        detail=access.reason,
    )
    return page


def access_order(
    ctx: RequestContext, *, patient_id: int, order_id: int, audit: bool = True
) -> dict[str, Any]:
    """One order with its lines and every result of them (corrections
    included); 404 when the user may not see it or it is not this patient's."""
    access = lab_access(ctx, patient_id=patient_id)
    order: dict[str, Any] | None = q.order_get(ctx.conn, order_id=order_id, patient_id=patient_id)
    if order is None:
        raise NotFound(
            audit={"patient_id": patient_id, "action": "lab.read", "detail": f"lab order {order_id}"}
        )
    order = _with_lines(ctx, patient_id, [order])[0]
    order["history"] = q.result_history(
        ctx.conn, patient_id=patient_id, item_ids=[line["item_id"] for line in order["lines"]]
    )
    if audit:
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="lab.read",
            object_type="lab_order",
            object_id=order_id,
            detail=access.reason,
        )
    return order


def access_result(ctx: RequestContext, *, patient_id: int, result_id: int) -> dict[str, Any]:
    """One result with its order's doctor and unit (for acknowledging it)."""
    lab_access(ctx, patient_id=patient_id)
    row: dict[str, Any] | None = q.result_get(ctx.conn, result_id=result_id, patient_id=patient_id)
    if row is None:
        raise NotFound(
            audit={"patient_id": patient_id, "action": "lab.read", "detail": f"lab result {result_id}"}
        )
    return row


def trend(ctx: RequestContext, *, patient_id: int, loinc: str) -> dict[str, Any]:
    """One analyte's current results over time, with the test and its ranges."""
    access = lab_access(ctx, patient_id=patient_id)
    test: dict[str, Any] | None = q.test_get(ctx.conn, loinc=loinc)
    if test is None:
        raise NotFound()
    points = q.trend(ctx.conn, patient_id=patient_id, loinc=loinc, limit=TREND_LIMIT)
    audit_patient(
        ctx,
        patient_id=patient_id,
        action="lab.read",
        object_type="lab_trend",
        detail=" ".join(filter(None, [loinc, access.reason])),
    )
    return {"test": test, "points": points, "ranges": q.test_ranges(ctx.conn, loinc=loinc)}


def results_shared(ctx: RequestContext, *, access: Access) -> list[dict[str, Any]]:
    """A patient's current results, for a reader whose ``Access`` another
    package has granted (an outside specialist shown the lab part of a
    consultation); row-level security decides what they see. Audited."""
    orders = q.orders_for_patient(ctx.conn, patient_id=access.patient_id, limit=ORDER_LIMIT)
    rows = [
        {**line, "sampled_at": order["sampled_at"]}
        for order in _with_lines(ctx, access.patient_id, orders)
        for line in order["lines"]
        if line["result_id"] is not None
    ]
    audit_patient(
        ctx, patient_id=access.patient_id, action="lab.read", object_type="lab_result", detail=access.reason
    )
    return rows


def results_for_api(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    """A patient's current results, flat, for the JSON API."""
    page = lab_page(ctx, patient_id=patient_id)
    return [
        {**line, "order_id": order["id"], "sampled_at": order["sampled_at"], "status": order["status"]}
        for order in page["orders"]
        for line in order["lines"]
        if line["result_id"] is not None
    ]


def access_radiology(ctx: RequestContext, *, patient_id: int, radiology_id: int) -> dict[str, Any]:
    """One imaging examination with its report; 404 when not visible or not this patient's."""
    access = lab_access(ctx, patient_id=patient_id)
    rows = q.radiology_for_patient(ctx.conn, patient_id=patient_id, order_id=radiology_id, limit=1)
    if not rows:
        raise NotFound(
            audit={
                "patient_id": patient_id,
                "action": "radiology.read",
                "detail": f"examination {radiology_id}",
            }
        )
    audit_patient(
        ctx,
        patient_id=patient_id,
        action="radiology.read",
        object_type="radiology_order",
        object_id=radiology_id,
        detail=access.reason,
    )
    row: dict[str, Any] = rows[0]
    return row


def critical_unacknowledged_mine(ctx: RequestContext) -> list[dict[str, Any]]:
    """The current critical results no one has acknowledged, of orders this
    doctor placed or from one of their units, oldest first (their home page).
    Row-level security keeps to what the doctor may see; each patient listed
    is audited."""
    if not ctx.staff.can(Permission.LAB_ACKNOWLEDGE):
        return []
    rows: list[dict[str, Any]] = q.critical_unacknowledged_mine(
        ctx.conn, user_id=ctx.staff.id, limit=CRITICAL_LIMIT
    )
    audit_patients_listed(ctx, patient_ids=sorted({r["patient_id"] for r in rows}), action="lab.critical")
    return rows


def critical_unacknowledged_for(
    ctx: RequestContext, *, patient_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """For a ward board: each listed patient's current critical results that
    no one has acknowledged (oldest first), in one query. Patients without
    any are left out; row-level security keeps to what the user may see, and
    each patient with rows is audited."""
    if not policy.can_read(ctx.staff) or not patient_ids:
        return {}
    rows = q.critical_unacknowledged_for_patients(ctx.conn, patient_ids=list(patient_ids))
    found: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["patient_id"], []).append(row)
    audit_patients_listed(ctx, patient_ids=sorted(found), action="lab.critical")
    return found


def sampling_worklist(ctx: RequestContext) -> list[dict[str, Any]]:
    """The orders waiting for their sample in the nurse's units, urgent first."""
    if not ctx.staff.can(Permission.LAB_SAMPLE):
        raise Refused()
    rows: list[dict[str, Any]] = q.sampling_worklist(
        ctx.conn, care_unit_ids=sorted(my_unit_ids(ctx)), limit=WORKLIST_LIMIT
    )
    audit_patients_listed(ctx, patient_ids=sorted({r["patient_id"] for r in rows}), action="lab.worklist")
    return rows
