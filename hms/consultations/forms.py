"""What the consultation forms accept."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

QUESTION_TOO_SHORT = "Write the question in at least 10 characters."
NO_PARTS = "Choose at least one part of the record the specialist may read."

# The parts of the record a specialist may be let into (the enum
# consultation_part; migration 0027 says which tables each one opens).
Part = Literal["summary", "notes", "diagnoses", "vitals", "medication", "lab"]
PARTS: tuple[str, ...] = ("summary", "notes", "diagnoses", "vitals", "medication", "lab")


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class ConsultationForm(Strict):
    specialist_id: int
    care_unit_id: int
    # The same limits as consultation_question_length, which has the last word.
    question: str = Field(max_length=4000)
    # consultation_parts_chosen: one to five parts, each once.
    parts: list[Part] = Field(default_factory=list, validate_default=True)

    @field_validator("question")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value) < 10:
            raise ValueError(QUESTION_TOO_SHORT)
        return value

    @field_validator("parts")
    @classmethod
    def _some_parts(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError(NO_PARTS)
        return [p for p in PARTS if p in value]


class AnswerForm(Strict):
    # consultation_answer_length allows up to 8000 characters.
    answer: str = Field(min_length=1, max_length=8000)


class WithdrawForm(Strict):
    # consultation_withdraw_reason_length: the reason is optional.
    reason: str | None = Field(None, max_length=1000)
