"""The flag of a result comes from the reference range for the patient's sex
and age on the day of sampling: one hand-checked case per band of
haemoglobin and potassium (ranges in hms/db/reference/lab_ranges.csv), and
the same through a real order for a child and an adult."""

from datetime import date, datetime, timedelta

import pytest

from hms.core.clock import LOCAL_TZ
from tests.db.pnr import number
from tests.lab.conftest import HAEMOGLOBIN, POTASSIUM, line, order, result, sample

SAMPLED = datetime(2026, 6, 15, 9, 0, tzinfo=LOCAL_TZ)


def born(years: int = 0, days: int = 0) -> date:
    return date(SAMPLED.year - years, SAMPLED.month, SAMPLED.day) - timedelta(days=days)


def flag(owner, loinc: str, sex: str, birth: date, value) -> str | None:
    return owner.execute(
        "SELECT lab_flag_of(%s::numeric, r.low, r.high, r.critical_low, r.critical_high) AS flag "
        "FROM (SELECT 1) AS one LEFT JOIN lab_range_for(%s, %s, %s, %s) AS r ON true",
        [value, loinc, sex, birth, SAMPLED],
    ).fetchone()["flag"]


@pytest.mark.parametrize(
    ("band", "sex", "birth", "value", "expected"),
    [
        # newborn, any sex, 140-220 g/L, critical below 90
        ("0-1 month", "male", born(days=10), 150, "normal"),
        ("0-1 month", "female", born(days=10), 130, "low"),
        ("0-1 month", "female", born(days=10), 85, "critical_low"),
        # infant 100-140: 150 is high for a baby of three months
        ("1 month-1 year", "male", born(days=90), 150, "high"),
        # child 110-145
        ("1-12 years", "female", born(years=5), 108, "low"),
        # teenagers by sex: 118 is low for a boy (120-165), normal for a girl (115-155)
        ("12-18 years", "male", born(years=15), 118, "low"),
        ("12-18 years", "female", born(years=15), 118, "normal"),
        # adults by sex: 130 is low for a man (134-170), normal for a woman (117-153)
        ("18+ years", "male", born(years=40), 130, "low"),
        ("18+ years", "female", born(years=40), 130, "normal"),
        ("18+ years", "female", born(years=40), 160, "high"),
        # critical limits at the limit itself: 70 and 200
        ("18+ years", "male", born(years=40), 70, "critical_low"),
        ("18+ years", "male", born(years=40), 71, "low"),
        ("18+ years", "male", born(years=40), 200, "critical_high"),
    ],
)
def test_haemoglobin_by_sex_and_age_band(owner, band, sex, birth, value, expected):
    assert flag(owner, HAEMOGLOBIN, sex, birth, value) == expected, band


@pytest.mark.parametrize(
    ("birth", "value", "expected"),
    [
        (born(days=100), 5.3, "normal"),  # infant 3.5-5.5
        (born(years=8), 5.3, "high"),  # child 3.5-5.0
        (born(years=8), 6.5, "critical_high"),  # child critical at 6.5
        (born(years=60), 4.4, "normal"),  # adult 3.5-4.4
        (born(years=60), 4.5, "high"),
        (born(years=60), 6.2, "critical_high"),  # adult critical at 6.2
        (born(years=60), 2.8, "critical_low"),
        (born(years=60), 3.4, "low"),
    ],
)
def test_potassium_by_age_band(owner, birth, value, expected):
    assert flag(owner, POTASSIUM, "female", birth, value) == expected


def test_the_band_changes_on_the_birthday(owner):
    # Hb 118 for a boy: low from the day he turns 12 (120-165), normal the day before (110-145)
    assert flag(owner, HAEMOGLOBIN, "male", born(years=12), 118) == "low"
    assert flag(owner, HAEMOGLOBIN, "male", born(years=12) + timedelta(days=1), 118) == "normal"


def test_a_patient_of_unknown_sex_gets_the_widest_range_and_the_cautious_limits(owner):
    # adults: female 117-153, male 134-170; unknown: 117-170
    assert flag(owner, HAEMOGLOBIN, "unknown", born(years=40), 120) == "normal"
    assert flag(owner, HAEMOGLOBIN, "other", born(years=40), 165) == "normal"
    assert flag(owner, HAEMOGLOBIN, "unknown", born(years=40), 70) == "critical_low"


def test_a_test_without_a_range_for_the_patient_has_no_flag(owner, acting_as, cast):
    # PSA is ranged for men from 40: a 30-year-old man has none
    assert flag(owner, "2857-1", "male", born(years=30), 2.0) is None
    assert flag(owner, "2857-1", "male", born(years=55), 3.5) == "high"
    # and Greta's PSA is stored without a flag or range
    psa = order(acting_as(cast.alice), cast, tests=["2857-1"])
    sample(acting_as(cast.bob), psa)
    assert result(acting_as(cast.bob), line(owner, psa, "2857-1"), 2.0)["flag"] is None


def test_a_childs_result_is_flagged_for_their_age_at_sampling(owner, acting_as, cast):
    # Lisa, eight years old, in the medical ward's care: potassium 5.3 is high for her
    today = datetime.now(LOCAL_TZ).date()
    birth = date(today.year - 8, 1, 15)
    lisa = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, 'Lisa', 'Lind', %s, 'female') RETURNING id",
        [number(birth.strftime("%Y%m%d"), "242"), birth],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Barnkonsult', %s)",
        [lisa, cast.unit_med, cast.alice],
    )
    child = order(acting_as(cast.alice), cast, patient=lisa)
    adult = order(acting_as(cast.alice), cast)
    for each in (child, adult):
        sample(acting_as(cast.bob), each)
    assert result(acting_as(cast.bob), line(owner, child, POTASSIUM), 5.3)["flag"] == "high"
    assert result(acting_as(cast.bob), line(owner, adult, POTASSIUM), 4.3)["flag"] == "normal"
    stored = owner.execute("SELECT ref_low, ref_high, unit FROM lab_result ORDER BY id LIMIT 1").fetchone()
    assert (float(stored["ref_low"]), float(stored["ref_high"]), stored["unit"]) == (3.5, 5.0, "mmol/L")
