"""What a report page accepts: a period and, optionally, one care unit; and
the administrator's appointment of a department head."""

from datetime import date, timedelta
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from hms.core.clock import today

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

# The longest period one page shows: the day figures are one row per ward and day.
MAX_DAYS = 366 * 2
DEFAULT_DAYS = 90


class PeriodForm(BaseModel):
    from_day: date | None = None
    to_day: date | None = None
    unit_id: Id | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "PeriodForm":
        to_day = self.to_day or today()
        from_day = self.from_day or to_day - timedelta(days=DEFAULT_DAYS - 1)
        if from_day > to_day:
            raise ValueError("The period ends before it starts.")
        if (to_day - from_day).days >= MAX_DAYS:
            raise ValueError("A report covers at most two years at a time.")
        self.from_day, self.to_day = from_day, to_day
        return self


class HeadForm(BaseModel):
    department_id: Id
    user_id: Id
