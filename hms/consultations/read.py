"""Scoped reads of consultations: each checks the policy, returns only what
the user may see and writes the audit row in the same transaction."""

from typing import Any

from hms.access import read as access_read
from hms.access.policy import patient_access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient, audit_patients_listed
from hms.consultations import policy
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.db.queries import load
from hms.journal import read as journal_read
from hms.lab import read as lab_read
from hms.medication import read as medication_read
from hms.patients import read as patient_read

q = load("consultations")

LIST_LIMIT = 200
# The specialist reads the latest notes and measurements, not the whole history.
SHARED_NOTES = 20
SHARED_VITALS = 20


def consultations_mine(ctx: RequestContext, *, status: str | None = None) -> list[dict[str, Any]]:
    """The doctor's requests, or the specialist's consultations (open first)."""
    if not policy.can_take_part(ctx.staff):
        raise Refused()
    rows: list[dict[str, Any]] = q.consultations_mine(
        ctx.conn, user_id=ctx.staff.id, status=status, limit=LIST_LIMIT
    )
    audit_patients_listed(
        ctx,
        patient_ids=sorted({r["patient_id"] for r in rows if r["family_name"] is not None}),
        action="consultation.list",
    )
    return rows


def access_consultation(ctx: RequestContext, *, consultation_id: int) -> dict[str, Any]:
    """One consultation for its requester or its specialist; 404 for anyone else."""
    if not policy.can_take_part(ctx.staff):
        raise Refused()
    row: dict[str, Any] | None = q.consultation_get(
        ctx.conn, consultation_id=consultation_id, user_id=ctx.staff.id
    )
    if row is None:
        raise NotFound(
            audit={
                "patient_id": None,
                "action": "consultation.read",
                "detail": f"consultation {consultation_id}",
            }
        )
    audit_patient(
        ctx,
        patient_id=row["patient_id"],
        action="consultation.read",
        object_type="consultation",
        object_id=consultation_id,
    )
    return row


def access_shared_record(ctx: RequestContext, *, consultation: dict[str, Any]) -> dict[str, Any] | None:
    """What the specialist of an open consultation reads of the patient: the
    identity, and of the record only the parts the requester chose. None once
    the consultation is answered, closed or withdrawn (the access decision
    refuses then).

    The journal's chart requires JOURNAL_READ (doctors and nurses), so this
    reads the journal through its reads for a decision already made (basis
    'consultation'), behind the same row-level security, whose restrictive
    policies (0027) let through only the chosen parts' rows: a part not
    chosen is not asked for here, and would come back empty if it were."""
    if not policy.is_specialist_of(ctx.staff, consultation) or consultation["status"] != "open":
        return None
    patient_id = consultation["patient_id"]
    parts = set(consultation["parts"])
    access = patient_access(ctx, patient_id=patient_id, area="clinical", action="consultation.record_read")
    patient = patient_read.access_patient(
        ctx, patient_id=patient_id, action="consultation.record_read", access=access
    )
    record: dict[str, Any] = {"patient": patient, "parts": parts}
    if "summary" in parts:
        record["summary"] = journal_read.summary_for(ctx, access=access)
    if "notes" in parts:
        record["notes"] = journal_read.signed_notes_for(ctx, access=access, limit=SHARED_NOTES)
    if "diagnoses" in parts:
        record["diagnoses"] = journal_read.diagnoses_for(ctx, access=access)
    if "vitals" in parts:
        record["vitals"] = journal_read.latest_vitals_for(ctx, access=access, limit=SHARED_VITALS)
    if "medication" in parts:
        record["medication"] = medication_read.current_medication(ctx, patient_id=patient_id)
    if "lab" in parts:
        record["lab"] = lab_read.results_shared(ctx, access=access)
    return record


def request_patient(ctx: RequestContext, *, patient_id: int) -> dict[str, Any]:
    """The patient a doctor asks about: only one they reach clinically."""
    access = patient_access(ctx, patient_id=patient_id, area="clinical", action="consultation.create")
    return patient_read.access_patient(
        ctx, patient_id=patient_id, action="consultation.create", access=access
    )


def specialists(ctx: RequestContext) -> list[dict[str, Any]]:
    return accounts_read.specialists_active(ctx)


def my_care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return accounts_read.my_care_units(ctx)


def preferred_care_unit(ctx: RequestContext, *, patient_id: int) -> int | None:
    """The care unit a form about the patient preselects (hms.access.read)."""
    return access_read.preferred_care_unit(ctx, patient_id=patient_id)
