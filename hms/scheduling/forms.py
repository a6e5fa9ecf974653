"""What the scheduling forms accept. Each limit repeats a database
constraint or check in migration 0022, which has the last word."""

from datetime import date, datetime, time
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hms.core.clock import LOCAL_TZ

# An id the database can hold (bigint); anything else names nothing.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Mode = Literal["in_person", "phone", "video"]
ExceptionKind = Literal["leave", "course", "other"]
MODES: tuple[str, ...] = Mode.__args__  # type: ignore[attr-defined]
EXCEPTION_KINDS: tuple[str, ...] = ExceptionKind.__args__  # type: ignore[attr-defined]
END_BEFORE_START = "The end must be after the start."


def aware(value: datetime) -> datetime:
    """A time typed in a form is the hospital's local time."""
    return value if value.tzinfo is not None else value.replace(tzinfo=LOCAL_TZ)


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class TypeForm(Strict):
    care_unit_id: Id
    name: str = Field(min_length=2, max_length=120)
    duration_minutes: int = Field(ge=5, le=480)
    mode: Mode = "in_person"
    patient_bookable: bool = False


class RoomForm(Strict):
    care_unit_id: Id
    name: str = Field(min_length=1, max_length=60)


class HoursForm(Strict):
    clinician_id: Id
    care_unit_id: Id
    weekday: int = Field(ge=1, le=7)
    starts_at: time
    ends_at: time

    @model_validator(mode="after")
    def _ordered(self) -> "HoursForm":
        if self.ends_at <= self.starts_at:
            raise ValueError(END_BEFORE_START)
        return self


class ExceptionForm(Strict):
    clinician_id: Id
    kind: ExceptionKind
    starts_at: datetime
    ends_at: datetime
    note: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> "ExceptionForm":
        self.starts_at, self.ends_at = aware(self.starts_at), aware(self.ends_at)
        if self.ends_at <= self.starts_at:
            raise ValueError(END_BEFORE_START)
        return self


class SlotQuery(Strict):
    """Which free times to show: a type, one clinician or any, from a day."""

    type_id: Id
    clinician_id: Id | None = None
    from_day: date | None = None


class BookForm(Strict):
    type_id: Id
    clinician_id: Id
    starts_at: datetime
    room_id: Id | None = None

    @model_validator(mode="after")
    def _local(self) -> "BookForm":
        self.starts_at = aware(self.starts_at)
        return self


class MoveForm(Strict):
    starts_at: datetime
    clinician_id: Id | None = None
    room_id: Id | None = None

    @model_validator(mode="after")
    def _local(self) -> "MoveForm":
        self.starts_at = aware(self.starts_at)
        return self


class CancelForm(Strict):
    reason: str = Field(min_length=3, max_length=500)


class WalkInForm(Strict):
    personal_number: str = Field(min_length=10, max_length=13)
    type_id: Id
    clinician_id: Id | None = None


class WaitlistForm(Strict):
    type_id: Id
    clinician_id: Id | None = None
