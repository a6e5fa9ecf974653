"""Each figure against the history counted by hand in conftest.py, read as
the administrator through the report views, suppression applied."""

from datetime import date
from decimal import Decimal

import pytest

from tests.reports.conftest import D

DAY = D.date()


@pytest.fixture()
def adam(acting_as, cast, history):
    return acting_as(cast.adam)


def rows(conn, view: str, where: str = "", params=()) -> list[dict]:
    return conn.execute(f"SELECT * FROM {view} {where}", params).fetchall()  # noqa: S608 - the tests' own names


def test_flow_per_ward_and_day(adam, cast):
    cells = {
        r["day"]: r
        for r in rows(
            adam,
            "report_flow_ward_day",
            "WHERE care_unit_id = %s AND day < %s",
            [cast.unit_med, date(2026, 3, 20)],
        )
    }
    assert sorted(cells) == [DAY, date(2026, 3, 11), date(2026, 3, 12)]
    first, second, third = (cells[d] for d in sorted(cells))
    assert (first["admitted"], first["discharged"], first["occupied"], first["beds"]) == (6, None, 6, 8)
    assert first["occupancy_pct"] == Decimal("75.0")
    assert (second["admitted"], second["discharged"], second["occupied"]) == (None, None, 5)
    assert second["occupancy_pct"] == Decimal("62.5")
    assert (third["discharged"], third["occupied"], third["occupancy_pct"]) == (5, None, None)


def test_discharges_length_of_stay_and_readmissions_per_unit_and_month(adam, cast):
    med = rows(adam, "report_flow_unit_month", "WHERE care_unit_id = %s", [cast.unit_med])
    assert [(r["month"], r["discharges"], r["mean_stay_days"], r["readmissions"]) for r in med] == [
        (date(2026, 3, 1), None, Decimal("1.9"), None)
    ]
    # Six discharges, but the wards' days show five of them and suppress one
    # day: six would give that day's one away, so the month is withheld.
    surgery = rows(adam, "report_flow_unit_month", "WHERE care_unit_id = %s", [cast.unit_surg])
    assert [(r["discharges"], r["mean_stay_days"]) for r in surgery] == [(None, None)]


def test_diagnoses_per_code_with_small_counts_suppressed_and_errors_left_out(adam, cast):
    by_code = {r["code"]: r["diagnoses"] for r in rows(adam, "report_clinical_diagnosis_month")}
    assert by_code == {"I10": 6, "J18.9": None, "J44.9": None, "E11.9": 7, "E10.9": None, "K35.8": None}


def test_a_chapter_total_is_withheld_when_it_would_give_a_hidden_code_away(adam):
    by_chapter = {r["chapter"]: r["diagnoses"] for r in rows(adam, "report_clinical_chapter_month")}
    # IX: I10 alone, shown. X: 2 + 3 hidden, total 5 leaves each open (1+4, 2+3, …): shown.
    # IV: 7 shown + 1 hidden: 8 would give the 1 away: withheld. XI: 1 in all: suppressed.
    assert by_chapter == {"IX": 6, "X": 5, "IV": None, "XI": None}


def test_news2_red_sets_and_the_time_to_the_next_set(adam, cast):
    med = rows(adam, "report_clinical_news2_month", "WHERE care_unit_id = %s", [cast.unit_med])
    assert [(r["scored_sets"], r["red_sets"], r["median_minutes_to_next"]) for r in med] == [(10, 5, 60)]
    surgery = rows(adam, "report_clinical_news2_month", "WHERE care_unit_id = %s", [cast.unit_surg])
    assert [(r["scored_sets"], r["red_sets"], r["median_minutes_to_next"]) for r in surgery] == [
        (None, None, None)
    ]


def test_procedures_per_code(adam):
    found = {
        (r["code"], r["is_surgery"]): r["procedures"] for r in rows(adam, "report_clinical_procedure_month")
    }
    assert found == {("TJK10", False): 5, ("", False): None}


def test_waiting_time_to_the_first_visit_and_the_care_guarantee(adam, cast):
    med = rows(adam, "report_access_wait_month", "WHERE care_unit_id = %s", [cast.unit_med])
    assert [(r["month"], r["first_visits"], r["median_wait_days"], r["within_90_days_pct"]) for r in med] == [
        (date(2026, 3, 1), 6, Decimal("31.0"), None)
    ]


def test_attendance_and_appointments_per_clinician(adam, cast):
    attendance = rows(adam, "report_access_attendance_month", "WHERE care_unit_id = %s", [cast.unit_med])
    assert [(r["attended"], r["no_shows"], r["no_show_pct"]) for r in attendance] == [(6, None, None)]
    per_clinician = {r["clinician"]: r["appointments"] for r in rows(adam, "report_access_clinician_month")}
    assert per_clinician == {"Dr Alice Andersson": 8, "Bob Berg": None}


def test_new_prescriptions_per_atc_group(adam, cast):
    counts = sorted(
        (r["prescriptions"] or 0)
        for r in rows(adam, "report_medication_atc_month", "WHERE care_unit_id = %s", [cast.unit_med])
    )
    assert counts == [0, 5]  # the group prescribed twice reads <5 (None), the other 5


def test_care_requests_and_how_soon_they_are_answered(adam, cast):
    found = rows(adam, "report_communication_request_month", "WHERE care_unit_id = %s", [cast.unit_med])
    assert [
        (r["month"], r["kind"], r["requests"], r["answered"], r["median_hours_to_answer"]) for r in found
    ] == [(date(2026, 2, 1), "booking", 6, None, None)]


def test_referrals_received_and_how_soon_they_are_decided(adam, cast):
    found = rows(adam, "report_communication_referral_month", "WHERE care_unit_id = %s", [cast.unit_med])
    assert [
        (r["urgency"], r["referrals"], r["decided"], r["median_hours_to_decision"], r["within_target_pct"])
        for r in found
    ] == [("routine", 5, 5, Decimal("24.0"), None)]
