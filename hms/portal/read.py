"""Scoped reads of the portal. Each asks the access policy (own record, or a
relative's grant), returns only what it allows and writes the audit row."""

from typing import Any

from hms.access.policy import Access, patient_access
from hms.audit import read as audit_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import NotFound
from hms.db.queries import load
from hms.journal import read as journal_read
from hms.medication import read as medication_read
from hms.patients import read as patient_read

q = load("portal")

NOTE_LIMIT = 100
VITALS_LIMIT = 10
LOG_LIMIT = 200


def own_patient(ctx: RequestContext, *, action: str) -> Access:
    """The signed-in patient's own record, or 404 (a relative, or an account
    not yet linked to a patient)."""
    patient_id = patient_read.own_patient_id(ctx)
    if patient_id is None:
        raise NotFound(audit={"patient_id": None, "action": action, "detail": "no own patient record"})
    return patient_access(ctx, patient_id=patient_id, area="demographics", action=action)


def access_own_record(ctx: RequestContext) -> dict[str, Any]:
    """The patient's own record (1177-style): signed notes only."""
    own = own_patient(ctx, action="portal.read_record")
    access = patient_access(ctx, patient_id=own.patient_id, area="clinical", action="portal.read_record")
    return _record(ctx, access)


def access_granted_record(ctx: RequestContext, *, patient_id: int) -> dict[str, Any]:
    """A granting patient's record, for a relative whose grant (scope record)
    is in force; 404 otherwise, and the refusal is audited."""
    access = patient_access(ctx, patient_id=patient_id, area="clinical", action="portal.read_record")
    return _record(ctx, access)


def _record(ctx: RequestContext, access: Access) -> dict[str, Any]:
    patient_id = access.patient_id
    patient = patient_read.access_patient(
        ctx, patient_id=patient_id, action="portal.read_record", access=access
    )
    diagnoses = journal_read.diagnoses_for(ctx, access=access)
    notes = journal_read.signed_notes_for(ctx, access=access, limit=NOTE_LIMIT)
    return {
        "patient": patient,
        "basis": access.basis,
        "summary": journal_read.summary_for(ctx, access=access),
        "notes": notes,
        "discharge_summaries": journal_read.discharge_summaries(notes),
        "diagnoses": [d for d in diagnoses if d["entered_in_error_at"] is None],
        "vitals": journal_read.latest_vitals_for(ctx, access=access, limit=VITALS_LIMIT),
        "encounters": journal_read.encounters_for(ctx, access=access),
    }


def access_log(ctx: RequestContext) -> list[dict[str, Any]]:
    """Loggutdrag: who reached my record, one line per visit, newest first,
    refusals included. Reading it is itself audited (and is not listed: it is
    the patient's own)."""
    own = own_patient(ctx, action="portal.access_log")
    rows = audit_read.patient_access_visits(ctx, access=own, limit=LOG_LIMIT)
    audit_patient(ctx, patient_id=own.patient_id, action="portal.access_log", object_type="audit_log")
    return [{**row, "kind": access_kind(row)} for row in rows]


def access_kind(visit: dict[str, Any]) -> str:
    """emergency, refused, write or read: what a visit was, for its label."""
    if visit["emergency"]:
        return "emergency"
    if visit["outcome"] == "refused":
        return "refused"
    return "write" if visit["writes"] else "read"


def proxy_grants(ctx: RequestContext, *, access: Access) -> list[dict[str, Any]]:
    """The patient's grants (to the patient, or to staff registering one)."""
    rows: list[dict[str, Any]] = q.proxy_grants_for_patient(ctx.conn, patient_id=access.patient_id)
    audit_patient(
        ctx,
        patient_id=access.patient_id,
        action="proxy.read",
        object_type="proxy_grant",
        detail=access.reason,
    )
    return rows


def blocks(ctx: RequestContext, *, access: Access) -> dict[str, Any]:
    """The patient's blocks and the care units a block can name."""
    rows = q.blocks_for_patient(ctx.conn, patient_id=access.patient_id)
    units = journal_read.units_with_entries_for(ctx, access=access)
    audit_patient(ctx, patient_id=access.patient_id, action="journal_block.read", object_type="journal_block")
    return {"blocks": rows, "units": units}


def granted_patients(ctx: RequestContext) -> list[dict[str, Any]]:
    """Patients whose grant to this relative is in force today."""
    rows: list[dict[str, Any]] = q.granted_patients(ctx.conn, user_id=ctx.staff.id)
    audit_patients_listed(
        ctx, patient_ids=[r["patient_id"] for r in rows], action="patient.list", detail="proxy grants"
    )
    return rows


def access_medication(ctx: RequestContext, *, patient_id: int | None = None) -> dict[str, Any]:
    """The medication list in the portal: the patient's own, or a granting
    patient's for a relative whose grant gives the record or the medication
    scope (hms_access_basis decides); 404 otherwise, and audited."""
    if patient_id is None:
        patient_id = own_patient(ctx, action="portal.medication").patient_id
    access = patient_access(ctx, patient_id=patient_id, area="medication", action="portal.medication")
    rows = medication_read.medication_list(ctx, patient_id=patient_id)
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="portal.medication")
    return {
        "patient": patient,
        "own": access.basis == "own",
        "current": [r for r in rows if r["status"] != "discontinued"],
        "past": [r for r in rows if r["status"] == "discontinued"],
    }
