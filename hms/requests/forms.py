"""What the care request forms accept. Each limit repeats a constraint or a
check of migration 0026, which has the last word."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# An id the database can hold (bigint); anything else names nothing.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Kind = Literal["renewal", "question", "booking", "certificate", "correction"]
Text = Annotated[str, Field(min_length=3, max_length=4000)]

CHOOSE_PRESCRIPTION = "Choose one of the patient's current prescriptions."
CHOOSE_NOTE = "Choose a signed note of the record that you can read."
CHOOSE_UNIT = "Choose a care unit that has cared for the patient."
SAY_WHAT_INSTEAD = "Say what the note should say instead (3 to 4000 characters)."


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class RequestForm(Strict):
    """A request as the portal's form sends it; what it concerns depends on its kind."""

    kind: Kind
    care_unit_id: Id | None = None
    prescription_id: Id | None = None
    note_id: Id | None = None
    body: Text
    proposed_text: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _what_it_concerns(self) -> "RequestForm":
        if self.kind == "renewal" and self.prescription_id is None:
            raise ValueError(CHOOSE_PRESCRIPTION)
        if self.kind == "correction" and self.note_id is None:
            raise ValueError(CHOOSE_NOTE)
        if self.kind == "correction" and len(self.proposed_text or "") < 3:
            raise ValueError(SAY_WHAT_INSTEAD)
        if self.kind in ("question", "booking", "certificate") and self.care_unit_id is None:
            raise ValueError(CHOOSE_UNIT)
        return self

    def concerns(self) -> dict[str, int | str | None]:
        """Only what the kind names: the rest of the form is left behind."""
        return {
            "care_unit_id": self.care_unit_id
            if self.kind in ("question", "booking", "certificate")
            else None,
            "prescription_id": self.prescription_id if self.kind == "renewal" else None,
            "note_id": self.note_id if self.kind == "correction" else None,
            "proposed_text": self.proposed_text if self.kind == "correction" else None,
        }


# The field a whole-form error of the request form belongs beside.
FIELD_OF_ERROR = {
    CHOOSE_PRESCRIPTION: "prescription_id",
    CHOOSE_NOTE: "note_id",
    SAY_WHAT_INSTEAD: "proposed_text",
    CHOOSE_UNIT: "care_unit_id",
}


class AnswerForm(Strict):
    answer: Annotated[str, Field(min_length=1, max_length=4000)]
    appointment_id: Id | None = None


class RefuseForm(Strict):
    reason: Annotated[str, Field(min_length=5, max_length=4000)]


class ApproveRenewalForm(Strict):
    """A renewal's new end (none: until further notice), and a reason when the
    safety checks warn; the answer is optional."""

    ends_at: datetime | None = None
    override_reason: str | None = Field(default=None, min_length=5, max_length=1000)
    answer: str | None = Field(default=None, max_length=4000)


class AmendForm(Strict):
    """The amended note's reason; its text comes as the note form's sections."""

    answer: str | None = Field(default=None, max_length=4000)
