"""What the consultation forms accept."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

QUESTION_TOO_SHORT = "Write the question in at least 10 characters."


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class ConsultationForm(Strict):
    specialist_id: int
    care_unit_id: int
    # The same limits as consultation_question_length, which has the last word.
    question: str = Field(max_length=4000)

    @field_validator("question")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value) < 10:
            raise ValueError(QUESTION_TOO_SHORT)
        return value


class AnswerForm(Strict):
    # consultation_answer_length allows up to 8000 characters.
    answer: str = Field(min_length=1, max_length=8000)
