"""Writes of medication: prescribe, change, pause, resume, end, renew,
review, and record a dose. Each is one statement the database completes and
checks (migration 0020), run in a savepoint with its audit row."""

from datetime import datetime
from typing import Any

from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.roles import Permission
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.medication import policy, read
from hms.medication.forms import DoseForm, DrugForm, PrescriptionForm, RenalForm, ReviewForm

q = load("medication")

NOT_MY_UNIT = "Choose one of your care units."


class Warnings(Invalid):
    """Safety warnings that need an override reason before the prescription is saved."""

    def __init__(self, warnings: list[dict[str, Any]]) -> None:
        super().__init__(
            {"override_reason": "Give a reason to override the warnings, or change the prescription."}
        )
        self.warnings = warnings


def _check_unit(ctx: RequestContext, care_unit_id: int) -> None:
    if care_unit_id not in {u["id"] for u in read.my_care_units(ctx)}:
        raise Invalid({"care_unit_id": NOT_MY_UNIT})


def _dosing(data: PrescriptionForm) -> dict[str, Any]:
    return {
        "care_unit_id": data.care_unit_id,
        "dose": data.dose,
        "dose_unit": data.dose_unit,
        "route": data.route,
        "schedule": data.schedule,
        "times_of_day": data.times_of_day(),
        "interval_hours": data.interval_hours if data.schedule == "interval" else None,
        "max_doses_per_day": data.max_doses_per_day if data.schedule == "as_needed" else None,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "indication_id": data.indication_id,
        "instructions": data.instructions,
    }


def _warnings_first(
    ctx: RequestContext, *, patient_id: int, drug_id: int, data: PrescriptionForm, prescription_id: int | None
) -> None:
    """Without an override reason, the checks the database will run are asked
    first, so the prescriber sees every warning and can answer them with one
    reason. With a reason the database runs them once, and keeps each warning."""
    if data.override_reason:
        return
    warnings = read.check_schedule(
        ctx, patient_id=patient_id, drug_id=drug_id, dosing=_dosing(data), prescription_id=prescription_id
    )
    if warnings:
        raise Warnings(warnings)


def prescription_start(ctx: RequestContext, *, patient_id: int, data: PrescriptionForm) -> int:
    """A doctor prescribes a drug; returns the prescription's id."""
    if not ctx.staff.can(Permission.PRESCRIBE):
        raise Refused()
    if data.drug_id is None:
        raise Invalid({"drug_id": "Choose a drug."})
    _check_unit(ctx, data.care_unit_id)
    _warnings_first(ctx, patient_id=patient_id, drug_id=data.drug_id, data=data, prescription_id=None)
    with savepoint(ctx.conn):
        row = q.prescription_version_insert(
            ctx.conn,
            prescription_id=None,
            patient_id=patient_id,
            drug_id=data.drug_id,
            change="prescribed",
            based_on=None,
            reason=None,
            override_reason=data.override_reason,
            **_dosing(data),
        )
        _audit(ctx, patient_id, "medication.prescribe", row["prescription_id"], row["id"])
    prescription_id: int = row["prescription_id"]
    return prescription_id


def prescription_change(ctx: RequestContext, *, prescription: dict[str, Any], data: PrescriptionForm) -> None:
    """A new dosing: a new version, against the version the doctor saw."""
    if not policy.may_change(ctx.staff, prescription, "changed"):
        raise Refused()
    _check_unit(ctx, data.care_unit_id)
    patient_id = prescription["patient_id"]
    _warnings_first(
        ctx,
        patient_id=patient_id,
        drug_id=prescription["drug_id"],
        data=data,
        prescription_id=prescription["id"],
    )
    with savepoint(ctx.conn):
        row = q.prescription_version_insert(
            ctx.conn,
            prescription_id=prescription["id"],
            patient_id=patient_id,
            drug_id=prescription["drug_id"],
            change="changed",
            based_on=prescription["version_id"],
            reason=None,
            override_reason=data.override_reason,
            **_dosing(data),
        )
        _audit(ctx, patient_id, "medication.change", prescription["id"], row["id"])


def prescription_set_status(
    ctx: RequestContext,
    *,
    prescription: dict[str, Any],
    change: str,
    reason: str | None = None,
    ends_at: datetime | None = None,
    override_reason: str | None = None,
) -> None:
    """Pause, resume, end or renew: a version that keeps the dosing."""
    if not policy.may_change(ctx.staff, prescription, change):
        raise Refused()
    units = [u["id"] for u in read.my_care_units(ctx)]
    if not units:
        raise Invalid({"_form": NOT_MY_UNIT})
    unit = prescription["care_unit_id"] if prescription["care_unit_id"] in units else units[0]
    with savepoint(ctx.conn):
        row = q.prescription_version_insert(
            ctx.conn,
            prescription_id=prescription["id"],
            patient_id=prescription["patient_id"],
            drug_id=prescription["drug_id"],
            change=change,
            based_on=prescription["version_id"],
            care_unit_id=unit,
            dose=None,
            dose_unit=None,
            route=None,
            schedule=None,
            times_of_day=None,
            interval_hours=None,
            max_doses_per_day=None,
            starts_at=None,
            ends_at=ends_at,
            indication_id=None,
            instructions=None,
            reason=reason,
            override_reason=override_reason,
        )
        _audit(ctx, prescription["patient_id"], f"medication.{change}", prescription["id"], row["id"])


def prescription_review(ctx: RequestContext, *, prescription: dict[str, Any], data: ReviewForm) -> None:
    """The pharmacist approves or queries the current version; the prescriber answers a query."""
    if data.outcome not in policy.review_outcomes(ctx.staff, prescription):
        raise Refused()
    with savepoint(ctx.conn):
        q.prescription_review_insert(
            ctx.conn,
            prescription_id=prescription["id"],
            version_id=prescription["version_id"],
            outcome=data.outcome,
            message=data.message,
        )
        audit_patient(
            ctx,
            patient_id=prescription["patient_id"],
            action="medication.review",
            object_type="prescription",
            object_id=prescription["id"],
            detail=f"{data.outcome}, version {prescription['version_id']}",
        )


def administration_record(ctx: RequestContext, *, data: DoseForm) -> int:
    """A dose given, not given or refused; returns the patient's id."""
    if not ctx.staff.can(Permission.MEDICATION_ADMINISTER):
        raise Refused()
    _check_unit(ctx, data.care_unit_id)
    with savepoint(ctx.conn):
        row = q.administration_insert(
            ctx.conn,
            prescription_id=data.prescription_id,
            care_unit_id=data.care_unit_id,
            scheduled_for=data.scheduled_for,
            outcome=data.outcome,
            administered_at=data.administered_at,
            dose=data.dose if data.outcome == "given" else None,
            dose_unit=data.dose_unit if data.outcome == "given" else None,
            note=data.note,
        )
        audit_patient(
            ctx,
            patient_id=row["patient_id"],
            action="medication.administer",
            object_type="medication_administration",
            object_id=row["id"],
            detail=data.outcome,
        )
    patient_id: int = row["patient_id"]
    return patient_id


def renal_function_record(ctx: RequestContext, *, patient_id: int, data: RenalForm) -> int:
    """A nurse or doctor records a kidney function result for dosing."""
    if not ctx.staff.can(Permission.MEDICATION_ADMINISTER):
        raise Refused()
    _check_unit(ctx, data.care_unit_id)
    with savepoint(ctx.conn):
        row = q.renal_function_add(ctx.conn, patient_id=patient_id, by=ctx.staff.id, **data.model_dump())
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="medication.renal",
            object_type="renal_function",
            object_id=row["id"],
        )
    renal_id: int = row["id"]
    return renal_id


def drug_add(ctx: RequestContext, *, data: DrugForm) -> int:
    """An administrator adds a drug to the formulary."""
    if not ctx.staff.can(Permission.FORMULARY_MANAGE):
        raise Refused()
    with savepoint(ctx.conn):
        row = q.drug_add(ctx.conn, **data.model_dump())
        audit_patient(ctx, patient_id=None, action="formulary.add", object_type="drug", object_id=row["id"])
    drug_id: int = row["id"]
    return drug_id


def drug_set_retired(ctx: RequestContext, *, drug_id: int, retired: bool) -> None:
    """An administrator retires a drug, or takes it back into use."""
    if not ctx.staff.can(Permission.FORMULARY_MANAGE):
        raise Refused()
    with savepoint(ctx.conn):
        q.drug_set_retired(ctx.conn, drug_id=drug_id, retired=retired)
        audit_patient(
            ctx,
            patient_id=None,
            action="formulary.retire" if retired else "formulary.restore",
            object_type="drug",
            object_id=drug_id,
        )


def _audit(
    ctx: RequestContext, patient_id: int, action: str, prescription_id: int, version_id: int | None
) -> None:
    audit_patient(
        ctx,
        patient_id=patient_id,
        action=action,
        object_type="prescription",
        object_id=prescription_id,
        detail=None if version_id is None else f"version {version_id}",
    )
