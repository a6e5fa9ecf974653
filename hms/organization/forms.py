"""What the organisation forms accept. Each rule is also a constraint in
migration 0003; the form only says it earlier and beside the right field."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CareUnitKind = Literal["inpatient", "outpatient", "emergency"]


def _code(value: str, pattern: str, message: str) -> str:
    """Codes are stored in capitals; "med" is taken to mean "MED"."""
    value = value.upper()
    if not re.fullmatch(pattern, value):
        raise ValueError(message)
    return value


class _Form(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class DepartmentForm(_Form):
    code: str
    name: str = Field(min_length=1, max_length=120)

    @field_validator("code")
    @classmethod
    def valid_code(cls, value: str) -> str:
        return _code(value, r"[A-Z0-9-]{2,12}", "Use 2 to 12 capital letters, digits or dashes.")


class CareUnitForm(_Form):
    department_id: int
    code: str
    name: str = Field(min_length=1, max_length=120)
    kind: CareUnitKind

    @field_validator("code")
    @classmethod
    def valid_code(cls, value: str) -> str:
        return _code(value, r"[A-Z0-9-]{2,16}", "Use 2 to 16 capital letters, digits or dashes.")


class WardForm(_Form):
    care_unit_id: int
    name: str = Field(min_length=1, max_length=120)


class RoomForm(_Form):
    ward_id: int
    name: str = Field(min_length=1, max_length=40)


class BedForm(_Form):
    room_id: int
    label: str = Field(min_length=1, max_length=20)
