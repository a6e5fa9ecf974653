"""What the medication forms accept. Each limit repeats a database constraint,
which has the last word."""

import re
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hms.core.errors import Invalid

DoseUnit = Literal[
    "mg", "g", "microgram", "mmol", "ml", "unit", "tablet", "capsule", "dose", "drop", "puff", "application"
]  # fmt: skip
Route = Literal[
    "oral", "sublingual", "iv", "im", "sc", "rectal", "inhalation", "nasal", "topical", "transdermal", "eye",
    "ear", "vaginal",
]  # fmt: skip
DrugFormKind = Literal[
    "tablet", "capsule", "oral_solution", "injection", "infusion", "inhaler", "nebuliser", "suppository",
    "patch", "cream", "ointment", "eye_drops", "ear_drops", "nasal_spray", "gel",
]  # fmt: skip
StockUnit = Literal[
    "tablet", "capsule", "ampoule", "vial", "bag", "bottle", "inhaler", "suppository", "patch", "tube", "pen",
    "cartridge",
]  # fmt: skip
DRUG_FORMS: tuple[str, ...] = DrugFormKind.__args__  # type: ignore[attr-defined]
STOCK_UNITS: tuple[str, ...] = StockUnit.__args__  # type: ignore[attr-defined]
DOSE_UNITS: tuple[str, ...] = DoseUnit.__args__  # type: ignore[attr-defined]
ROUTES: tuple[str, ...] = Route.__args__  # type: ignore[attr-defined]
SCHEDULES = ("times", "interval", "as_needed")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")

TIMES_NEEDED = "Give the times of day, e.g. 08:00, 20:00."
INTERVAL_NEEDED = "Give the hours between doses (1 to 168)."
PRN_MAX_NEEDED = "Give the most doses a day (1 to 24)."
END_BEFORE_START = "The end must be after the start."


def positive_dose(value: Decimal) -> Decimal:
    if not value.is_finite() or value <= 0:
        raise ValueError("The dose must be more than zero.")
    if value >= 10**6:
        raise ValueError("The dose is too large.")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class PrescriptionForm(Strict):
    """A new prescription, or a change of one (drug_id then ignored)."""

    drug_id: int | None = None
    care_unit_id: int
    dose: Decimal
    dose_unit: DoseUnit
    route: Route
    schedule: Literal["times", "interval", "as_needed"]
    times: str | None = None
    interval_hours: int | None = Field(default=None, ge=1, le=168)
    max_doses_per_day: int | None = Field(default=None, ge=1, le=24)
    starts_at: datetime
    ends_at: datetime | None = None
    indication_id: int | None = None
    instructions: str | None = Field(default=None, max_length=1000)
    override_reason: str | None = Field(default=None, min_length=5, max_length=1000)

    @field_validator("times")
    @classmethod
    def _times(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = [p for p in re.split(r"[,\s;]+", value) if p]
        if not parts or not all(TIME.match(p) for p in parts) or len(parts) > 12:
            raise ValueError("Write times of day as HH:MM, separated by commas (at most 12).")
        return ", ".join(sorted({"{:0>2}:{}".format(*TIME.match(p).groups()) for p in parts}))  # type: ignore[union-attr]

    @model_validator(mode="after")
    def _schedule_complete(self) -> "PrescriptionForm":
        # Raised as Invalid, not ValueError, so each message stands beside its field.
        errors = {
            "times": TIMES_NEEDED if self.schedule == "times" and not self.times else None,
            "interval_hours": INTERVAL_NEEDED
            if self.schedule == "interval" and not self.interval_hours
            else None,
            "max_doses_per_day": PRN_MAX_NEEDED
            if self.schedule == "as_needed" and not self.max_doses_per_day
            else None,
            "ends_at": END_BEFORE_START if self.ends_at and self.ends_at <= self.starts_at else None,
        }
        if any(errors.values()):
            raise Invalid({k: v for k, v in errors.items() if v})
        return self

    @field_validator("dose")
    @classmethod
    def _dose_positive(cls, value: Decimal) -> Decimal:
        return positive_dose(value)

    def times_of_day(self) -> list[str] | None:
        return self.times.split(", ") if self.schedule == "times" and self.times else None


class StopForm(Strict):
    """A pause or an end, with its reason."""

    reason: str = Field(min_length=3, max_length=1000)


class RenewForm(Strict):
    ends_at: datetime | None = None


class ReviewForm(Strict):
    outcome: Literal["approved", "queried", "answered"]
    message: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _message_for_query(self) -> "ReviewForm":
        if self.outcome != "approved" and (not self.message or len(self.message) < 3):
            raise Invalid({"message": "Write the question or the answer (at least 3 characters)."})
        return self


class DoseForm(Strict):
    """One dose on the administration record."""

    prescription_id: int
    care_unit_id: int
    scheduled_for: datetime | None = None
    outcome: Literal["given", "not_given", "refused"]
    administered_at: datetime
    dose: Decimal | None = None
    dose_unit: DoseUnit | None = None
    note: str | None = Field(default=None, max_length=1000)

    @field_validator("dose")
    @classmethod
    def _dose_positive(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else positive_dose(value)

    @model_validator(mode="after")
    def _complete(self) -> "DoseForm":
        if self.outcome == "given" and (self.dose is None or self.dose_unit is None):
            raise Invalid({"dose": "Give the dose given."})
        if self.outcome != "given" and not self.note:
            raise Invalid({"note": "Say why the dose was not given."})
        return self


class DrugForm(Strict):
    """A drug added to the formulary."""

    generic_name: str = Field(min_length=2, max_length=120)
    atc_code: str = Field(pattern=r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$")
    form: DrugFormKind
    strength: Decimal = Field(gt=0)
    strength_unit: DoseUnit
    strength_per: Literal["ml", "dose", "g"] | None = None
    dose_unit: DoseUnit
    max_daily_dose: Decimal | None = Field(default=None, gt=0)
    routes: list[Route] = Field(min_length=1)
    stock_unit: StockUnit

    @field_validator("atc_code", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


class RenalForm(Strict):
    """A kidney function result: eGFR, creatinine or both (renal_function's limits)."""

    care_unit_id: int
    measured_at: datetime
    egfr: Decimal | None = Field(default=None, ge=1, le=200, max_digits=4, decimal_places=1)
    creatinine: int | None = Field(default=None, ge=10, le=3000)

    @model_validator(mode="after")
    def _a_value(self) -> "RenalForm":
        if self.egfr is None and self.creatinine is None:
            raise Invalid({"egfr": "Give the eGFR, the creatinine or both."})
        return self
