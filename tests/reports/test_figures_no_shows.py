"""The no-show rate, and the rule that keeps the appointments per clinician
from giving a suppressed attendance count away, counted by hand.

A unit's appointments per clinician (booked, attended or missed) add up to
its attended, its no-shows and those still booked: two splits of the same
appointments. Every month below is settled (nothing still booked) on the
medical unit; "A" is an appointment attended, "N" one missed.

  April: Alice 10A 3N = 13, Bob 5A 2N = 7 → attended 15, no-shows 5, rate
    5 / 20 = 25.0 %; clinicians 13 and 7. Nothing is suppressed.
  May: Alice 10A 2N = 12, Bob 2N → attended 10, no-shows <5; clinicians 12
    and <5. A reader gets 12 + Bob = 10 + no-shows, Bob 1 to 4: no-shows 3
    or 4, open. Everything is shown as usual.
  June: Alice 10A 4N = 14 → attended 10, no-shows <5; 14 less 10 would be
    the 4: the month's clinicians are left out.
  July: Alice 10A 3N = 13, Bob 1N → 13 + Bob = 10 + no-shows with Bob at
    least 1 gives no-shows at least 4, so exactly 4: clinicians left out,
    attended 10 stays.
  August: Alice 3A 6N = 9 → no-shows 6 shown, attended <5; 9 less 6 would
    be the 3: clinicians left out.
  September: Alice 5A 5N = 10, Bob 3A → attended 8, no-shows 5, rate
    5 / 13 = 38.5 %; 8 + 5 less Alice's 10 would be Bob's 3: clinicians
    left out.
  October: nine clinicians with one appointment each, five attended and
    four missed → attended 5, no-shows <5, every clinician <5. Nine
    clinicians with at least one each is at least 9 = 5 + no-shows: 4, so
    even suppressed cells would tell it: the clinicians are left out, not
    just their counts.

Leaving a month's clinicians out leaves the attendance alone, which
no other figure adds up.
"""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.access.conftest import browser  # noqa: F401  (the pages' fixture)
from tests.cast import password_hash
from tests.reports.conftest import TZ, _appointment, _patients, refresh
from tests.reports.given import rows

PLANS = {
    4: {"alice": "A" * 10 + "N" * 3, "bob": "A" * 5 + "N" * 2},
    5: {"alice": "A" * 10 + "N" * 2, "bob": "NN"},
    6: {"alice": "A" * 10 + "N" * 4},
    7: {"alice": "A" * 10 + "N" * 3, "bob": "N"},
    8: {"alice": "AAA" + "N" * 6},
    9: {"alice": "A" * 5 + "N" * 5, "bob": "AAA"},
    10: {f"locum{i}": "A" if i < 5 else "N" for i in range(9)},
}

# month: (attended, no-shows, rate), {clinician: appointments}
EXPECTED = {
    4: ((15, 5, Decimal("25.0")), {"Dr Alice Andersson": 13, "Bob Berg": 7}),
    5: ((10, None, None), {"Dr Alice Andersson": 12, "Bob Berg": None}),
    6: ((10, None, None), {}),
    7: ((10, None, None), {}),
    8: ((None, 6, None), {}),
    9: ((8, 5, Decimal("38.5")), {}),
    10: ((5, None, None), {}),
}


@pytest.fixture()
def appointments(owner, cast):
    for i in range(9):
        cast.ids[f"locum{i}"] = owner.execute(
            "INSERT INTO app_user (username, password_hash, role, full_name) "
            "VALUES (%s, %s, 'nurse', %s) RETURNING id",
            [f"locum{i}", password_hash(), f"Locum {i}"],
        ).fetchone()["id"]
    patients = _patients(owner, 6)
    kind = owner.execute(
        "INSERT INTO appointment_type (care_unit_id, name, duration_minutes, mode, patient_bookable) "
        "VALUES (%s, 'Återbesök', 30, 'in_person', true) RETURNING id",
        [cast.unit_med],
    ).fetchone()["id"]
    for month, plan in PLANS.items():
        for c, (who, outcomes) in enumerate(plan.items()):
            for i, outcome in enumerate(outcomes):
                start = datetime(2026, month, 1 + i, 8, tzinfo=TZ) + timedelta(minutes=30 * c)
                status = "arrived" if outcome == "A" else "no_show"
                _appointment(owner, cast, kind, patients[i % 6], cast.ids[who], start, status)
    refresh(owner)


def month_cells(conn, month: int) -> tuple[tuple, dict]:
    first = date(2026, month, 1)
    (attendance,) = rows(conn, "report_access_attendance_month", "WHERE month = %s", [first])
    clinicians = rows(conn, "report_access_clinician_month", "WHERE month = %s", [first])
    return (
        (attendance["attended"], attendance["no_shows"], attendance["no_show_pct"]),
        {r["clinician"]: r["appointments"] for r in clinicians},
    )


@pytest.mark.parametrize("month", sorted(PLANS))
def test_no_shows_and_appointments_per_clinician(acting_as, cast, appointments, month):
    assert month_cells(acting_as(cast.adam), month) == EXPECTED[month]


@pytest.mark.parametrize("month", [4, 6, 9])
def test_the_head_of_medicine_reads_the_same(acting_as, cast, appointments, head_of_medicine, month):
    assert month_cells(acting_as(cast.alice), month) == EXPECTED[month]


def solutions(attended, no_shows, shown: int, hidden: int, top: int) -> set[tuple[int, int, int]]:
    """Every (attended, no-shows, hidden clinicians' sum) that fits what is
    shown, a suppressed attendance count being 0 to `top` and a suppressed
    clinician's count 1 to `top`; every month here is settled."""
    fits = set()
    for a in [attended] if attended is not None else range(top + 1):
        for n in [no_shows] if no_shows is not None else range(top + 1):
            rest = a + n - shown
            if rest == 0 if hidden == 0 else hidden <= rest <= top * hidden:
                fits.add((a, n, rest))
    return fits


@pytest.mark.parametrize("month", sorted(PLANS))
def test_no_suppressed_count_follows_from_the_two_splits(acting_as, cast, appointments, month):
    """A reader of both figures takes a suppressed cell for 1 to 4 (0 to 4
    for attendance); if nothing fits, some cell was withheld and may be
    more. Then each suppressed count must still have two values that fit
    (or be none at all), and so must the suppressed clinicians' cells."""
    (attended, no_shows, _), clinicians = month_cells(acting_as(cast.adam), month)
    if not clinicians:
        return  # the attendance alone: nothing to set it against
    shown = sum(v for v in clinicians.values() if v is not None)
    hidden = sum(1 for v in clinicians.values() if v is None)
    top = 4
    fits = solutions(attended, no_shows, shown, hidden, top)
    if not fits:
        top = 60
        fits = solutions(attended, no_shows, shown, hidden, top)
    assert fits, "the true figures fit"
    for index, value in enumerate((attended, no_shows)):
        if value is None:
            values = {f[index] for f in fits}
            assert len(values) >= 2 or values == {0}, values
    sums = {f[2] for f in fits}
    if hidden == 1:
        assert len(sums) >= 2, sums
    elif hidden > 1:
        assert sums not in ({hidden}, {top * hidden}), sums


@pytest.mark.parametrize(
    ("month", "attended", "no_shows", "clinicians"), [(4, "15", "5", 2), (6, "10", "<5", 0)]
)
def test_the_downloads_write_what_the_views_give(
    browser,  # noqa: F811
    appointments,
    month,
    attended,
    no_shows,
    clinicians,
):
    """The CSVs of the access report: in April both figures whole; in June
    the attendance with its no-shows "<5", and no clinician at all."""
    adam = browser("adam")
    period = f"from_day=2026-{month:02}-01&to_day=2026-{month:02}-28"
    sheets = {}
    for figure in ("access_attendance_month", "access_clinician_month"):
        response = adam.get(f"/reports/access/{figure}.csv?{period}")
        assert response.status_code == 200
        sheets[figure] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    ((*_, shown_attended, shown_no_shows, _rate),) = sheets["access_attendance_month"]
    assert (shown_attended, shown_no_shows) == (attended, no_shows)
    assert len(sheets["access_clinician_month"]) == clinicians
