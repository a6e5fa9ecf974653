"""What the pharmacy's forms accept. Every rule here is also in the database
(migration 0021), which has the last word."""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hms.core.clock import today
from hms.core.errors import Invalid

AT_LEAST_ONE = "Enter a quantity of at least 1."
EXPIRED = "The batch has expired; an expired batch is not received."
NO_LINES = "Enter at least one line."
REASON = "Give a reason (at least 3 characters)."
NOT_ZERO = "An adjustment changes the stock by at least one unit."
# Rows of drug lines on the receipt and order forms.
LINES = 5


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError(AT_LEAST_ONE)
    return value


class ReceiptLine(Strict):
    drug_id: int
    lot: str = Field(max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9./-]*$")
    expires_on: date
    quantity: int
    unit_cost: Decimal = Field(ge=0, max_digits=12, decimal_places=2)

    @field_validator("unit_cost", mode="before")
    @classmethod
    def _decimal_comma(cls, value: Any) -> Any:
        return value.replace(",", ".").replace(" ", "") if isinstance(value, str) else value

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, value: int) -> int:
        return _positive(value)

    @field_validator("expires_on")
    @classmethod
    def _not_expired(cls, value: date) -> date:
        if value <= today():
            raise ValueError(EXPIRED)
        return value


class ReceiptForm(Strict):
    supplier: str = Field(min_length=2, max_length=120)
    reference: str | None = Field(default=None, max_length=60)
    lines: list[ReceiptLine]


class DispenseForm(Strict):
    prescription_id: int
    quantity: int

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, value: int) -> int:
        return _positive(value)


class AdjustForm(Strict):
    kind: Literal["adjustment", "wastage"]
    # A count correction may go either way; wastage is the units thrown away.
    quantity: int
    reason: str = Field(min_length=3, max_length=500)

    @model_validator(mode="after")
    def _quantity(self) -> "AdjustForm":
        if self.kind == "wastage" and self.quantity < 1:
            raise Invalid({"quantity": AT_LEAST_ONE})
        if self.kind == "adjustment" and self.quantity == 0:
            raise Invalid({"quantity": NOT_ZERO})
        return self


class OrderLine(Strict):
    drug_id: int
    quantity: int

    @field_validator("quantity")
    @classmethod
    def _quantity(cls, value: int) -> int:
        return _positive(value)


class WardOrderForm(Strict):
    location_id: int
    note: str | None = Field(default=None, max_length=1000)
    lines: list[OrderLine]


class CancelForm(Strict):
    reason: str = Field(min_length=3, max_length=500)


class ReorderLevelForm(Strict):
    location_id: int
    drug_id: int
    reorder_level: int = Field(ge=0, le=1_000_000)


class StockFilter(Strict):
    location_id: int | None = None
    q: str | None = Field(default=None, max_length=60)
    show_empty: bool = False
