"""What the portal's forms accept: proxy grants and blocks."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hms.core.clock import LOCAL_TZ, today

Scope = Literal["record", "medication", "appointments", "messages"]
SCOPES: tuple[Scope, ...] = ("record", "medication", "appointments", "messages")
# The bases staff register a grant on (the patient's own is the portal's).
StaffBasis = Literal["guardian", "recorded_consent"]
STAFF_BASES: tuple[StaffBasis, ...] = ("guardian", "recorded_consent")
ConsentMethod = Literal["in_person", "phone", "written"]

NO_SCOPE = "Choose at least one thing the relative may see."
END_BEFORE_START = "The end date cannot be before the start date."
UNKNOWN_RELATIVE = "There is no relative account with this username."
UNKNOWN_USER = "There is no account with this username."
UNKNOWN_UNIT = "Choose one of the care units in the list."


class ProxyForm(BaseModel):
    """A grant: the relative's username, scopes, and a period (from today if
    no start). The same rules as proxy_grant's constraints, which have the last word."""

    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(min_length=1, max_length=64)
    scopes: list[Scope] = Field(default_factory=list, validate_default=True)
    starts_on: date | None = None
    ends_on: date | None = None

    @field_validator("scopes")
    @classmethod
    def some_scope(cls, value: list[Scope]) -> list[Scope]:
        if not value:
            raise ValueError(NO_SCOPE)
        return sorted(set(value), key=SCOPES.index)

    @field_validator("ends_on")
    @classmethod
    def ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("starts_on") or today()
        if value is not None and value < start:
            raise ValueError(END_BEFORE_START)
        return value


class StaffProxyForm(ProxyForm):
    """A grant staff register: as a minor's guardian, or on the patient's
    consent, which staff record (how; when, by default now; by whom, by
    default the one registering). The database decides whether the basis
    holds: the patient's age, a staff member taking the consent."""

    basis: StaffBasis
    consent_method: ConsentMethod | None = None
    consent_taken_at: datetime | None = None
    consent_taken_by: str | None = Field(None, max_length=64)

    @field_validator("consent_taken_at")
    @classmethod
    def local_time(cls, value: datetime | None) -> datetime | None:
        """A time typed in the form is hospital local time."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=LOCAL_TZ)
        return value


class BlockForm(BaseModel):
    care_unit_id: int


def flatten(form: dict[str, list[str]]) -> dict[str, object]:
    """Checkbox groups stay lists; every other field is its one value."""
    return {k: (v if k == "scopes" else (v[0] if v else "")) for k, v in form.items()}
