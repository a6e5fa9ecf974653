"""What the audit pages' filters accept, read from the query string. A value
that cannot be read is dropped with a message beside its field; the page
still shows what it can."""

from collections.abc import Mapping
from datetime import date, datetime

from hms.audit.read import OUTCOMES, LogFilter, Period

DATE_FORMAT = "Enter a date as YYYY-MM-DD."
PERIOD_REVERSED = "The end of the period is before its start."


def _date(value: str | None, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[field] = DATE_FORMAT
        return None


def log_filter(p: Mapping[str, str], errors: dict[str, str]) -> LogFilter:
    """The log search's filters, and the page it continues from."""
    before_at, before_id = None, None
    if p.get("before_at") and p.get("before_id", "").isdigit():
        try:
            before_at, before_id = datetime.fromisoformat(p["before_at"]), int(p["before_id"])
        except ValueError:
            before_at = None
    return LogFilter(
        patient=p.get("patient", "")[:40],
        user=p.get("user", "")[:64],
        from_date=_date(p.get("from"), "from", errors),
        to_date=_date(p.get("to"), "to", errors),
        action=p.get("action", "").strip()[:100],
        outcome=p.get("outcome", "") if p.get("outcome") in OUTCOMES else "",
        before_at=before_at if before_id is not None else None,
        before_id=before_id if before_at is not None else None,
    )


def report_period(p: Mapping[str, str], errors: dict[str, str], *, today: date) -> Period:
    """The reports' period: the last 30 days unless both ends read and are in order."""
    default = Period.default(today)
    period = Period(
        _date(p.get("from"), "from", errors) or default.from_date,
        _date(p.get("to"), "to", errors) or default.to_date,
    )
    if period.to_date < period.from_date:
        errors["to"] = PERIOD_REVERSED
        return default
    return period


def min_count(p: Mapping[str, str]) -> int:
    """How many accesses a report row needs (1 to 9999; anything else is 1)."""
    return int(p["min"]) if p.get("min", "").isdigit() and 0 < int(p["min"]) < 10_000 else 1
