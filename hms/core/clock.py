"""The hospital's time: days and typed times are Stockholm's."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Stockholm")


def today() -> date:
    """Today in the hospital (not in UTC, whose day starts an hour or two late)."""
    return datetime.now(LOCAL_TZ).date()
