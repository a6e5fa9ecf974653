"""Who may see a ward board, and the NEWS2 rules the board applies.

Nurses and doctors see the boards of the wards of their own care units; the
database decides again (the board's query keeps to the user's units, and
row-level security shows a bed's patient only to those who may see the
encounter). A ward of another unit is answered as not found.

The red flag and the observation intervals follow the Royal College of
Physicians' NEWS2 chart (2017), as the database bands the score
(``news2_band`` in 0008): a total of 5 or more, or any single parameter
scoring 3 (the 'low_medium' band), is red. Vitals are overdue when the latest
scored set is older than its band allows:

=================================  ==============================
latest NEWS2                       next set due within
=================================  ==============================
0                                  12 hours
1-4, no single parameter scoring 3  6 hours
1-4 with a parameter scoring 3      4 hours
5-6 (medium)                        1 hour
7 or more (high)                    15 minutes (continuous)
no scored set on this patient       at once (overdue)
=================================  ==============================
"""

from datetime import datetime, timedelta

from hms.core.context import CurrentUser
from hms.core.roles import Permission

RED_BANDS = frozenset({"low_medium", "medium", "high"})


def can_see_boards(user: CurrentUser) -> bool:
    return user.can(Permission.WARD_BOARD)


def is_red(news2: int | None, band: str | None) -> bool:
    """A score of 5 or more, or one parameter scoring 3."""
    return band in RED_BANDS or (news2 is not None and news2 >= 5)


def review_interval(news2: int, band: str) -> timedelta:
    """How long the latest NEWS2 may stand before the next set is due."""
    if news2 >= 7:
        return timedelta(minutes=15)
    if news2 >= 5:
        return timedelta(hours=1)
    if band == "low_medium":
        return timedelta(hours=4)
    if news2 >= 1:
        return timedelta(hours=6)
    return timedelta(hours=12)


def is_overdue(news2: int | None, band: str | None, measured_at: datetime | None, now: datetime) -> bool:
    """No scored set yet, or the latest is older than its band allows."""
    if news2 is None or band is None or measured_at is None:
        return True
    return now - measured_at > review_interval(news2, band)
