"""What the laboratory and radiology forms accept. Each limit repeats a
database constraint, which has the last word."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Priority = Literal["routine", "urgent"]
Modality = Literal["xray", "ct", "mri", "ultrasound"]
PRIORITIES: tuple[str, ...] = Priority.__args__  # type: ignore[attr-defined]
MODALITIES: tuple[str, ...] = Modality.__args__  # type: ignore[attr-defined]
LOINC = r"^[0-9]{1,7}-[0-9]$"


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class OrderForm(Strict):
    """A laboratory order: tests and panels (checkboxes), unit, priority, question."""

    care_unit_id: int = Field(ge=1)
    priority: Priority = "routine"
    clinical_question: str | None = Field(default=None, min_length=3, max_length=1000)
    tests: list[str] = Field(default_factory=list, max_length=100)
    panels: list[str] = Field(default_factory=list, max_length=30)


class SampleForm(Strict):
    sampled_at: datetime


class CancelForm(Strict):
    reason: str = Field(min_length=3, max_length=500)


class ResultLine(Strict):
    """One result as the form or the API gives it."""

    loinc: str = Field(pattern=LOINC)
    value: Decimal = Field(ge=-1000000, le=1000000, allow_inf_nan=False)
    comment: str | None = Field(default=None, min_length=1, max_length=1000)


class RadiologyForm(Strict):
    care_unit_id: int = Field(ge=1)
    modality: Modality
    body_part: str = Field(min_length=2, max_length=100)
    question: str = Field(min_length=3, max_length=2000)
    priority: Priority = "routine"


class ReportForm(Strict):
    body: str = Field(min_length=5, max_length=20000)
