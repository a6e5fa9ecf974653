"""What the journal's forms accept."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NoteKind = Literal["admission", "progress", "nursing", "phone", "discharge_summary"]
EncounterKind = Literal["outpatient", "admission", "emergency", "phone", "consultation"]

# The keyword headings (sökord) each kind of note is written under.
NOTE_HEADINGS: dict[str, list[str]] = {
    "admission": ["Kontaktorsak", "Anamnes", "Status", "Bedömning", "Åtgärd"],
    "progress": ["Aktuellt", "Status", "Bedömning", "Åtgärd"],
    "nursing": ["Omvårdnadsstatus", "Observationer", "Åtgärd", "Planering"],
    "phone": ["Kontaktorsak", "Bedömning", "Åtgärd"],
    "discharge_summary": ["Vårdförlopp", "Diagnoser", "Läkemedel", "Uppföljning"],
}


def _checkbox(value: object) -> bool:
    return value in (True, "on", "true", "1", "yes")


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class EncounterForm(Strict):
    kind: EncounterKind
    care_unit_id: int
    reason: str = Field(min_length=1, max_length=500)
    bed_id: int | None = None


class NoteForm(Strict):
    kind: NoteKind
    care_unit_id: int
    encounter_id: int | None = None


class ReasonForm(Strict):
    reason: str = Field(min_length=5, max_length=1000)


class DiagnosisForm(Strict):
    code: str = Field(min_length=3, max_length=8)
    rank: Literal["primary", "secondary"] = "secondary"
    care_unit_id: int
    encounter_id: int | None = None
    onset_date: date | None = None
    resolved_date: date | None = None
    comment: str | None = Field(None, max_length=2000)
    # Recording a code that is already active asks first; this is the answer.
    record_again: bool = False

    @field_validator("code")
    @classmethod
    def upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("resolved_date")
    @classmethod
    def after_onset(cls, value: date | None, info) -> date | None:  # type: ignore[no-untyped-def]
        onset = info.data.get("onset_date")
        if value and onset and value < onset:
            raise ValueError("The resolution date is before the onset.")
        return value


class AllergyForm(Strict):
    substance: str = Field(min_length=1, max_length=200)
    category: Literal["medication", "food", "environment", "other"]
    reaction: str | None = Field(None, max_length=500)
    severity: Literal["mild", "moderate", "severe", "life_threatening"]
    is_verified: bool = False
    is_intolerance: bool = False
    care_unit_id: int
    # The drug or drug class it is to (allergy_atc_code_format), for the prescribing checks.
    atc_code: str | None = Field(None, pattern=r"^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$")

    @field_validator("atc_code", mode="before")
    @classmethod
    def _atc_upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    _boxes = field_validator("is_verified", "is_intolerance", mode="before")(
        classmethod(lambda cls, v: _checkbox(v))
    )


class ProcedureForm(Strict):
    name: str = Field(min_length=1, max_length=200)
    code: str | None = Field(None, pattern=r"^[A-Z]{2,5}[0-9]{2,3}$")
    is_surgery: bool = False
    performed_at: datetime
    anaesthesia: Literal["none", "local", "regional", "sedation", "general"] = "none"
    outcome: str | None = Field(None, max_length=2000)
    care_unit_id: int
    encounter_id: int | None = None

    _boxes = field_validator("is_surgery", mode="before")(classmethod(lambda cls, v: _checkbox(v)))


class HistoryForm(Strict):
    kind: Literal["past_illness", "family", "social"]
    description: str = Field(min_length=1, max_length=2000)
    care_unit_id: int


class CarePlanForm(Strict):
    title: str = Field(min_length=1, max_length=200)
    goals: str = Field(min_length=1, max_length=4000)
    actions: str = Field(min_length=1, max_length=4000)
    responsible_id: int
    review_date: date
    care_unit_id: int


class VitalsForm(Strict):
    """Limits mirror the vital_signs CHECK constraints, which have the last word."""

    measured_at: datetime | None = None
    systolic: int | None = Field(None, ge=40, le=300)
    diastolic: int | None = Field(None, ge=20, le=200)
    pulse: int | None = Field(None, ge=20, le=300)
    temperature: Decimal | None = Field(None, ge=25, le=45, decimal_places=1)
    respiratory_rate: int | None = Field(None, ge=3, le=80)
    spo2: int | None = Field(None, ge=50, le=100)
    on_oxygen: bool = False
    consciousness: Literal["A", "C", "V", "P", "U"] | None = None
    weight_kg: Decimal | None = Field(None, ge=Decimal("0.3"), le=500, decimal_places=2)
    height_cm: Decimal | None = Field(None, ge=20, le=260, decimal_places=1)
    care_unit_id: int
    encounter_id: int | None = None

    _boxes = field_validator("on_oxygen", mode="before")(classmethod(lambda cls, v: _checkbox(v)))

    @field_validator("temperature", "weight_kg", "height_cm", mode="before")
    @classmethod
    def decimal_comma(cls, value: object) -> object:
        return value.replace(",", ".") if isinstance(value, str) else value

    @field_validator("diastolic")
    @classmethod
    def below_systolic(cls, value: int | None, info) -> int | None:  # type: ignore[no-untyped-def]
        systolic = info.data.get("systolic")
        if value is not None and systolic is not None and value >= systolic:
            raise ValueError("The diastolic pressure must be below the systolic.")
        return value


# The discharge summary's fields and the headings (sökord) they are signed under.
DISCHARGE_SECTIONS: list[tuple[str, str]] = [
    ("course", "Vårdförlopp"),
    ("diagnoses", "Diagnoser"),
    ("medication", "Läkemedel"),
    ("follow_up", "Uppföljning"),
]


class DischargeSummaryForm(Strict):
    """The epikris: the course of care and the follow-up are the doctor's own
    words; the diagnoses and medication changes come prefilled and may be edited."""

    course: str = Field(min_length=1, max_length=20000)
    diagnoses: str | None = Field(None, max_length=20000)
    medication: str | None = Field(None, max_length=20000)
    follow_up: str = Field(min_length=1, max_length=20000)

    def sections(self) -> list[tuple[str, str]]:
        return [(heading, getattr(self, name) or "") for name, heading in DISCHARGE_SECTIONS]
