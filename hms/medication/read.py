"""Scoped reads of medication: each asks the access decision for the
patient's medication area, returns only what row-level security shows the
user, and writes the audit row in the same transaction."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hms.access import read as access_read
from hms.access.policy import patient_access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.core.roles import Permission
from hms.db.queries import load
from hms.organization import read as organization_read

q = load("medication")

QUEUE_LIMIT = 200
HISTORY_LIMIT = 100
ACTIVE_LIMIT = 1000


def _reach(ctx: RequestContext, patient_id: int, action: str) -> None:
    """The medication area of the access decision (403/404 and an audit row if refused)."""
    patient_access(ctx, patient_id=patient_id, area="medication", action=action)


def medication_list(ctx: RequestContext, *, patient_id: int, audit: bool = True) -> list[dict[str, Any]]:
    """The patient's prescriptions, current first, each with its latest version."""
    _reach(ctx, patient_id, "medication.list")
    rows: list[dict[str, Any]] = q.medication_list(ctx.conn, patient_id=patient_id)
    if audit:
        audit_patient(
            ctx, patient_id=patient_id, action="medication.list", object_type="patient", object_id=patient_id
        )
    return rows


def current_medication(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    """The drugs the patient takes now, for a page whose own read of the
    patient is already decided and audited (the chart); row-level security
    shows only what the reader may see."""
    rows: list[dict[str, Any]] = q.medication_current(ctx.conn, patient_id=patient_id)
    return rows


def access_prescription(ctx: RequestContext, *, patient_id: int, prescription_id: int) -> dict[str, Any]:
    """One prescription with its history, warnings and reviews; 404 when the
    user may not see it (or it is not this patient's)."""
    _reach(ctx, patient_id, "medication.read")
    row: dict[str, Any] | None = q.prescription_get(
        ctx.conn, prescription_id=prescription_id, patient_id=patient_id
    )
    if row is None:
        raise NotFound(
            audit={
                "patient_id": patient_id,
                "action": "medication.read",
                "detail": f"prescription {prescription_id}",
            }
        )
    ids = {"prescription_id": prescription_id, "patient_id": patient_id}
    row["versions"] = q.prescription_versions(ctx.conn, **ids)
    row["warnings"] = q.prescription_warnings(ctx.conn, **ids)
    row["reviews"] = q.prescription_reviews(ctx.conn, **ids)
    row["administrations"] = q.administrations(ctx.conn, **ids, limit=HISTORY_LIMIT)
    audit_patient(
        ctx,
        patient_id=patient_id,
        action="medication.read",
        object_type="prescription",
        object_id=prescription_id,
    )
    return row


def check(
    ctx: RequestContext,
    *,
    patient_id: int,
    drug_id: int,
    dose: Decimal,
    dose_unit: str,
    doses_per_day: Decimal,
    prescription_id: int | None = None,
) -> list[dict[str, Any]]:
    """Every safety warning for a proposed dose, in one query."""
    _reach(ctx, patient_id, "medication.check")
    rows: list[dict[str, Any]] = q.medication_check(
        ctx.conn,
        patient_id=patient_id,
        drug_id=drug_id,
        dose=dose,
        dose_unit=dose_unit,
        doses_per_day=doses_per_day,
        prescription_id=prescription_id,
    )
    _audit_check(ctx, patient_id, drug_id)
    return rows


def check_schedule(
    ctx: RequestContext, *, patient_id: int, drug_id: int, dosing: dict[str, Any], prescription_id: int | None
) -> list[dict[str, Any]]:
    """Every safety warning for a dose and schedule as a prescription writes
    them (``dosing``: dose, dose_unit, schedule, times_of_day, interval_hours,
    max_doses_per_day), in one query."""
    _reach(ctx, patient_id, "medication.check")
    fields = ("dose", "dose_unit", "schedule", "times_of_day", "interval_hours", "max_doses_per_day")
    rows: list[dict[str, Any]] = q.medication_check_schedule(
        ctx.conn,
        patient_id=patient_id,
        drug_id=drug_id,
        prescription_id=prescription_id,
        **{name: dosing[name] for name in fields},
    )
    _audit_check(ctx, patient_id, drug_id)
    return rows


def _audit_check(ctx: RequestContext, patient_id: int, drug_id: int) -> None:
    audit_patient(
        ctx, patient_id=patient_id, action="medication.check", object_type="drug", object_id=drug_id
    )


def dosing_facts(ctx: RequestContext, *, patient_id: int) -> dict[str, Any]:
    """What dosing depends on: allergies and the latest weight (audited with
    the page that shows them)."""
    _reach(ctx, patient_id, "medication.read")
    return {
        "allergies": q.allergies_for_dosing(ctx.conn, patient_id=patient_id),
        "weight": q.latest_weight(ctx.conn, patient_id=patient_id),
        "renal": q.latest_renal_function(ctx.conn, patient_id=patient_id),
    }


def indications(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    """The patient's active diagnoses, to link as an indication (the
    prescribing form's read of the patient, audited as such)."""
    _reach(ctx, patient_id, "medication.read")
    rows: list[dict[str, Any]] = q.diagnoses_active(ctx.conn, patient_id=patient_id)
    audit_patient(ctx, patient_id=patient_id, action="medication.read", object_type="diagnosis")
    return rows


def drugs(
    ctx: RequestContext, *, term: str | None = None, include_retired: bool = False
) -> list[dict[str, Any]]:
    """The formulary (reference data: no patient, no audit)."""
    rows: list[dict[str, Any]] = q.drug_search(
        ctx.conn, term=term or None, include_retired=include_retired, limit=1000
    )
    return rows


def drug(ctx: RequestContext, *, drug_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = q.drug_get(ctx.conn, drug_id=drug_id)
    if row is None:
        raise NotFound()
    return row


def review_queue(ctx: RequestContext) -> list[dict[str, Any]]:
    """The pharmacist's queue of prescriptions to review, oldest first."""
    if not ctx.staff.can(Permission.MEDICATION_REVIEW):
        raise Refused()
    rows: list[dict[str, Any]] = q.review_queue(ctx.conn, limit=QUEUE_LIMIT)
    audit_patients_listed(ctx, patient_ids=sorted({r["patient_id"] for r in rows}), action="medication.queue")
    return rows


def active_prescriptions(ctx: RequestContext, *, care_unit_id: int | None = None) -> list[dict[str, Any]]:
    """Every active prescription, by patient, with allergies, weight and eGFR:
    what the pharmacist oversees (optionally one unit's patients)."""
    if not ctx.staff.can(Permission.MEDICATION_REVIEW):
        raise Refused()
    rows: list[dict[str, Any]] = q.active_prescriptions(
        ctx.conn, care_unit_id=care_unit_id, limit=ACTIVE_LIMIT
    )
    audit_patients_listed(
        ctx, patient_ids=sorted({r["patient_id"] for r in rows}), action="medication.active"
    )
    return rows


def queries_for_me(ctx: RequestContext) -> list[dict[str, Any]]:
    """The pharmacy's queries waiting for this doctor's answer."""
    if not ctx.staff.can(Permission.PRESCRIBE):
        return []
    rows: list[dict[str, Any]] = q.queries_for_prescriber(ctx.conn, user_id=ctx.staff.id)
    audit_patients_listed(
        ctx, patient_ids=sorted({r["patient_id"] for r in rows}), action="medication.queries"
    )
    return rows


def mar(ctx: RequestContext, *, care_unit_id: int, start: datetime, hours: int) -> dict[str, Any]:
    """A ward's administration record: the scheduled doses from ``start`` for
    ``hours``, and its as-needed prescriptions with today's count."""
    if not ctx.staff.can(Permission.MEDICATION_ADMINISTER):
        raise Refused()
    if care_unit_id not in {u["id"] for u in my_care_units(ctx)}:
        raise NotFound()
    doses: list[dict[str, Any]] = q.mar_doses(
        ctx.conn, care_unit_id=care_unit_id, from_at=start, to_at=start + timedelta(hours=hours)
    )
    as_needed: list[dict[str, Any]] = q.mar_as_needed(ctx.conn, care_unit_id=care_unit_id)
    audit_patients_listed(
        ctx, patient_ids=sorted({r["patient_id"] for r in doses + as_needed}), action="medication.mar"
    )
    return {"doses": doses, "as_needed": as_needed}


def care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    """The care units in use, to filter the pharmacist's overview by."""
    return [u for u in organization_read.care_units_all(ctx) if u["is_active"]]


def my_care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return accounts_read.my_care_units(ctx)


def preferred_care_unit(ctx: RequestContext, *, patient_id: int) -> int | None:
    """The care unit a form about the patient preselects (hms.access.read)."""
    return access_read.preferred_care_unit(ctx, patient_id=patient_id)


def changes_during(
    ctx: RequestContext, *, patient_id: int, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    """The prescription versions written for the patient in a period (a stay),
    oldest first: what was started, changed, paused, resumed, renewed or
    discontinued, for the discharge summary. Audited as a read of the list."""
    _reach(ctx, patient_id, "medication.list")
    rows: list[dict[str, Any]] = q.prescription_changes_between(
        ctx.conn, patient_id=patient_id, since=since, until=until
    )
    audit_patient(
        ctx,
        patient_id=patient_id,
        action="medication.list",
        object_type="patient",
        object_id=patient_id,
        detail="changes during a stay",
    )
    return rows
