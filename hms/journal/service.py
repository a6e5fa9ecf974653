"""Writes on the journal. Each is all-or-nothing (a savepoint in the request's
transaction), goes through the database functions where the rule is atomic
(admit, discharge, sign, amend, mark in error) and writes its audit row."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.journal import forms

q = load("journal")


def _check_unit(ctx: RequestContext, care_unit_id: int) -> None:
    """Journal rows are written in one of the author's own care units."""
    units = {u["id"] for u in accounts_read.my_care_units(ctx)}
    if care_unit_id not in units:
        raise Invalid({"care_unit_id": "Choose one of your care units."})


def _audit(ctx: RequestContext, patient_id: int, action: str, kind: str, object_id: int) -> None:
    audit_patient(ctx, patient_id=patient_id, action=action, object_type=kind, object_id=object_id)


def encounter_start(ctx: RequestContext, *, patient_id: int, data: forms.EncounterForm) -> int:
    """Open a visit, or admit to a bed (atomic in encounter_admit)."""
    _check_unit(ctx, data.care_unit_id)
    if data.kind == "admission" and data.bed_id is None:
        raise Invalid({"bed_id": "Choose a free bed."})

    with savepoint(ctx.conn):
        if data.kind == "admission":
            encounter_id = q.encounter_admit(
                ctx.conn,
                patient_id=patient_id,
                care_unit_id=data.care_unit_id,
                bed_id=data.bed_id,
                reason=data.reason,
                by=ctx.staff.id,
            )
        else:
            encounter_id = q.encounter_open(
                ctx.conn,
                patient_id=patient_id,
                care_unit_id=data.care_unit_id,
                kind=data.kind,
                reason=data.reason,
                by=ctx.staff.id,
            )["id"]
        _audit(ctx, patient_id, "encounter.create", "encounter", encounter_id)
        return int(encounter_id)


def encounter_discharge(ctx: RequestContext, *, patient_id: int, encounter_id: int) -> None:
    with savepoint(ctx.conn):
        q.encounter_discharge(ctx.conn, encounter_id=encounter_id, by=ctx.staff.id)
        _audit(ctx, patient_id, "encounter.discharge", "encounter", encounter_id)


def encounter_close(ctx: RequestContext, *, patient_id: int, encounter_id: int) -> None:
    with savepoint(ctx.conn):
        q.encounter_close(ctx.conn, encounter_id=encounter_id, by=ctx.staff.id)
        _audit(ctx, patient_id, "encounter.close", "encounter", encounter_id)


def discharge_with_summary(
    ctx: RequestContext,
    *,
    patient_id: int,
    encounter: dict[str, Any],
    data: forms.DischargeSummaryForm,
) -> int:
    """End an admission: its discharge summary written, signed by the doctor
    and the patient discharged, all in one savepoint (or nothing). The
    database refuses the discharge without the signed summary, and the
    signature by anyone but a doctor. Returns the summary's note id."""
    _check_unit(ctx, encounter["care_unit_id"])
    with savepoint(ctx.conn):
        note_id, _ = note_create(
            ctx,
            patient_id=patient_id,
            data=forms.NoteForm(
                kind="discharge_summary", care_unit_id=encounter["care_unit_id"], encounter_id=encounter["id"]
            ),
            sections=data.sections(),
            sign=True,
        )
        encounter_discharge(ctx, patient_id=patient_id, encounter_id=encounter["id"])
        return note_id


def note_sections(kind: str, form: dict[str, str]) -> list[tuple[str, str]]:
    """The (heading, text) pairs a note form submitted, in heading order."""
    return [
        (heading, form.get(f"section_{i}", "").strip()[:20000])
        for i, heading in enumerate(forms.NOTE_HEADINGS[kind], start=1)
    ]


def note_create(
    ctx: RequestContext,
    *,
    patient_id: int,
    data: forms.NoteForm,
    sections: list[tuple[str, str]],
    sign: bool = False,
) -> tuple[int, int]:
    """A new note with its first version as a draft, signed at once if asked
    (written and signed together, or neither); returns (note id, version id)."""
    _check_unit(ctx, data.care_unit_id)

    with savepoint(ctx.conn):
        note_id = q.note_create(
            ctx.conn,
            patient_id=patient_id,
            encounter_id=data.encounter_id,
            care_unit_id=data.care_unit_id,
            kind=data.kind,
            by=ctx.staff.id,
        )["id"]
        version_id = q.note_version_create(
            ctx.conn,
            note_id=note_id,
            patient_id=patient_id,
            care_unit_id=data.care_unit_id,
            by=ctx.staff.id,
        )["id"]
        _write_sections(ctx, version_id, sections)
        _audit(ctx, patient_id, "note.create", "note", note_id)
        if sign:
            note_sign(ctx, patient_id=patient_id, note_id=note_id, version_id=version_id)
        return int(note_id), int(version_id)


def note_draft_update(
    ctx: RequestContext,
    *,
    patient_id: int,
    note_id: int,
    version_id: int,
    sections: list[tuple[str, str]],
    sign: bool = False,
) -> None:
    """Replace a draft's text (the database refuses this once it is signed),
    and sign it if asked: saved and signed together, or neither."""
    with savepoint(ctx.conn):
        q.note_sections_clear(ctx.conn, version_id=version_id)
        _write_sections(ctx, version_id, sections)
        _audit(ctx, patient_id, "note.update_draft", "note", note_id)
        if sign:
            note_sign(ctx, patient_id=patient_id, note_id=note_id, version_id=version_id)


def _write_sections(ctx: RequestContext, version_id: int, sections: list[tuple[str, str]]) -> None:
    for position, (heading, body) in enumerate(sections, start=1):
        if body:
            q.note_section_add(ctx.conn, version_id=version_id, position=position, heading=heading, body=body)


def note_sign(ctx: RequestContext, *, patient_id: int, note_id: int, version_id: int) -> None:
    with savepoint(ctx.conn):
        q.note_sign(ctx.conn, version_id=version_id, by=ctx.staff.id)
        _audit(ctx, patient_id, "note.sign", "note", note_id)


def note_amend(ctx: RequestContext, *, patient_id: int, note_id: int, care_unit_id: int, reason: str) -> int:
    """Start an amendment (a new draft version that points at the signed one)."""
    _check_unit(ctx, care_unit_id)

    with savepoint(ctx.conn):
        version_id = q.note_amend(
            ctx.conn, note_id=note_id, by=ctx.staff.id, care_unit_id=care_unit_id, reason=reason
        )
        _audit(ctx, patient_id, "note.amend", "note", note_id)
        return int(version_id)


def note_mark_in_error(ctx: RequestContext, *, patient_id: int, note_id: int, reason: str) -> None:
    with savepoint(ctx.conn):
        q.note_mark_in_error(ctx.conn, note_id=note_id, by=ctx.staff.id, reason=reason)
        _audit(ctx, patient_id, "note.mark_in_error", "note", note_id)


def note_discard_draft(ctx: RequestContext, *, patient_id: int, note_id: int, version_id: int) -> None:
    with savepoint(ctx.conn):
        q.note_sections_clear(ctx.conn, version_id=version_id)
        q.note_discard_draft(ctx.conn, version_id=version_id, by=ctx.staff.id)
        _audit(ctx, patient_id, "note.discard_draft", "note", note_id)


def _entry(
    ctx: RequestContext,
    patient_id: int,
    query: Callable[..., Any],
    entry_kind: str,
    care_unit_id: int,
    **values: Any,
) -> int:
    _check_unit(ctx, care_unit_id)

    with savepoint(ctx.conn):
        row = query(ctx.conn, patient_id=patient_id, care_unit_id=care_unit_id, by=ctx.staff.id, **values)
        _audit(ctx, patient_id, f"{entry_kind}.create", entry_kind, row["id"])
        return int(row["id"])


DIAGNOSIS_ALREADY_ACTIVE = (
    "This diagnosis is already on the patient's active problem list. "
    "Tick the box to record it once more, or cancel."
)


def diagnosis_add(ctx: RequestContext, *, patient_id: int, data: forms.DiagnosisForm) -> int:
    if not q.icd10_exists(ctx.conn, code=data.code):
        raise Invalid({"code": "Unknown ICD-10 code. Search by code or words and pick one."})
    if (
        not data.record_again
        and data.resolved_date is None
        and q.diagnosis_active_with_code(ctx.conn, patient_id=patient_id, code=data.code)
    ):
        raise Invalid({"record_again": DIAGNOSIS_ALREADY_ACTIVE})
    return _entry(ctx, patient_id, q.diagnosis_add, "diagnosis", **data.model_dump(exclude={"record_again"}))


def allergy_add(ctx: RequestContext, *, patient_id: int, data: forms.AllergyForm) -> int:
    return _entry(ctx, patient_id, q.allergy_add, "allergy", **data.model_dump())


def procedure_add(ctx: RequestContext, *, patient_id: int, data: forms.ProcedureForm) -> int:
    return _entry(
        ctx, patient_id, q.procedure_add, "procedure", performed_by=ctx.staff.id, **data.model_dump()
    )


def history_add(ctx: RequestContext, *, patient_id: int, data: forms.HistoryForm) -> int:
    return _entry(ctx, patient_id, q.history_add, "history", **data.model_dump())


def care_plan_add(ctx: RequestContext, *, patient_id: int, data: forms.CarePlanForm) -> int:
    return _entry(ctx, patient_id, q.care_plan_add, "care_plan", **data.model_dump())


def vitals_add(ctx: RequestContext, *, patient_id: int, data: forms.VitalsForm) -> int:
    values = data.model_dump()
    if all(
        values[k] is None
        for k in (
            "systolic",
            "diastolic",
            "pulse",
            "temperature",
            "respiratory_rate",
            "spo2",
            "consciousness",
            "weight_kg",
            "height_cm",
        )
    ):
        raise Invalid({"_form": "Enter at least one measurement."})
    if values["measured_at"] is None:
        values["measured_at"] = datetime.now(UTC)
    return _entry(ctx, patient_id, q.vitals_add, "vitals", **values)


def diagnosis_resolve(ctx: RequestContext, *, patient_id: int, diagnosis_id: int, resolved_on: date) -> None:
    """Take a diagnosis off the problem list as resolved on a date."""
    with savepoint(ctx.conn):
        if not q.diagnosis_resolve(
            ctx.conn, diagnosis_id=diagnosis_id, patient_id=patient_id, resolved_date=resolved_on
        ):
            raise Invalid({"_form": "The diagnosis is already resolved or was not found."})
        _audit(ctx, patient_id, "diagnosis.resolve", "diagnosis", diagnosis_id)


IN_ERROR_QUERIES = {
    "diagnosis": "entry_mark_in_error_diagnosis",
    "allergy": "entry_mark_in_error_allergy",
    "vitals": "entry_mark_in_error_vitals",
}


def entry_mark_in_error(
    ctx: RequestContext, *, patient_id: int, kind: str, entry_id: int, reason: str
) -> None:
    """Mark a journal entry entered in error: it stays, struck through, with the reason."""
    query = getattr(q, IN_ERROR_QUERIES[kind])

    with savepoint(ctx.conn):
        if not query(ctx.conn, entry_id=entry_id, patient_id=patient_id, reason=reason):
            raise Invalid({"_form": "The entry is already marked or was not found."})
        _audit(ctx, patient_id, f"{kind}.mark_in_error", kind, entry_id)


def care_plan_set_status(ctx: RequestContext, *, patient_id: int, care_plan_id: int, status: str) -> None:
    """Complete or cancel an active care plan."""
    if status not in ("completed", "cancelled"):
        raise Invalid({"_form": "Choose one of the options."})

    action = "care_plan.complete" if status == "completed" else "care_plan.cancel"

    with savepoint(ctx.conn):
        changed = q.care_plan_set_status(
            ctx.conn, care_plan_id=care_plan_id, patient_id=patient_id, status=status
        )
        if not changed:
            raise Invalid({"_form": "The care plan was not found."})
        _audit(ctx, patient_id, action, "care_plan", care_plan_id)
