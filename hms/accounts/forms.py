"""What the staff administration forms accept.

Each rule here is also a constraint on ``app_user`` or ``staff_profile``
(migration 0002); the form only says it earlier and beside the right field.
"""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hms.accounts.passwords import check_password_strength
from hms.accounts.service import StaffInput
from hms.core.roles import Role

StaffRole = Literal["doctor", "nurse", "pharmacist", "receptionist", "administrator", "external_specialist"]

USERNAME = r"^[a-z0-9._-]{3,64}$"
LICENCE_NUMBER = r"^[0-9A-Z-]{4,20}$"
PHONE = r"^\+?[0-9 ()-]{5,20}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# Never echoed back into a re-rendered form.
PASSWORD_FIELDS = frozenset({"password", "password_confirm"})


class RoleUnitsForm(BaseModel):
    """What a staff member is and where they work."""

    model_config = ConfigDict(str_strip_whitespace=True)

    role: StaffRole
    care_unit_ids: list[int] = []


class StaffForm(RoleUnitsForm):
    """A staff account's details, as created and edited by an administrator."""

    username: str
    full_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=EMAIL)
    profession: str = Field(min_length=1, max_length=100)
    licence_number: str | None = None
    title: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=20, pattern=PHONE)

    @field_validator("username")
    @classmethod
    def valid_username(cls, value: str) -> str:
        # Login matches usernames case-insensitively, so "Anna" is stored as "anna".
        value = value.lower()
        if not re.fullmatch(USERNAME, value):
            raise ValueError("Use 3 to 64 lower-case letters, digits, dots, dashes or underscores.")
        return value

    @field_validator("licence_number")
    @classmethod
    def valid_licence_number(cls, value: str | None) -> str | None:
        value = value.upper() if value else None
        if value is not None and not re.fullmatch(LICENCE_NUMBER, value):
            raise ValueError("Use 4 to 20 capital letters, digits or dashes.")
        return value

    def as_input(self) -> StaffInput:
        return StaffInput(
            username=self.username,
            full_name=self.full_name,
            email=self.email,
            role=Role(self.role),
            profession=self.profession,
            licence_number=self.licence_number,
            title=self.title,
            phone=self.phone,
        )


class PasswordForm(BaseModel):
    """A password typed twice by the administrator, strong enough to use."""

    password: str = Field(max_length=200)
    password_confirm: str = Field(max_length=200)

    @field_validator("password")
    @classmethod
    def strong(cls, value: str) -> str:
        problem = check_password_strength(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("password_confirm")
    @classmethod
    def same(cls, value: str, info: ValidationInfo) -> str:
        if "password" in info.data and value != info.data["password"]:
            raise ValueError("The two passwords differ.")
        return value


class StaffCreateForm(StaffForm, PasswordForm):
    """A new staff account with its first password."""


def _username(value: str) -> str:
    value = value.lower()
    if not re.fullmatch(USERNAME, value):
        raise ValueError("Use 3 to 64 lower-case letters, digits, dots, dashes or underscores.")
    return value


class PortalAccountForm(BaseModel):
    """The login name reception gives a patient's new portal account."""

    model_config = ConfigDict(str_strip_whitespace=True)

    username: str
    locale: Literal["sv", "en"] = "sv"

    _valid_username = field_validator("username")(_username)


class RelativeAccountForm(PortalAccountForm):
    """A relative's new portal account: login name, name and e-mail."""

    full_name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=EMAIL)


class ActivationForm(PasswordForm):
    """What a person types to activate their portal account."""

    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(max_length=64)
    code: str = Field(min_length=1, max_length=40)
