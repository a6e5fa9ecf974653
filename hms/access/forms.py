"""What the access forms accept."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class EmergencyAccessForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    # The same limit as emergency_access_reason_length, which has the last word.
    reason: str = Field(min_length=20, max_length=1000)


class ReviewForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    review: Literal["justified", "unjustified"]
    # The same limit as emergency_access_review_comment_length.
    comment: str | None = Field(None, max_length=2000)
