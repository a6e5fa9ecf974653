"""Red team, round three: the reports, the ranked patient search, the
identity row written in place and the keys that carry patient_id, attacked
with raw SQL as hms_app (and through the pages). Each test is an attack; it
passes when the attack fails.

The reports' history is the hand-counted one of tests/reports/conftest.py:
on Ward 12 one patient is discharged on D+1 (a count below 5, suppressed)
and five on D+2; the medical unit discharges six in March."""

from tests.reports.conftest import D, at, head_of_medicine, history  # noqa: F401  (the history and its fixtures)


def test_a_suppressed_days_discharges_are_not_the_months_less_the_shown_days(
    acting_as,
    cast,
    history,  # noqa: F811
    head_of_medicine,  # noqa: F811
):
    """A head of department reads the unit's discharges in March and every
    shown day's discharges on its wards: the month less the shown days must
    not give away the suppressed day's count."""
    head = acting_as(cast.alice)
    month = head.execute(
        "SELECT discharges FROM report_flow_unit_month WHERE care_unit_id = %s AND month = %s",
        [cast.unit_med, D.date().replace(day=1)],
    ).fetchone()
    days = head.execute(
        "SELECT day, discharged FROM report_flow_ward_day WHERE care_unit_id = %s "
        "AND date_trunc('month', day) = %s",
        [cast.unit_med, D.date().replace(day=1)],
    ).fetchall()
    hidden = [r for r in days if r["discharged"] is None and r["day"] == at(1, 0).date()]
    assert hidden, "the day with one discharge is suppressed"
    shown = sum(r["discharged"] for r in days if r["discharged"] is not None)
    # The suppressed day discharged one patient: the month must not say so.
    assert month["discharges"] is None or month["discharges"] - shown != 1
