"""Scoped reads of the journal: each checks the policy, returns only what the
user may see and writes the audit row in the same transaction."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hms.access import read as access_read
from hms.access.policy import Access, patient_access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.db.queries import load
from hms.journal import policy
from hms.medication import read as medication_read
from hms.patients import read as patient_read

q = load("journal")

PAGE_SIZE = 50
PRINT_LIMIT = 10000
# The diagnosis picker shows this many codes at most.
ICD10_SHOWN = 30


@dataclass(frozen=True)
class TimelineFilter:
    kind: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    author_id: int | None = None
    care_unit_id: int | None = None
    code: str | None = None
    text: str | None = None
    before_at: datetime | None = None
    before_kind: str | None = None
    before_id: int | None = None


def journal_access(ctx: RequestContext, *, patient_id: int) -> Access:
    """The access decision for this patient's clinical data (every journal
    route asks it first, and keeps it for the handler)."""
    return patient_access(ctx, patient_id=patient_id, area="clinical", action="journal.read")


def access_chart(
    ctx: RequestContext, *, patient_id: int, filters: TimelineFilter, access: Access | None = None
) -> dict[str, Any]:
    """The chart: header, summary and one timeline page, in a fixed number of queries."""
    if not policy.can_read_journal(ctx.staff):
        raise Refused(audit={"patient_id": None, "action": "journal.read", "detail": f"patient {patient_id}"})
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="journal.read", access=access)
    summary = q.chart_summary(ctx.conn, patient_id=patient_id)
    rows = q.timeline(ctx.conn, patient_id=patient_id, limit=PAGE_SIZE + 1, **filters.__dict__)
    return {
        "patient": patient,
        "summary": summary,
        "drafts": [{**d, "updated_at": datetime.fromisoformat(d["updated_at"])} for d in summary["drafts"]],
        "allergy_banner": _banner_of(ctx, summary),
        "timeline": rows[:PAGE_SIZE],
        "next_page": _next_page(rows),
    }


def _banner_of(ctx: RequestContext, summary: dict[str, Any]) -> dict[str, Any] | None:
    """The allergy banner of a chart, from its summary: the same allergies and block,
    read with the clinical basis the chart was opened on and audited by the chart's
    own row, so the page asks the database nothing more for it."""
    if ctx.user is None or ctx.user.role.value not in BANNER_ROLES:
        return None
    return {"allergies": summary["allergies"], "blocked": bool(summary["blocked"])}


def _next_page(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if len(rows) <= PAGE_SIZE:
        return None
    last = rows[PAGE_SIZE - 1]
    return {"before_at": last["at"].isoformat(), "before_kind": last["kind"], "before_id": last["id"]}


def timeline_authors(ctx: RequestContext) -> list[dict[str, Any]]:
    """Authors to filter by: the user and colleagues on their units (not a scan
    of the whole history, which would cost as much as the history is long)."""
    me = {"id": ctx.staff.id, "full_name": ctx.staff.full_name}
    return [me, *accounts_read.colleagues(ctx)]


def my_care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return accounts_read.my_care_units(ctx)


def preferred_care_unit(ctx: RequestContext, *, patient_id: int) -> int | None:
    """The care unit a form about the patient preselects (hms.access.read)."""
    return access_read.preferred_care_unit(ctx, patient_id=patient_id)


def _refused(patient_id: int, action: str, object_type: str, object_id: int) -> dict[str, Any]:
    """The audit row of a refused look at one entry: it does not exist, is not
    this patient's, or a block or the access rules hide it (the reader is not
    told which; the log says what was asked for)."""
    return {
        "patient_id": patient_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": "not found, or hidden by a block or the access rules",
    }


def access_note(ctx: RequestContext, *, patient_id: int, note_id: int) -> dict[str, Any]:
    """A note with every version (its history); others' drafts are not shown."""
    if not policy.can_read_journal(ctx.staff):
        raise Refused(audit=_refused(patient_id, "note.read", "note", note_id))
    note: dict[str, Any] | None = q.note_get(ctx.conn, note_id=note_id, patient_id=patient_id)
    if note is None:
        raise NotFound(audit=_refused(patient_id, "note.read", "note", note_id))
    versions = [
        v
        for v in q.note_versions(ctx.conn, note_id=note_id)
        if v["status"] == "signed" or policy.is_author(ctx.staff, author_id=v["author_id"])
    ]
    if not versions:
        raise NotFound(audit=_refused(patient_id, "note.read", "note", note_id))
    audit_patient(ctx, patient_id=patient_id, action="note.read", object_type="note", object_id=note_id)
    note["versions"] = versions
    note["draft"] = next((v for v in versions if v["status"] == "draft"), None)
    note["current"] = next((v for v in reversed(versions) if v["status"] == "signed"), None)
    return note


def access_encounter(ctx: RequestContext, *, patient_id: int, encounter_id: int) -> dict[str, Any]:
    if not policy.can_read_journal(ctx.staff):
        raise Refused(audit=_refused(patient_id, "encounter.read", "encounter", encounter_id))
    encounter: dict[str, Any] | None = q.encounter_get(
        ctx.conn, encounter_id=encounter_id, patient_id=patient_id
    )
    if encounter is None:
        raise NotFound(audit=_refused(patient_id, "encounter.read", "encounter", encounter_id))
    audit_patient(
        ctx, patient_id=patient_id, action="encounter.read", object_type="encounter", object_id=encounter_id
    )
    return encounter


def encounters(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.encounters_for_patient(ctx.conn, patient_id=patient_id)
    return rows


def free_beds(ctx: RequestContext, *, care_unit_id: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.free_beds(ctx.conn, care_unit_id=care_unit_id)
    return rows


def vitals_series(ctx: RequestContext, *, patient_id: int, limit: int = 60) -> list[dict[str, Any]]:
    if not policy.can_read_journal(ctx.staff):
        raise Refused()
    rows = list(reversed(q.vitals_series(ctx.conn, patient_id=patient_id, limit=limit)))
    audit_patient(ctx, patient_id=patient_id, action="vitals.read", object_type="vital_signs")
    return rows


def diagnoses(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    if not policy.can_read_journal(ctx.staff):
        raise Refused()
    rows: list[dict[str, Any]] = q.diagnoses_for_patient(ctx.conn, patient_id=patient_id)
    audit_patient(ctx, patient_id=patient_id, action="diagnosis.read", object_type="diagnosis")
    return rows


def active_care_plan(ctx: RequestContext, *, patient_id: int, care_plan_id: int) -> dict[str, Any]:
    """One active care plan of the patient, as the chart lists it (the page
    that asks before a plan is closed shows it); not found once closed."""
    if not policy.can_read_journal(ctx.staff):
        raise Refused()
    plans = q.chart_summary(ctx.conn, patient_id=patient_id)["care_plans"]
    plan: dict[str, Any] | None = next((p for p in plans if p["id"] == care_plan_id), None)
    if plan is None:
        raise NotFound()
    audit_patient(
        ctx, patient_id=patient_id, action="care_plan.read", object_type="care_plan", object_id=care_plan_id
    )
    return plan


def icd10_search(ctx: RequestContext, *, query: str) -> tuple[list[dict[str, Any]], bool]:
    """The picker's best ``ICD10_SHOWN`` codes for what was typed, and whether
    more match. Terminology, not patient data: no audit row."""
    query = query.strip()[:60]
    if len(query) < 2:
        return [], False
    rows: list[dict[str, Any]] = q.icd10_search(ctx.conn, q=query, limit=ICD10_SHOWN + 1)
    return rows[:ICD10_SHOWN], len(rows) > ICD10_SHOWN


def unit_patients(ctx: RequestContext) -> list[dict[str, Any]]:
    """Patients with an open encounter in the user's care units (home page)."""
    rows: list[dict[str, Any]] = q.unit_patients(ctx.conn, user_id=ctx.staff.id)
    audit_patients_listed(
        ctx,
        patient_ids=sorted({r["patient_id"] for r in rows}),
        action="patient.list",
        detail="unit patients",
    )
    return rows


def access_journal_copy(
    ctx: RequestContext, *, patient_id: int, start: date | None, end: date | None
) -> list[dict[str, Any]]:
    """A journal copy: every timeline entry in the range, oldest first, notes
    with their signed text; audited as one print of the range."""
    if not policy.can_read_journal(ctx.staff):
        raise Refused()
    filters = TimelineFilter(from_date=start, to_date=end)
    rows = list(reversed(q.timeline(ctx.conn, patient_id=patient_id, limit=PRINT_LIMIT, **filters.__dict__)))
    for row in rows:
        if row["kind"] == "note":
            signed = [v for v in q.note_versions(ctx.conn, note_id=row["id"]) if v["status"] == "signed"]
            row["version"] = signed[-1] if signed else None
    audit_patient(
        ctx,
        patient_id=patient_id,
        action="journal.print",
        object_type="journal",
        detail=f"{start or '…'} – {end or '…'}, {len(rows)} entries",
    )
    return rows


# Reads for other packages that have made the access decision themselves (the
# portal's own or granted record, a specialist's open consultation): the
# ``Access`` they hold is the proof, and row-level security scopes the rows
# again. They write no audit row of their own: the caller's access_patient
# writes the page's one.


# The roles whose pages about a patient carry the allergy banner.
BANNER_ROLES = frozenset({"doctor", "nurse", "pharmacist", "external_specialist"})


def allergy_banner(ctx: RequestContext, *, patient_id: int) -> dict[str, Any] | None:
    """The allergies and the blocked marker every page about a patient shows
    to those who treat or dispense; None for other roles and for a reader with
    no basis on the patient's clinical record. Reading it is audited: by the
    page's own row when the page wrote one about the patient, else by its own."""
    if ctx.user is None or ctx.user.role.value not in BANNER_ROLES:
        return None
    row = q.allergy_banner(ctx.conn, patient_id=patient_id)
    if row is None or row["basis"] is None:
        return None
    if patient_id not in ctx.audited_patients:
        audit_patient(
            ctx, patient_id=patient_id, action="allergy.read", object_type="allergy", detail="banner"
        )
    return {"allergies": row["allergies"], "blocked": bool(row["blocked"])}


def summary_for(ctx: RequestContext, *, access: Access) -> dict[str, Any]:
    """The chart's summary (allergies, problem list, latest vitals)."""
    row: dict[str, Any] = q.chart_summary(ctx.conn, patient_id=access.patient_id)
    return row


def latest_entries_for(ctx: RequestContext, *, access: Access, limit: int) -> list[dict[str, Any]]:
    """The newest timeline entries, unfiltered."""
    rows: list[dict[str, Any]] = q.timeline(
        ctx.conn, patient_id=access.patient_id, limit=limit, **TimelineFilter().__dict__
    )
    return rows


def diagnoses_for(ctx: RequestContext, *, access: Access) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.diagnoses_for_patient(ctx.conn, patient_id=access.patient_id)
    return rows


def latest_vitals_for(ctx: RequestContext, *, access: Access, limit: int) -> list[dict[str, Any]]:
    """The newest measurements, newest first."""
    rows: list[dict[str, Any]] = q.vitals_series(ctx.conn, patient_id=access.patient_id, limit=limit)
    return rows


def encounters_for(ctx: RequestContext, *, access: Access) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.encounters_for_patient(ctx.conn, patient_id=access.patient_id)
    return rows


def signed_notes_for(ctx: RequestContext, *, access: Access, limit: int) -> list[dict[str, Any]]:
    """The notes at their current signed version, with sections, newest first."""
    rows: list[dict[str, Any]] = q.signed_notes(ctx.conn, patient_id=access.patient_id, limit=limit)
    return rows


def units_with_entries_for(ctx: RequestContext, *, access: Access) -> list[dict[str, Any]]:
    """The care units that have written in the patient's journal."""
    rows: list[dict[str, Any]] = q.units_with_entries(ctx.conn, patient_id=access.patient_id)
    return rows


# The discharge summary (epikris) -------------------------------------------------

# The journal is written in Swedish: the prefilled lines are, too.
_CHANGE_SV = {
    "prescribed": "Insatt",
    "changed": "Ändrad",
    "paused": "Pausad",
    "resumed": "Återinsatt",
    "renewed": "Förnyad",
    "discontinued": "Utsatt",
}
_ROUTE_SV = {
    "oral": "p.o.",
    "sublingual": "s.l.",
    "iv": "i.v.",
    "im": "i.m.",
    "sc": "s.c.",
    "rectal": "rektalt",
    "inhalation": "inhalation",
    "nasal": "nasalt",
    "topical": "lokalt",
    "transdermal": "transdermalt",
    "eye": "i ögat",
    "ear": "i örat",
    "vaginal": "vaginalt",
}
_UNIT_SV = {"microgram": "mikrog", "unit": "E", "tablet": "tabl", "capsule": "kapsel", "puff": "puffar"}
NO_MEDICATION_CHANGES = "Inga läkemedelsförändringar under vårdtiden."
NO_ACTIVE_DIAGNOSES = "Inga aktiva diagnoser på problemlistan."


def _number(value: Any) -> str:
    text = format(value, "f") if value is not None else ""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _schedule_sv(row: dict[str, Any]) -> str:
    if row["schedule"] == "times" and row["times_of_day"]:
        return "kl " + ", ".join(t.strftime("%H:%M") for t in row["times_of_day"])
    if row["schedule"] == "interval" and row["interval_hours"]:
        return f"var {row['interval_hours']}:e timme"
    if row["schedule"] == "as_needed" and row["max_doses_per_day"]:
        return f"vid behov, högst {row['max_doses_per_day']} gånger/dygn"
    return ""


def medication_change_line(row: dict[str, Any]) -> str:
    """One prescription version as a line of the summary, e.g.
    "2026-11-28 Insatt: Paracetamol 500 mg — 1 g p.o. kl 08:00, 20:00"."""
    unit, strength_unit = str(row["dose_unit"]), str(row["strength_unit"])
    drug = f"{row['generic_name']} {_number(row['strength'])} {_UNIT_SV.get(strength_unit, strength_unit)}"
    route = _ROUTE_SV.get(str(row["route"]), str(row["route"]))
    dose = f"{_number(row['dose'])} {_UNIT_SV.get(unit, unit)} {route}"
    schedule = _schedule_sv(row)
    change = _CHANGE_SV.get(str(row["change"]), str(row["change"]))
    line = f"{row['written_at'].astimezone(LOCAL_TZ):%Y-%m-%d} {change}: {drug}"
    if row["change"] in ("paused", "discontinued"):
        return line + (f" ({row['reason']})" if row["reason"] else "")
    line += f" — {dose}" + (f" {schedule}" if schedule else "")
    return line + (f" ({row['reason']})" if row["reason"] else "")


def discharge_prefill(
    ctx: RequestContext, *, access: Access, encounter: dict[str, Any], until: datetime
) -> dict[str, str]:
    """What the discharge summary's form starts with: the diagnoses active on
    the problem list, and every prescription change written during the stay
    (computed from the prescription versions). Both reads are audited."""
    diagnoses = [
        d
        for d in diagnoses_for(ctx, access=access)
        if d["resolved_date"] is None and d["entered_in_error_at"] is None
    ]
    audit_patient(
        ctx,
        patient_id=access.patient_id,
        action="diagnosis.list",
        object_type="encounter",
        object_id=encounter["id"],
    )
    changes = medication_read.changes_during(
        ctx, patient_id=access.patient_id, since=encounter["started_at"], until=until
    )
    diagnosis_lines = [
        f"{d['code']} {d['title']}" + (" (huvuddiagnos)" if d["rank"] == "primary" else "") for d in diagnoses
    ]
    return {
        "diagnoses": "\n".join(diagnosis_lines) or NO_ACTIVE_DIAGNOSES,
        "medication": "\n".join(medication_change_line(r) for r in changes) or NO_MEDICATION_CHANGES,
    }


def discharge_summaries(notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The signed discharge summaries among a patient's notes (the portal shows them first)."""
    return [n for n in notes if n["kind"] == "discharge_summary" and not n["in_error"]]
