"""A day is a day in Stockholm: the timeline's date filter and the pages count
days from Stockholm midnight, also across a change to or from summer time,
and one measurement shows the same local time on the chart and the vitals page."""

from datetime import date

import pytest

from hms.db.queries import load
from tests.conftest import login
from tests.journal import given

q = load("journal")
NO_FILTERS = dict(kind=None, author_id=None, care_unit_id=None, code=None, text=None,
                  before_at=None, before_kind=None, before_id=None)  # fmt: skip

# Summer time began in Sweden on 29 March 2026 at 02:00 (CET, UTC+1 -> CEST, UTC+2).
JUST_AFTER_MIDNIGHT_ON_THE_29TH = "2026-03-28T23:30:00+00"  # 00:30 CET on the 29th
JUST_AFTER_MIDNIGHT_ON_THE_30TH = "2026-03-29T22:30:00+00"  # 00:30 CEST on the 30th
JUST_BEFORE_MIDNIGHT_ON_THE_29TH = "2026-03-29T21:30:00+00"  # 23:30 CEST on the 29th


@pytest.fixture()
def measurements(owner, cast) -> dict[str, int]:
    return {
        at: given.clinical(owner, cast, "vital_signs", measured_at=at)
        for at in (
            JUST_AFTER_MIDNIGHT_ON_THE_29TH,
            JUST_BEFORE_MIDNIGHT_ON_THE_29TH,
            JUST_AFTER_MIDNIGHT_ON_THE_30TH,
        )
    }


def vitals_on(conn, cast, day: date) -> list[int]:
    rows = q.timeline(conn, patient_id=cast.greta_patient, limit=50, from_date=day, to_date=day, **NO_FILTERS)
    return sorted(r["id"] for r in rows if r["kind"] == "vitals")


def test_the_day_of_the_spring_change_holds_what_was_measured_on_it_in_stockholm(
    acting_as, cast, measurements
):
    alice = acting_as(cast.alice)
    assert vitals_on(alice, cast, date(2026, 3, 29)) == sorted(
        [measurements[JUST_AFTER_MIDNIGHT_ON_THE_29TH], measurements[JUST_BEFORE_MIDNIGHT_ON_THE_29TH]]
    )
    assert vitals_on(alice, cast, date(2026, 3, 28)) == []
    assert vitals_on(alice, cast, date(2026, 3, 30)) == [measurements[JUST_AFTER_MIDNIGHT_ON_THE_30TH]]


def test_the_database_knows_a_stockholm_day_begins_at_local_midnight(owner):
    row = owner.execute(
        "SELECT hms_day_start('2026-03-29') AS spring, hms_day_start('2026-03-30') AS after, "
        "hms_day_start('2026-10-25') AS autumn, hms_day_start('2026-10-26') AS after_autumn"
    ).fetchone()
    assert (row["after"] - row["spring"]).total_seconds() == 23 * 3600
    assert (row["after_autumn"] - row["autumn"]).total_seconds() == 25 * 3600


def test_one_measurement_shows_the_same_local_time_on_the_chart_and_the_vitals_page(
    client, cast, measurements
):
    login(client, "alice")
    chart = client.get(f"/patients/{cast.greta_patient}/journal").text
    vitals = client.get(f"/patients/{cast.greta_patient}/journal/vitals").text
    # The latest measurement, 22:30 UTC on 29 March, is 00:30 on the 30th in Stockholm.
    assert "2026-03-30 00:30" in chart
    assert "2026-03-30 00:30" in vitals
    assert "22:30" not in chart
