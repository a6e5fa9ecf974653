"""The NEWS2 rules the board applies (hms.ward.policy)."""

from datetime import UTC, datetime, timedelta

import pytest

from hms.ward.policy import is_overdue, is_red, review_interval

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("news2", "band", "interval"),
    [
        (0, "low", timedelta(hours=12)),
        (1, "low", timedelta(hours=6)),
        (4, "low", timedelta(hours=6)),
        (3, "low_medium", timedelta(hours=4)),
        (5, "medium", timedelta(hours=1)),
        (6, "medium", timedelta(hours=1)),
        (7, "high", timedelta(minutes=15)),
        (12, "high", timedelta(minutes=15)),
    ],
)
def test_each_band_has_its_interval(news2, band, interval):
    assert review_interval(news2, band) == interval


def test_red_is_five_or_more_or_one_parameter_scoring_three():
    assert [is_red(n, b) for n, b in [(0, "low"), (4, "low"), (3, "low_medium"), (5, "medium"), (9, "high")]] == [
        False, False, True, True, True,
    ]  # fmt: skip
    assert not is_red(None, None)


def test_overdue_after_the_interval_and_without_a_score():
    assert not is_overdue(1, "low", NOW - timedelta(hours=6), NOW)
    assert is_overdue(1, "low", NOW - timedelta(hours=6, minutes=1), NOW)
    assert is_overdue(None, None, None, NOW)
