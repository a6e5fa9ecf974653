"""Writes of laboratory orders and imaging: order, take the sample, cancel,
enter results (by the form or the API), acknowledge, and write the imaging
report. Each is one statement the database completes and checks (migration
0029), run in a savepoint with its audit row."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.roles import Permission
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.lab import policy, read
from hms.lab.forms import CancelForm, OrderForm, RadiologyForm, ReportForm, ResultLine

q = load("lab")

NOT_MY_UNIT = "Choose one of your care units."
NO_TESTS = "Choose at least one test or panel."
NOT_IN_ORDER = "The order has no such test."
NO_RESULTS = "Enter at least one result."


def _check_unit(ctx: RequestContext, care_unit_id: int) -> None:
    if care_unit_id not in read.my_unit_ids(ctx):
        raise Invalid({"care_unit_id": NOT_MY_UNIT})


def order_place(ctx: RequestContext, *, patient_id: int, data: OrderForm) -> int:
    """A doctor orders tests and panels for a patient in their care; returns the order's id."""
    if not ctx.staff.can(Permission.LAB_ORDER):
        raise Refused()
    if not data.tests and not data.panels:
        raise Invalid({"tests": NO_TESTS})
    _check_unit(ctx, data.care_unit_id)
    with savepoint(ctx.conn):
        row = q.order_place(
            ctx.conn,
            patient_id=patient_id,
            care_unit_id=data.care_unit_id,
            priority=data.priority,
            question=data.clinical_question,
            tests=data.tests,
            panels=data.panels,
        )
        audit_patient(
            ctx, patient_id=patient_id, action="lab.order", object_type="lab_order", object_id=row["id"]
        )
    order_id: int = row["id"]
    return order_id


def order_sample(ctx: RequestContext, *, order: dict[str, Any], sampled_at: datetime) -> None:
    """A nurse of the ordering unit records that the sample is taken."""
    if not policy.may_sample(ctx.staff, order, read.my_unit_ids(ctx)):
        raise Refused()
    with savepoint(ctx.conn):
        q.order_sample(ctx.conn, order_id=order["id"], sampled_at=sampled_at)
        _audit(ctx, order, "lab.sample")


def order_cancel(ctx: RequestContext, *, order: dict[str, Any], data: CancelForm) -> None:
    """The ordering doctor, or a doctor of the unit, cancels an order not yet sampled."""
    if not policy.may_cancel(ctx.staff, order, read.my_unit_ids(ctx)):
        raise Refused()
    with savepoint(ctx.conn):
        q.order_cancel(ctx.conn, order_id=order["id"], reason=data.reason)
        _audit(ctx, order, "lab.cancel")


def results_enter(ctx: RequestContext, *, order: dict[str, Any], lines: list[ResultLine], source: str) -> int:
    """Results of an order's tests, all or none. A test that has a result
    already gets a correction superseding it, unless the value and comment
    are the same; returns how many results were written."""
    if not policy.may_enter_results(ctx.staff, order):
        raise Refused()
    if not lines:
        raise Invalid({"_form": NO_RESULTS})
    by_loinc = {line["loinc"]: line for line in order["lines"]}
    unknown = [line.loinc for line in lines if line.loinc not in by_loinc]
    if unknown:
        raise Invalid({unknown[0]: NOT_IN_ORDER})
    written = 0
    with savepoint(ctx.conn):
        for line in lines:
            current = by_loinc[line.loinc]
            if _unchanged(current, line.value, line.comment):
                continue
            q.result_insert(
                ctx.conn,
                item_id=current["item_id"],
                patient_id=order["patient_id"],
                loinc=line.loinc,
                value=line.value,
                comment=line.comment,
                supersedes=current["result_id"],
                source=source,
            )
            written += 1
        if written:
            _audit(ctx, order, "lab.write")
    return written


def _unchanged(current: dict[str, Any], value: Decimal, comment: str | None) -> bool:
    return current["result_id"] is not None and current["value"] == value and current["comment"] == comment


def result_acknowledge(ctx: RequestContext, *, result: dict[str, Any]) -> None:
    """The ordering doctor, or a doctor of the ordering unit, has seen the result."""
    if not policy.may_acknowledge(ctx.staff, result, read.my_unit_ids(ctx)):
        raise Refused()
    with savepoint(ctx.conn):
        q.result_acknowledge(ctx.conn, result_id=result["id"], patient_id=result["patient_id"])
        audit_patient(
            ctx,
            patient_id=result["patient_id"],
            action="lab.acknowledge",
            object_type="lab_result",
            object_id=result["id"],
        )


def radiology_place(ctx: RequestContext, *, patient_id: int, data: RadiologyForm) -> int:
    """A doctor orders an imaging examination; returns its id."""
    if not ctx.staff.can(Permission.LAB_ORDER):
        raise Refused()
    _check_unit(ctx, data.care_unit_id)
    with savepoint(ctx.conn):
        row = q.radiology_place(ctx.conn, patient_id=patient_id, **data.model_dump())
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="radiology.order",
            object_type="radiology_order",
            object_id=row["id"],
        )
    radiology_id: int = row["id"]
    return radiology_id


def radiology_report_sign(ctx: RequestContext, *, examination: dict[str, Any], data: ReportForm) -> None:
    """A doctor writes and signs the examination's report (kept as written)."""
    if not ctx.staff.can(Permission.RADIOLOGY_REPORT) or examination["status"] != "ordered":
        raise Refused()
    with savepoint(ctx.conn):
        row = q.radiology_report_insert(
            ctx.conn, order_id=examination["id"], patient_id=examination["patient_id"], body=data.body
        )
        audit_patient(
            ctx,
            patient_id=examination["patient_id"],
            action="radiology.sign",
            object_type="radiology_report",
            object_id=row["id"],
        )


def radiology_acknowledge(ctx: RequestContext, *, examination: dict[str, Any]) -> None:
    """The ordering doctor, or a doctor of the ordering unit, has read the report."""
    if examination["report_id"] is None or not policy.may_acknowledge(
        ctx.staff, examination, read.my_unit_ids(ctx)
    ):
        raise Refused()
    with savepoint(ctx.conn):
        q.radiology_acknowledge(
            ctx.conn, report_id=examination["report_id"], patient_id=examination["patient_id"]
        )
        audit_patient(
            ctx,
            patient_id=examination["patient_id"],
            action="radiology.acknowledge",
            object_type="radiology_report",
            object_id=examination["report_id"],
        )


def _audit(ctx: RequestContext, order: dict[str, Any], action: str) -> None:
    audit_patient(
        ctx, patient_id=order["patient_id"], action=action, object_type="lab_order", object_id=order["id"]
    )
