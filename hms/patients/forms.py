"""What the registration and contact forms accept."""

from datetime import date
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hms.patients import identity

Sex = Literal["female", "male", "other", "unknown"]
Relationship = Literal["spouse", "partner", "parent", "child", "sibling", "guardian", "friend", "other"]

PHONE = r"^\+?[0-9 ()-]{5,20}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
POSTAL_CODE = r"^[0-9]{3} ?[0-9]{2}$"


class ContactForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    phone: str | None = Field(None, max_length=20, pattern=PHONE)
    email: str | None = Field(None, max_length=254, pattern=EMAIL)
    street_address: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, pattern=POSTAL_CODE)
    city: str | None = Field(None, max_length=100)


class IdentityForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    sex: Sex
    protected_identity: bool = False

    @field_validator("protected_identity", mode="before")
    @classmethod
    def checkbox(cls, value: object) -> bool:
        return value in (True, "on", "true", "1", "yes")


class RegistrationForm(IdentityForm, ContactForm):
    personal_number: str = Field(max_length=20)
    date_of_birth: date | None = None

    @field_validator("personal_number")
    @classmethod
    def valid_number(cls, value: str) -> str:
        try:
            return identity.normalize(value)
        except identity.InvalidNumber as exc:
            raise ValueError(str(exc)) from None

    @field_validator("date_of_birth")
    @classmethod
    def birth_date_matches(cls, value: date | None, info: ValidationInfo) -> date | None:
        number = info.data.get("personal_number")
        if value is not None and number and value != identity.birth_date(number):
            raise ValueError("The date of birth does not match the personal identity number.")
        return value

    @model_validator(mode="after")
    def derive_birth_date(self) -> "RegistrationForm":
        self.date_of_birth = identity.birth_date(self.personal_number)
        return self


class NextOfKinForm(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    full_name: str = Field(min_length=1, max_length=200)
    relationship: Relationship
    phone: str | None = Field(None, max_length=20, pattern=PHONE)
    email: str | None = Field(None, max_length=254, pattern=EMAIL, validate_default=True)
    is_primary: bool = False

    @field_validator("is_primary", mode="before")
    @classmethod
    def checkbox(cls, value: object) -> bool:
        return value in (True, "on", "true", "1", "yes")

    @field_validator("email")
    @classmethod
    def reachable(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value and not info.data.get("phone"):
            raise ValueError("Give a phone number or an e-mail address.")
        return value
