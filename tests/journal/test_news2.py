"""NEWS2 (Royal College of Physicians, 2017; SpO2 scale 1) as the database
derives it, checked against the chart written out here, case by case and for
a few hundred generated sets of vital signs."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.journal import given as journal

# The NEWS2 chart: for each parameter, (highest value of a band, its score), low to high.
CHART = {
    "respiratory_rate": [(8, 3), (11, 1), (20, 0), (24, 2), (999, 3)],
    "spo2": [(91, 3), (93, 2), (95, 1), (100, 0)],
    "systolic": [(90, 3), (100, 2), (110, 1), (219, 0), (999, 3)],
    "pulse": [(40, 3), (50, 1), (90, 0), (110, 1), (130, 2), (999, 3)],
    "temperature": [
        (Decimal("35.0"), 3),
        (Decimal("36.0"), 1),
        (Decimal("38.0"), 0),
        (Decimal("39.0"), 1),
        (Decimal("99.9"), 2),
    ],
}


def chart_scores(v: dict) -> list[int]:
    scores = [next(score for top, score in CHART[name] if v[name] <= top) for name in CHART]
    scores.append(2 if v["on_oxygen"] else 0)
    scores.append(0 if v["consciousness"] == "A" else 3)
    return scores


def news2(v: dict) -> tuple[int, str]:
    scores = chart_scores(v)
    total = sum(scores)
    if total >= 7:
        return total, "high"
    if total >= 5:
        return total, "medium"
    if 3 in scores:
        return total, "low_medium"
    return total, "low"


NORMAL = {
    "respiratory_rate": 16,
    "spo2": 97,
    "on_oxygen": False,
    "systolic": 120,
    "pulse": 70,
    "consciousness": "A",
    "temperature": Decimal("37.0"),
}


def stored(conn, cast, v: dict) -> tuple[int, str]:
    row_id = journal.clinical(conn, cast, "vital_signs", diastolic=None, **v)
    row = conn.execute("SELECT news2, news2_band FROM vital_signs WHERE id = %s", [row_id]).fetchone()
    return row["news2"], row["news2_band"]


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, (0, "low")),
        ({"respiratory_rate": 8}, (3, "low_medium")),
        ({"consciousness": "C"}, (3, "low_medium")),
        ({"respiratory_rate": 22, "on_oxygen": True}, (4, "low")),
        ({"respiratory_rate": 22, "spo2": 94, "pulse": 95, "temperature": Decimal("38.5")}, (5, "medium")),
        ({"respiratory_rate": 25, "pulse": 120, "temperature": Decimal("38.5")}, (6, "medium")),
        ({"consciousness": "V", "on_oxygen": True, "systolic": 95}, (7, "high")),
        (
            {
                "respiratory_rate": 30,
                "spo2": 88,
                "on_oxygen": True,
                "systolic": 85,
                "pulse": 140,
                "consciousness": "U",
                "temperature": Decimal("34.0"),
            },
            (20, "high"),
        ),
    ],
    ids=[
        "all-normal",
        "rr-8",
        "new-confusion",
        "four-without-a-three",
        "five",
        "six-with-a-three",
        "seven",
        "maximum",
    ],
)
def test_news2_of_known_cases(dr_alice, cast, changes, expected):
    v = NORMAL | changes
    assert news2(v) == expected  # the chart above agrees with the worked example
    assert stored(dr_alice, cast, v) == expected


def near(edges: list, low, high, step=1):
    """Values on and beside each band edge, plus anything in the plausible range."""
    around = sorted({e + d * step for e in edges for d in (-1, 0, 1) if low <= e + d * step <= high})
    return st.one_of(st.sampled_from(around), st.integers(low, high) if step == 1 else st.nothing())


TEMPERATURES = st.integers(250, 450).map(lambda tenths: Decimal(tenths) / 10)
VITAL_SETS = st.fixed_dictionaries(
    {
        "respiratory_rate": near([8, 9, 11, 12, 20, 21, 24, 25], 3, 80),
        "spo2": near([91, 92, 93, 94, 95, 96], 50, 100),
        "on_oxygen": st.booleans(),
        "systolic": near([90, 91, 100, 101, 110, 111, 219, 220], 40, 300),
        "pulse": near([40, 41, 50, 51, 90, 91, 110, 111, 130, 131], 20, 300),
        "consciousness": st.sampled_from("AAAACVPU"),
        "temperature": st.one_of(
            st.sampled_from(
                [Decimal(t) for t in ("34.9", "35.0", "35.1", "36.0", "36.1", "38.0", "38.1", "39.0", "39.1")]
            ),
            TEMPERATURES,
        ),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(v=VITAL_SETS)
def test_news2_matches_the_chart(dr_alice, cast, v):
    assert stored(dr_alice, cast, v) == news2(v)


def test_news2_is_left_out_when_a_parameter_is_missing(dr_alice, cast):
    weight_only = dict.fromkeys(NORMAL) | {"on_oxygen": False, "weight_kg": 80}
    assert stored(dr_alice, cast, weight_only) == (None, None)
    without_pulse = NORMAL | {"pulse": None}
    assert stored(dr_alice, cast, without_pulse) == (None, None)
