"""Overridden prescribing warnings and the stock, counted by hand.

Overrides (what, how often, per unit): Dr Alice prescribes paracetamol for
Greta from the medical unit, and later, working a shift on surgery, changes
the dose from there. The warnings overridden:

  medical unit, April 2026: dose 5, interaction 4, allergy 1
    → dose 5, interaction <5, allergy <5.
  medical unit, May 2026: dose 6 → 6.
  surgery, April 2026: duplicate 5, overridden with the change written
    from surgery → surgery's, not the unit that first prescribed.

The stock, as of today (T), per location:

  central pharmacy: five drugs with 10 units at 2.00 expiring T+30
    (value 100.00, 5 expiring), 20 units at 0.50 expiring T+400 (10.00),
    1 unit at 1.00 expiring exactly T+90 (1.00; not within 90 days), and
    five drugs whose every batch was wasted (5 out of stock, one of them a
    batch that would have expired at T+10, not counted as expiring)
    → value 111.00, expiring 5, stock-outs 5.
  medicine room of the medical unit: three batches of 4 units at 1.25
    expiring T+60 (15.00), 2 units at 3.00 that expired yesterday and are
    still on the shelf (6.00), 100 units at 0.10 expiring T+200 (10.00) of
    a drug whose other batch was used up (still in stock), and four drugs
    used up → value 31.00, expiring 4 (<5), stock-outs 4 (<5).
  medicine room of surgery: nothing → value 0.00, <5, <5.
"""

from datetime import date, timedelta

import pytest

from hms.core.clock import today
from tests.reports.conftest import refresh
from tests.reports.given import backdated, moment, rows

APRIL, MAY = date(2026, 4, 1), date(2026, 5, 1)


def _version(conn, cast, unit: int, *, based_on: int | None = None, prescription: int | None = None) -> dict:
    return conn.execute(
        "INSERT INTO prescription_version (prescription_id, based_on, patient_id, drug_id, change, care_unit_id, "
        "dose, dose_unit, route, schedule, times_of_day, starts_at) SELECT %s, %s, %s, d.id, %s, %s, %s, 'mg', "
        "'oral', 'times', '{08:00,20:00}', now() FROM drug AS d WHERE d.generic_name = 'Paracetamol' "
        "AND d.form = 'tablet' AND d.strength = 500 RETURNING prescription_id, id",
        [prescription, based_on, cast.greta_patient, "changed" if based_on else "prescribed", unit,
         1000 if based_on else 500],
    ).fetchone()  # fmt: skip


def _warnings(owner, cast, version: dict, kind: str, n: int, month: int) -> None:
    with backdated(owner):
        for i in range(n):
            owner.execute(
                "INSERT INTO prescription_warning (prescription_id, patient_id, version_id, kind, severity, "
                "subject, detail_en, detail_sv, override_reason, overridden_by, overridden_at) VALUES "
                "(%s, %s, %s, %s, 'moderate', 'Paracetamol', 'Checked', 'Kontrollerat', 'Bedömt och godtaget', "
                "%s, %s)",
                [version["prescription_id"], cast.greta_patient, version["id"], kind, cast.alice,
                 moment(month, 5 + i)],
            )  # fmt: skip


@pytest.fixture()
def overrides(owner, acting_as, cast):
    """Alice, of the medical unit, also works on surgery, where Greta is in care too."""
    owner.execute(
        "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [cast.alice, cast.unit_surg]
    )
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Konsult', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )
    alice = acting_as(cast.alice)
    first = _version(alice, cast, cast.unit_med)
    changed = _version(
        alice, cast, cast.unit_surg, based_on=first["id"], prescription=first["prescription_id"]
    )
    _warnings(owner, cast, first, "dose", 5, 4)
    _warnings(owner, cast, first, "interaction", 4, 4)
    _warnings(owner, cast, first, "allergy", 1, 4)
    _warnings(owner, cast, first, "dose", 6, 5)
    _warnings(owner, cast, changed, "duplicate", 5, 4)
    refresh(owner)


def override_cells(conn) -> dict:
    return {
        (r["care_unit_id"], r["month"], r["kind"]): r["overrides"]
        for r in rows(conn, "report_medication_override_month")
    }


def test_overridden_warnings_per_unit_month_and_kind(acting_as, cast, overrides):
    assert override_cells(acting_as(cast.adam)) == {
        (cast.unit_med, APRIL, "dose"): 5,
        (cast.unit_med, APRIL, "interaction"): None,
        (cast.unit_med, APRIL, "allergy"): None,
        (cast.unit_med, MAY, "dose"): 6,
        (cast.unit_surg, APRIL, "duplicate"): 5,
    }


def test_a_warning_overridden_on_another_unit_is_that_units(acting_as, cast, overrides, head_of_medicine):
    """The change written from surgery is surgery's override: the head of
    medicine does not read it as her unit's."""
    assert override_cells(acting_as(cast.alice)) == {
        (cast.unit_med, APRIL, "dose"): 5,
        (cast.unit_med, APRIL, "interaction"): None,
        (cast.unit_med, APRIL, "allergy"): None,
        (cast.unit_med, MAY, "dose"): 6,
    }


def _batch(
    owner, cast, drug: int, location: int, lot: str, days: int, cost: str, units: int, used: bool = False
):
    batch = owner.execute(
        "INSERT INTO stock_batch (drug_id, location_id, lot, expires_on, unit_cost) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        [drug, location, lot, today() + timedelta(days=days), cost],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO stock_ledger (batch_id, movement, quantity, reason, recorded_by) "
        "VALUES (%s, 'adjustment', %s, 'Stock count at go-live', %s)",
        [batch, units, cast.petra],
    )
    if used:
        owner.execute(
            "INSERT INTO stock_ledger (batch_id, movement, quantity, reason, recorded_by) "
            "VALUES (%s, 'wastage', %s, 'Destroyed, broken seal', %s)",
            [batch, -units, cast.petra],
        )


@pytest.fixture()
def stock(owner, cast) -> dict[str, int]:
    drugs = [r["id"] for r in owner.execute("SELECT id FROM drug ORDER BY id LIMIT 12").fetchall()]
    places = {
        name: owner.execute(
            "INSERT INTO stock_location (kind, name, care_unit_id) VALUES (%s, %s, %s) RETURNING id",
            [kind, name, unit],
        ).fetchone()["id"]
        for kind, name, unit in (
            ("pharmacy", "Central pharmacy", None),
            ("ward", "Medicine room, ward 12", cast.unit_med),
            ("ward", "Medicine room, surgery", cast.unit_surg),
        )
    }
    pharmacy, med = places["Central pharmacy"], places["Medicine room, ward 12"]
    for i in range(5):
        _batch(owner, cast, drugs[i], pharmacy, f"P{i}", 30, "2.00", 10)
    _batch(owner, cast, drugs[5], pharmacy, "P5", 400, "0.50", 20)
    _batch(owner, cast, drugs[5], pharmacy, "P5B", 90, "1.00", 1)
    _batch(owner, cast, drugs[6], pharmacy, "P6", 10, "3.00", 7, used=True)
    for i in range(7, 11):
        _batch(owner, cast, drugs[i], pharmacy, f"P{i}", 300, "1.00", 3, used=True)
    for i in range(3):
        _batch(owner, cast, drugs[i], med, f"M{i}", 60, "1.25", 4)
    with backdated(owner):  # received long ago: no receipt takes an expired batch
        _batch(owner, cast, drugs[3], med, "M3", -1, "3.00", 2)
        owner.execute("UPDATE stock_batch SET quantity = 2 WHERE lot = 'M3'")
    _batch(owner, cast, drugs[4], med, "M4", 200, "0.10", 100)
    _batch(owner, cast, drugs[4], med, "M4B", 100, "9.00", 5, used=True)
    for i in range(5, 9):
        _batch(owner, cast, drugs[i], med, f"M{i}", 100, "9.00", 5, used=True)
    refresh(owner)
    return places


def stock_cells(conn) -> dict:
    return {
        r["location"]: (str(r["stock_value"]), r["expiring_batches"], r["stock_outs"])
        for r in rows(conn, "report_medication_stock")
    }


def test_stock_value_expiring_batches_and_stock_outs(acting_as, cast, stock):
    assert stock_cells(acting_as(cast.adam)) == {
        "Central pharmacy": ("111.00", 5, 5),
        "Medicine room, ward 12": ("31.00", None, None),
        "Medicine room, surgery": ("0.00", None, None),
    }


def test_the_head_of_medicine_reads_her_units_medicine_room_only(acting_as, cast, stock, head_of_medicine):
    assert stock_cells(acting_as(cast.alice)) == {"Medicine room, ward 12": ("31.00", None, None)}
