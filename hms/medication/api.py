"""JSON API for medication: the safety checks, as the prescribing form asks
them, and a patient's medication list."""

from decimal import Decimal
from typing import Any

from fastapi import Depends
from pydantic import BaseModel, Field

from hms.core.context import RequestContext
from hms.core.roles import Permission
from hms.medication import read
from hms.medication.forms import DoseUnit
from hms.web.guard import current, guarded_router, requires

router = guarded_router(prefix="/api/patients/{patient_id}/medication", tags=["medication"])


BIGINT_MAX = 2**63 - 1


class CheckRequest(BaseModel):
    drug_id: int = Field(ge=1, le=BIGINT_MAX)
    dose: Decimal = Field(gt=0, lt=10**6)
    dose_unit: DoseUnit
    doses_per_day: Decimal = Field(gt=0, le=24)
    prescription_id: int | None = Field(default=None, ge=1, le=BIGINT_MAX)


class Warning(BaseModel):
    kind: str
    severity: str
    subject: str
    detail_en: str
    detail_sv: str


class MedicationLine(BaseModel):
    id: int
    status: str
    review_state: str
    generic_name: str
    dose: Decimal
    dose_unit: str
    route: str
    schedule: str


@router.post("/check", response_model=list[Warning])
@requires(Permission.PRESCRIBE)
def check(
    patient_id: int, body: CheckRequest, ctx: RequestContext = Depends(current)
) -> list[dict[str, Any]]:
    """Every warning for a proposed dose (allergy, interaction, duplicate, dose) in one query."""
    return read.check(ctx, patient_id=patient_id, **body.model_dump())


@router.get("", response_model=list[MedicationLine])
@requires(Permission.MEDICATION_READ)
def medication_list(patient_id: int, ctx: RequestContext = Depends(current)) -> list[dict[str, Any]]:
    return read.medication_list(ctx, patient_id=patient_id)
