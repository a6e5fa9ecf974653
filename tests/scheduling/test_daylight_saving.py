"""Working hours are Stockholm wall-clock times: across the change to and from
summer time the day's first slot stays at 08:00 in Stockholm, while in UTC it
moves by an hour; a booking on the day of the change lasts its length."""

from datetime import UTC, date, datetime, timedelta

import pytest

from hms.core.clock import LOCAL_TZ
from tests.scheduling.conftest import book, on


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def next_change(month: int) -> date:
    """The next last Sunday of the month that lies at least two days ahead."""
    today = datetime.now(LOCAL_TZ).date()
    change = last_sunday(today.year, month)
    return change if change > today + timedelta(days=2) else last_sunday(today.year + 1, month)


@pytest.mark.parametrize(("month", "before", "after"), [(3, 7, 6), (10, 6, 7)])
def test_a_week_across_the_change_keeps_its_local_hours(app_as, cast, clinic, month, before, after):
    change = next_change(month)
    monday = change - timedelta(days=6)
    rita = app_as(cast.rita)
    slots = rita.execute(
        "SELECT starts_at, ends_at FROM appointment_free_slots(%s, %s, %s, %s, 1000) ORDER BY starts_at",
        [clinic.visit, on(monday, 0), on(change + timedelta(days=2), 0), cast.alice],
    ).fetchall()
    firsts: dict[date, datetime] = {}
    for s in slots:
        firsts.setdefault(s["starts_at"].astimezone(LOCAL_TZ).date(), s["starts_at"])
    assert sorted(firsts) == [monday + timedelta(days=i) for i in range(8)]
    for day, first in firsts.items():
        assert first.astimezone(LOCAL_TZ).hour == 8, day
        assert first.astimezone(UTC).hour == (before if day < change else after), day
    # 16 half-hour slots on each day, the day of the change too (23 or 25 hours long)
    per_day = {d: sum(1 for s in slots if s["starts_at"].astimezone(LOCAL_TZ).date() == d) for d in firsts}
    assert set(per_day.values()) == {16}
    assert all(s["ends_at"] - s["starts_at"] == timedelta(minutes=30) for s in slots)
    # a booking at 15:30 on the day of the change ends at 16:00 local, within the hours
    appointment = book(rita, cast.greta_patient, clinic.visit, cast.alice, on(change, 15, 30))
    row = rita.execute("SELECT during FROM appointment WHERE id = %s", [appointment]).fetchone()["during"]
    assert row.upper.astimezone(LOCAL_TZ).hour == 16 and row.upper - row.lower == timedelta(minutes=30)
