"""Writing a journal plan: COPY where volume matters, the database's own functions
where the journal's rules live (admit, discharge, sign, amend, mark in error)."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from hms.seed.context import SeedContext
from hms.seed.journal.chart import Encounter, Note, Plan
from hms.seed.journal.vocabulary import IN_ERROR_REASON

ENCOUNTER_COLUMNS = (
    "id", "patient_id", "care_unit_id", "kind", "reason", "started_at", "ended_at",
    "responsible_id", "created_by", "created_at",
)  # fmt: skip
DIAGNOSIS_COLUMNS = (
    "patient_id", "encounter_id", "care_unit_id", "code", "rank", "onset_date", "resolved_date",
    "comment", "recorded_by", "recorded_at",
)  # fmt: skip
VITALS_COLUMNS = (
    "patient_id", "encounter_id", "care_unit_id", "measured_at", "systolic", "diastolic", "pulse",
    "temperature", "respiratory_rate", "spo2", "on_oxygen", "consciousness", "weight_kg", "height_cm",
    "recorded_by", "recorded_at",
)  # fmt: skip
PROCEDURE_COLUMNS = (
    "patient_id", "encounter_id", "care_unit_id", "name", "code", "is_surgery", "performed_at",
    "performed_by", "anaesthesia", "outcome", "recorded_by", "recorded_at",
)  # fmt: skip
ALLERGY_COLUMNS = (
    "patient_id", "care_unit_id", "substance", "category", "reaction", "severity", "is_verified",
    "is_intolerance", "recorded_by", "recorded_at",
)  # fmt: skip
HISTORY_COLUMNS = ("patient_id", "care_unit_id", "kind", "description", "recorded_by", "recorded_at")
CARE_PLAN_COLUMNS = (
    "patient_id", "care_unit_id", "title", "goals", "actions", "responsible_id", "review_date", "status",
    "recorded_by", "recorded_at",
)  # fmt: skip
NOTE_COLUMNS = ("id", "patient_id", "encounter_id", "care_unit_id", "kind", "created_by", "created_at")
VERSION_COLUMNS = (
    "id", "note_id", "patient_id", "version", "author_id", "care_unit_id", "status", "created_at",
    "updated_at",
)  # fmt: skip
WRITING_TIME = timedelta(minutes=20)  # from opening a note to signing it


def write(ctx: SeedContext, plan: Plan) -> None:
    """Load a plan: encounters first (their ids are needed by everything else), notes last."""
    _write_visits(ctx, plan.visits)
    _write_admissions(ctx, plan.admissions)
    ctx.copy("diagnosis", DIAGNOSIS_COLUMNS, _with_encounter_ids(plan.diagnoses))
    ctx.copy("vital_signs", VITALS_COLUMNS, _with_encounter_ids(plan.vitals))
    ctx.copy("procedure_record", PROCEDURE_COLUMNS, _with_encounter_ids(plan.procedures))
    ctx.copy("allergy", ALLERGY_COLUMNS, plan.allergies)
    ctx.copy("history_entry", HISTORY_COLUMNS, plan.history)
    ctx.copy("care_plan", CARE_PLAN_COLUMNS, plan.care_plans)
    _write_notes(ctx, plan.notes)
    _write_corrections(ctx, plan.notes)


def _with_encounter_ids(rows: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    return ((row[0], row[1].id, *row[2:]) for row in rows)


def _reserve(ctx: SeedContext, table: str, count: int) -> list[int]:
    """Ids drawn from a table's identity sequence, so COPY can write rows that refer to each other."""
    rows = ctx.conn.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
    ).fetchall()
    return sorted(row[0] for row in rows)


def _write_visits(ctx: SeedContext, visits: list[Encounter]) -> None:
    """Encounters that need no database function (visits without a bed), by COPY."""
    for enc, encounter_id in zip(visits, _reserve(ctx, "encounter", len(visits)), strict=True):
        enc.id = encounter_id
    rows = (
        (e.id, e.patient_id, ctx.units[e.unit], e.kind, e.reason, e.start, e.end, e.doctor, e.doctor, e.start)
        for e in visits
    )
    ctx.copy("encounter", ENCOUNTER_COLUMNS, rows)


def _write_admissions(ctx: SeedContext, admissions: list[Encounter]) -> None:
    """Admissions and discharges through the database's functions, in the order they
    happened, so each bed is free again before its next patient arrives."""
    _write_backfilled(ctx, [e for e in admissions if e.backfill])
    admissions = [e for e in admissions if not e.backfill]
    events = [(e.start, 1, n) for n, e in enumerate(admissions)]
    events += [(e.end, 0, n) for n, e in enumerate(admissions) if e.end is not None]
    with ctx.conn.cursor() as cursor:
        for at, admit, n in sorted(events, key=lambda event: (event[0], event[1])):
            e = admissions[n]
            if admit:
                args = [e.patient_id, ctx.units[e.unit], e.bed, e.reason, e.doctor, at]
                e.id = cursor.execute("SELECT encounter_admit(%s, %s, %s, %s, %s, %s)", args).fetchone()[0]  # type: ignore[index]
            else:
                cursor.execute("SELECT encounter_discharge(%s, %s, %s)", [e.id, e.doctor, at])


def _write_backfilled(ctx: SeedContext, stays: list[Encounter]) -> None:
    """Past stays added to a database that already holds stays (a long history for one
    patient, as the chart benchmark writes). encounter_admit holds the bed open-ended
    until discharge, so admitting in the past collides with any later stay on the bed,
    or of the patient; these are written closed, as admit and discharge would have left
    them. A fresh demo has none: its stays all go through the functions."""
    if not stays:
        return
    _write_visits(ctx, stays)
    ctx.conn.execute(
        "INSERT INTO bed_occupancy (bed_id, encounter_id, patient_id, during) "
        "SELECT t.bed_id, t.encounter_id, t.patient_id, tstzrange(t.start, t.finish) "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::timestamptz[], %s::timestamptz[]) "
        "AS t (bed_id, encounter_id, patient_id, start, finish)",
        [[e.bed for e in stays], [e.id for e in stays], [e.patient_id for e in stays],
         [e.start for e in stays], [e.end for e in stays]],
    )  # fmt: skip


def _write_notes(ctx: SeedContext, notes: list[Note]) -> None:
    """Notes as drafts with their sections (COPY), then signed: the history with the
    time it was written, the newest notes by note_sign now."""
    ids = zip(_reserve(ctx, "note", len(notes)), _reserve(ctx, "note_version", len(notes)), strict=True)
    for note, (note_id, version_id) in zip(notes, ids, strict=True):
        note.id, note.version_id = note_id, version_id
    unit = ctx.units
    opened = [n.at - WRITING_TIME for n in notes]
    ctx.copy("note", NOTE_COLUMNS, (
        (n.id, n.enc.patient_id, n.enc.id, unit[n.enc.unit], n.kind, n.author, at)
        for n, at in zip(notes, opened, strict=True)
    ))  # fmt: skip
    ctx.copy("note_version", VERSION_COLUMNS, (
        (n.version_id, n.id, n.enc.patient_id, 1, n.author, unit[n.enc.unit], "draft", at, n.at)
        for n, at in zip(notes, opened, strict=True)
    ))  # fmt: skip
    sections = (
        (n.version_id, n.enc.patient_id, pos, heading, body)
        for n in notes
        for pos, (heading, body) in enumerate(n.sections, start=1)
    )
    ctx.copy("note_section", ("version_id", "patient_id", "position", "heading", "body"), sections)
    _sign_history(ctx, [n for n in notes if not n.sign_now])
    now = [n for n in notes if n.sign_now]
    ctx.conn.execute(
        "SELECT note_sign(t.id, t.author_id) FROM unnest(%s::bigint[], %s::bigint[]) AS t (id, author_id)",
        [[n.version_id for n in now], [n.author for n in now]],
    )


def _sign_history(ctx: SeedContext, notes: list[Note]) -> None:
    """note_sign's rule (the author signs a draft with text), at the time each note was signed."""
    result = ctx.conn.execute(
        "UPDATE note_version AS v SET status = 'signed', signed_at = t.at "
        "FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[]) AS t (id, author_id, at) "
        "WHERE v.id = t.id AND v.author_id = t.author_id AND v.status = 'draft' "
        "AND EXISTS (SELECT FROM note_section AS s WHERE s.version_id = v.id AND btrim(s.body) <> '')",
        [[n.version_id for n in notes], [n.author for n in notes], [n.at for n in notes]],
    )
    if result.rowcount != len(notes):
        raise RuntimeError(f"signed {result.rowcount} of {len(notes)} seeded notes")


def _write_corrections(ctx: SeedContext, notes: list[Note]) -> None:
    """Amend through note_amend, edit the new draft, sign it; mark errors through note_mark_in_error."""
    conn = ctx.conn
    for n in notes:
        if n.amend:
            reason, heading, addition = n.amend
            args = [n.id, n.author, ctx.units[n.enc.unit], reason]
            version_id = conn.execute("SELECT note_amend(%s, %s, %s, %s)", args).fetchone()[0]  # type: ignore[index]
            conn.execute(
                "UPDATE note_section SET body = body || ' ' || %s WHERE version_id = %s AND heading = %s",
                [addition, version_id, heading],
            )
            conn.execute("SELECT note_sign(%s, %s)", [version_id, n.author])
        if n.in_error:
            conn.execute("SELECT note_mark_in_error(%s, %s, %s)", [n.id, n.author, IN_ERROR_REASON])
