"""The NEWS2 figure's time to the next set, and the chapters beside their
codes, counted by hand (0042 finds them by index and materialises the
chapters; the figures must not move).

Five patients on the medical unit each have a red set (respiratory rate
25) on 31 May 2026 at 23:00, Stockholm time; then a weight alone at 23:10
(no NEWS2: not a scored set), a scored set at 23:20 entered in error (not
counted), and their next set at 00:30 on 1 June, on the surgical unit. So
in May the medical unit has 5 scored sets, all red, followed after a
median of 90 minutes: the next set is the patient's, wherever and in
whichever month it was measured. In June surgery has 5 sets, none red."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.db.pnr import number
from tests.reports.conftest import VITALS, refresh

TZ = ZoneInfo("Europe/Stockholm")
RED_AT = datetime(2026, 5, 31, 23, 0, tzinfo=TZ)


@pytest.fixture()
def red_sets_at_midnight(owner, cast) -> list[int]:
    patients = [
        owner.execute(
            "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
            "VALUES (%s, %s, 'Nattsson', %s, 'male') RETURNING id",
            [number(f"1960020{i + 1}", "31" + str(i)), f"Natt{i + 1}", f"1960-02-0{i + 1}"],
        ).fetchone()["id"]
        for i in range(5)
    ]
    for p in patients:
        owner.execute(VITALS, [p, cast.unit_med, RED_AT, 25, cast.bob])
        owner.execute(
            "INSERT INTO vital_signs (patient_id, care_unit_id, measured_at, weight_kg, recorded_by) "
            "VALUES (%s, %s, %s, 81.5, %s)",
            [p, cast.unit_med, datetime(2026, 5, 31, 23, 10, tzinfo=TZ), cast.bob],
        )
        owner.execute(
            "INSERT INTO vital_signs (patient_id, care_unit_id, measured_at, respiratory_rate, spo2, on_oxygen, "
            "systolic, pulse, consciousness, temperature, recorded_by, entered_in_error_at, "
            "entered_in_error_reason) VALUES (%s, %s, %s, 16, 97, false, 120, 70, 'A', 37.0, %s, %s, "
            "'Fel patient vald')",
            [
                p,
                cast.unit_med,
                datetime(2026, 5, 31, 23, 20, tzinfo=TZ),
                cast.bob,
                datetime(2026, 6, 1, 8, tzinfo=TZ),
            ],
        )
        owner.execute(VITALS, [p, cast.unit_surg, datetime(2026, 6, 1, 0, 30, tzinfo=TZ), 16, cast.bob])
    refresh(owner)
    return patients


def news2(conn, unit: int, month: date) -> tuple:
    row = conn.execute(
        "SELECT scored_sets, red_sets, median_minutes_to_next FROM report_clinical_news2_month "
        "WHERE care_unit_id = %s AND month = %s",
        [unit, month],
    ).fetchone()
    return (row["scored_sets"], row["red_sets"], row["median_minutes_to_next"])


def test_the_next_set_is_the_patients_next_scored_one_wherever_and_whenever(
    acting_as, cast, red_sets_at_midnight
):
    adam = acting_as(cast.adam)
    assert news2(adam, cast.unit_med, date(2026, 5, 1)) == (5, 5, 90)
    assert news2(adam, cast.unit_surg, date(2026, 6, 1)) == (5, None, None)


def test_the_plain_view_asked_for_a_period_gives_the_materialised_cells(owner, cast, red_sets_at_midnight):
    columns = "care_unit_id, month, scored_sets, red_sets, median_minutes_to_next, red_followed"
    period = "WHERE month >= '2026-05-01'"
    live = owner.execute(f"SELECT {columns} FROM reporting.clinical_news2_month_live {period} ORDER BY 1, 2")
    stored = owner.execute(f"SELECT {columns} FROM reporting.clinical_news2_month {period} ORDER BY 1, 2")
    assert live.fetchall() == stored.fetchall()
    may = owner.execute(
        "SELECT red_followed FROM reporting.clinical_news2_month WHERE care_unit_id = %s AND month = '2026-05-01'",
        [cast.unit_med],
    ).fetchone()
    assert may["red_followed"] == 5


def test_a_chapter_is_refreshed_after_the_codes_it_totals_and_agrees_with_them(
    acting_as, owner, cast, history
):
    # Chapter IV held E11.9 seven times and E10.9 once: withheld. Four more
    # E10.9 make it 5, shown, and the chapter 12, shown, in the same refresh.
    for p in history.patients[:4]:
        owner.execute(
            "INSERT INTO diagnosis (patient_id, care_unit_id, code, recorded_by, recorded_at) "
            "VALUES (%s, %s, 'E10.9', %s, '2026-03-12 09:00+01')",
            [p, cast.unit_med, cast.alice],
        )
    refresh(owner)
    stamps = {
        r["figure"]: r["refreshed_at"]
        for r in owner.execute("SELECT figure, refreshed_at FROM report_refresh")
    }
    assert stamps["clinical_chapter_month"] > stamps["clinical_diagnosis_month"]
    adam = acting_as(cast.adam)
    codes = {
        r["code"]: r["diagnoses"]
        for r in adam.execute(
            "SELECT code, diagnoses FROM report_clinical_diagnosis_month WHERE chapter = 'IV'"
        )
    }
    chapter = adam.execute(
        "SELECT diagnoses FROM report_clinical_chapter_month WHERE chapter = 'IV'"
    ).fetchone()
    assert codes == {"E11.9": 7, "E10.9": 5}
    assert chapter["diagnoses"] == 12
