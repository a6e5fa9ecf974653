"""What the referral forms accept."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

QUESTION_TOO_SHORT = "Write the question in at least 10 characters."
REASON_TOO_SHORT = "Say why the referral is rejected (5 to 2000 characters)."

Urgency = Literal["routine", "urgent", "acute"]
URGENCIES: tuple[str, ...] = ("routine", "urgent", "acute")


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class ReferralForm(Strict):
    from_unit_id: int
    to_unit_id: int
    urgency: Urgency
    # The same limits as referral_question_length, which has the last word.
    question: str = Field(max_length=4000)
    # Chosen among the patient's diagnoses; the database checks they are hers.
    diagnosis_ids: list[int] = Field(default_factory=list, max_length=50)

    @field_validator("question")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value) < 10:
            raise ValueError(QUESTION_TOO_SHORT)
        return value


class RejectForm(Strict):
    # referral_rejection_has_reason: 5 to 2000 characters.
    reason: str = Field(default="", max_length=2000, validate_default=True)

    @field_validator("reason")
    @classmethod
    def _given(cls, value: str) -> str:
        if len(value) < 5:
            raise ValueError(REASON_TOO_SHORT)
        return value


class WithdrawForm(Strict):
    reason: str | None = Field(None, max_length=2000)
