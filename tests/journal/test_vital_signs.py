"""Vital signs: values outside physiological limits are typing errors and are
refused; BMI and NEWS2 are derived by the database and cannot be written."""

from decimal import Decimal

from tests.journal import given
from tests.journal.refusal import refused

ONLY_MEASURED_AT = {
    "systolic": None,
    "diastolic": None,
    "pulse": None,
    "temperature": None,
    "respiratory_rate": None,
    "spo2": None,
    "consciousness": None,
}


def vitals(conn, cast, **values) -> dict:
    row = given.clinical(conn, cast, "vital_signs", **values)
    return conn.execute("SELECT bmi, news2, news2_band FROM vital_signs WHERE id = %s", [row]).fetchone()


def test_values_outside_physiological_limits_are_refused(dr_alice, cast):
    for column, value in [
        ("systolic", 400),
        ("systolic", 39),
        ("diastolic", 19),
        ("pulse", 10),
        ("pulse", 301),
        ("temperature", 50),
        ("temperature", 24.9),
        ("spo2", 120),
        ("spo2", 49),
        ("respiratory_rate", 0),
        ("respiratory_rate", 81),
        ("weight_kg", 0),
        ("height_cm", 261),
    ]:
        constraint = f"vital_signs_{column.removesuffix('_kg').removesuffix('_cm')}_plausible"
        with refused("23514", constraint):
            given.clinical(dr_alice, cast, "vital_signs", **(ONLY_MEASURED_AT | {column: value}))
    assert given.value(dr_alice, "SELECT count(*) FROM vital_signs") == 0


def test_consciousness_is_one_of_acvpu(dr_alice, cast):
    with refused("23514", "vital_signs_consciousness_acvpu"):
        given.clinical(dr_alice, cast, "vital_signs", consciousness="a")


def test_systolic_must_exceed_diastolic(dr_alice, cast):
    for systolic, diastolic in [(80, 80), (70, 90)]:
        with refused("23514", "vital_signs_pressure_ordered"):
            given.clinical(dr_alice, cast, "vital_signs", systolic=systolic, diastolic=diastolic)


def test_a_set_with_nothing_measured_is_refused(dr_alice, cast):
    with refused("23514", "vital_signs_something_measured"):
        given.clinical(dr_alice, cast, "vital_signs", **ONLY_MEASURED_AT)
    with refused("23514", "vital_signs_something_measured"):
        given.clinical(dr_alice, cast, "vital_signs", **ONLY_MEASURED_AT, on_oxygen=True)


def test_measured_in_the_future_is_refused(dr_alice, cast):
    with refused("23514", "vital_signs_not_future"):
        given.clinical(dr_alice, cast, "vital_signs", measured_at="2999-01-01T00:00Z")


def test_bmi_is_computed_from_weight_and_height(dr_alice, cast):
    assert vitals(dr_alice, cast, weight_kg=70, height_cm=175)["bmi"] == Decimal("22.9")
    assert vitals(dr_alice, cast, weight_kg=3.5, height_cm=50)["bmi"] == Decimal("14.0")
    assert vitals(dr_alice, cast, weight_kg=70)["bmi"] is None


def test_derived_columns_cannot_be_written(dr_alice, owner, cast):
    for column, value in [("bmi", 10), ("news2", 0), ("news2_band", "low")]:
        with refused("428C9"):
            given.clinical(dr_alice, cast, "vital_signs", **{column: value})
    row = given.clinical(dr_alice, cast, "vital_signs")
    for conn in (dr_alice, owner):
        for column, value in [("bmi", 10), ("news2", 0), ("news2_band", "low")]:
            with refused("428C9"):
                conn.execute(f"UPDATE vital_signs SET {column} = %s WHERE id = %s", [value, row])


def test_correcting_a_measurement_recomputes_news2(dr_alice, cast):
    row = given.clinical(dr_alice, cast, "vital_signs")
    dr_alice.execute("UPDATE vital_signs SET respiratory_rate = 8 WHERE id = %s", [row])
    stored = dr_alice.execute("SELECT news2, news2_band FROM vital_signs WHERE id = %s", [row]).fetchone()
    assert stored == {"news2": 3, "news2_band": "low_medium"}


def test_weight_and_height_each_plausible_never_overflow_the_bmi(dr_alice, cast):
    with refused("23514"):  # refused by a named constraint the form can explain, not by an overflow
        given.clinical(
            dr_alice, cast, "vital_signs", **(ONLY_MEASURED_AT | {"weight_kg": 500, "height_cm": 20})
        )
