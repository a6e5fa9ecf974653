"""Critical laboratory results per ordering unit and month, and the median
minutes until a doctor acknowledged them, counted by hand:

  medical unit, April 2026: 5 critical results (three critical_high, two
    critical_low), acknowledged after 10, 20, 30, 40, 50 min → 5 results,
    5 acknowledged, median 30. Two results flagged high (not critical),
    acknowledged after 1000 min, are not counted.
  medical unit, May 2026: 6 critical results, 5 acknowledged after 5, 7,
    9, 60, 120 min and one never → 6 results, median 9; the 5 acknowledged
    are withheld, since 6 less 5 would tell that 1 was not.
  surgery, April 2026: 4 critical results acknowledged after 1, 2, 3, 4
    min → <5 results, <5 acknowledged, no median.

Corrections (a correction is a new result superseding the first; only the
current result waits for acknowledgement):

  medical unit, June 2026: 5 critical results acknowledged after 10, 20,
    30, 40, 50 min; one critical result corrected to a high one before
    anyone acknowledged it (a sampling error: it never waited once
    corrected, and the correction is not critical) → not counted; one
    critical result acknowledged after 60 min and corrected afterwards →
    counted, it was answered. 6 results, 6 acknowledged, median 35.
"""

from datetime import date, datetime, timedelta

import pytest

from tests.reports.conftest import _patients, refresh
from tests.reports.given import backdated, minutes, moment, rows

POTASSIUM = "2823-3"
APRIL, MAY, JUNE = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)


def _result(
    owner,
    cast,
    patient: int,
    unit: int,
    doctor: int,
    at: datetime,
    flag: str,
    seen: timedelta | None,
    corrected: timedelta | None = None,
):
    """One potassium result of its own order, entered at `at`, acknowledged `seen` later (or never),
    and, `corrected` after `at`, superseded by a correction flagged high (not critical)."""
    order = owner.execute(
        "INSERT INTO lab_order (patient_id, care_unit_id, ordered_by, ordered_at, status, sampled_at, sampled_by) "
        "VALUES (%s, %s, %s, %s, 'sampled', %s, %s) RETURNING id",
        [patient, unit, doctor, at - timedelta(hours=2), at - timedelta(hours=1), cast.bob],
    ).fetchone()["id"]
    item = owner.execute(
        "INSERT INTO lab_order_item (order_id, patient_id, care_unit_id, loinc) VALUES (%s, %s, %s, %s) RETURNING id",
        [order, patient, unit, POTASSIUM],
    ).fetchone()["id"]
    value = {"critical_high": 7.1, "critical_low": 2.1, "high": 5.4}[flag]
    with backdated(owner):
        result = owner.execute(
            "INSERT INTO lab_result (item_id, patient_id, loinc, care_unit_id, value, unit, ref_low, ref_high, "
            "flag, entered_by, entered_at) VALUES (%s, %s, %s, %s, %s, 'mmol/L', 3.5, 5.0, %s, %s, %s) RETURNING id",
            [item, patient, POTASSIUM, unit, value, flag, cast.bob, at],
        ).fetchone()["id"]
        if seen is not None:
            owner.execute(
                "INSERT INTO lab_result_ack (result_id, patient_id, care_unit_id, acknowledged_by, acknowledged_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                [result, patient, unit, doctor, at + seen],
            )
        if corrected is not None:
            owner.execute(
                "INSERT INTO lab_result (item_id, patient_id, loinc, care_unit_id, value, unit, ref_low, ref_high, "
                "flag, supersedes, entered_by, entered_at) "
                "VALUES (%s, %s, %s, %s, 5.4, 'mmol/L', 3.5, 5.0, 'high', %s, %s, %s)",
                [item, patient, POTASSIUM, unit, result, cast.bob, at + corrected],
            )


@pytest.fixture()
def critical(owner, cast):
    patients = _patients(owner, 6)
    med, surg = cast.unit_med, cast.unit_surg
    april = ["critical_high"] * 3 + ["critical_low"] * 2
    for i, (flag, seen) in enumerate(zip(april, minutes(10, 20, 30, 40, 50), strict=True)):
        _result(owner, cast, patients[i], med, cast.alice, moment(4, 10 + i), flag, seen)
    for i in range(2):
        _result(owner, cast, patients[i], med, cast.alice, moment(4, 20 + i), "high", minutes(1000)[0])
    may = [*minutes(5, 7, 9, 60, 120), None]
    for i, seen in enumerate(may):
        flag = "critical_low" if i == 0 else "critical_high"
        _result(owner, cast, patients[i], med, cast.alice, moment(5, 10 + i), flag, seen)
    for i, seen in enumerate(minutes(1, 2, 3, 4)):
        _result(owner, cast, patients[i], surg, cast.charlie, moment(4, 12 + i), "critical_high", seen)
    for i, seen in enumerate(minutes(10, 20, 30, 40, 50)):
        _result(owner, cast, patients[i], med, cast.alice, moment(6, 10 + i), "critical_high", seen)
    _result(owner, cast, patients[5], med, cast.alice, moment(6, 20), "critical_high", None, minutes(15)[0])
    _result(owner, cast, patients[5], med, cast.alice, moment(6, 21), "critical_low", *minutes(60, 90))
    refresh(owner)


def figures(conn) -> dict:
    return {
        (r["care_unit_id"], r["month"]): (
            r["critical_results"],
            r["acknowledged"],
            r["median_minutes_to_ack"],
        )
        for r in rows(conn, "report_clinical_critical_month")
    }


def test_critical_results_and_the_minutes_to_their_acknowledgement(acting_as, cast, critical):
    assert figures(acting_as(cast.adam)) == {
        (cast.unit_med, APRIL): (5, 5, 30),
        (cast.unit_med, MAY): (6, None, 9),
        (cast.unit_med, JUNE): (6, 6, 35),
        (cast.unit_surg, APRIL): (None, None, None),
    }


def test_the_head_of_medicine_reads_her_units_critical_results_only(
    acting_as, cast, critical, head_of_medicine
):
    assert figures(acting_as(cast.alice)) == {
        (cast.unit_med, APRIL): (5, 5, 30),
        (cast.unit_med, MAY): (6, None, 9),
        (cast.unit_med, JUNE): (6, 6, 35),
    }
