"""The pharmacy's rules, attacked with plain SQL through the app's role as the
cast: Petra the pharmacist, Nurse Bob and Dr Alice on the medical ward, Dr
Charlie on surgery, Rita at reception and Adam the administrator. Every
attempt must fail and leave the stock as it was."""

import json

import pytest

from tests.db.expect import refused
from tests.pharmacy import given


@pytest.fixture()
def stocked(acting_as, cast, room) -> dict[str, int]:
    """Petra has received 20 tablets of paracetamol; Greta has an approved prescription."""
    petra = acting_as(cast.petra, "pharmacist")
    batch = given.receive(petra, room.paracetamol, 20)
    return {"batch": batch, "prescription": given.prescription(acting_as, cast, room.paracetamol)}


# The batch and its ledger --------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE stock_batch SET quantity = 1000 WHERE id = %(b)s",
        "UPDATE stock_batch SET expires_on = expires_on + 365 WHERE id = %(b)s",
        "INSERT INTO stock_batch (drug_id, location_id, lot, expires_on, unit_cost, quantity) "
        "SELECT drug_id, location_id, 'X1', expires_on, 1, 500 FROM stock_batch WHERE id = %(b)s",
        "DELETE FROM stock_batch WHERE id = %(b)s",
        "INSERT INTO stock_ledger (batch_id, movement, quantity, reason, recorded_by) "
        "VALUES (%(b)s, 'adjustment', 100, 'Found more', %(u)s)",
        "UPDATE stock_ledger SET quantity = 100 WHERE batch_id = %(b)s",
        "DELETE FROM stock_ledger WHERE batch_id = %(b)s",
        "TRUNCATE stock_ledger",
        "UPDATE stock_dispense SET quantity = 1",
        "INSERT INTO stock_dispense (prescription_id, patient_id, care_unit_id, quantity, dispensed_by) "
        "SELECT id, patient_id, care_unit_id, 1, %(u)s FROM prescription",
        "INSERT INTO ward_order (location_id, requested_by) SELECT id, %(u)s FROM stock_location",
        "UPDATE ward_order SET status = 'delivered'",
        "INSERT INTO stock_receipt (location_id, supplier, received_by) SELECT id, 'Me', %(u)s FROM stock_location",
    ],
)
def test_the_pharmacist_cannot_write_stock_except_through_its_functions(
    acting_as, owner, cast, stocked, statement
):
    before = given.balances(owner)
    refused(acting_as(cast.petra), statement, {"b": stocked["batch"], "u": cast.petra}, sqlstate="42501")
    assert given.balances(owner) == before


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE stock_batch SET quantity = 1000 WHERE id = %(b)s", "stock_batch_quantity_from_ledger"),
        ("UPDATE stock_batch SET lot = 'OTHER' WHERE id = %(b)s", "stock_batch_fixed"),
        ("UPDATE stock_ledger SET quantity = 100 WHERE batch_id = %(b)s", "stock_ledger_append_only"),
        ("DELETE FROM stock_ledger WHERE batch_id = %(b)s", "stock_ledger_append_only"),
        ("TRUNCATE stock_ledger CASCADE", "stock_ledger_append_only"),
        ("DELETE FROM stock_batch WHERE id = %(b)s", "stock_batch_fixed"),
        ("DELETE FROM stock_dispense", None),
        ("UPDATE stock_receipt_line SET quantity = 1", "stock_receipt_line_append_only"),
    ],
)
def test_not_even_the_owner_rewrites_stock_history_by_mistake(owner, cast, stocked, statement, constraint):
    before = given.balances(owner)
    if constraint is None:
        owner.execute(statement)  # nothing to delete yet: no dispense was made
    else:
        refused(owner, statement, {"b": stocked["batch"]}, constraint=constraint)
    assert given.balances(owner) == before


def test_a_batch_starts_empty_even_for_the_owner(owner, cast, room):
    refused(
        owner,
        "INSERT INTO stock_batch (drug_id, location_id, lot, expires_on, unit_cost, quantity) "
        "VALUES (%s, %s, 'X1', current_date + 30, 1, 50)",
        [room.paracetamol, room.pharmacy],
        constraint="stock_batch_quantity_from_ledger",
    )


def test_the_ledger_refuses_a_movement_that_would_take_a_batch_below_zero(owner, cast, stocked):
    refused(
        owner,
        "INSERT INTO stock_ledger (batch_id, movement, quantity, reason, recorded_by) "
        "VALUES (%s, 'wastage', -21, 'Broken bottle', %s)",
        [stocked["batch"], cast.petra],
        constraint="stock_batch_quantity_nonnegative",
    )
    assert given.balances(owner) == [(stocked["batch"], 20, 20)]


def test_a_ledger_row_names_the_verified_user_not_the_one_handed_in(acting_as, owner, cast, stocked):
    petra = acting_as(cast.petra)
    petra.execute("SELECT stock_waste(%s, 2, 'Dropped on the floor')", [stocked["batch"]])
    row = owner.execute(
        "SELECT recorded_by, quantity FROM stock_ledger WHERE movement = 'wastage'"
    ).fetchone()
    assert row == {"recorded_by": cast.petra, "quantity": -2}


# Dispensing ----------------------------------------------------------------------------------

DISPENSE = "SELECT pharmacy_dispense(%s, %s) AS id"


@pytest.mark.parametrize("who", ["bob", "alice", "rita", "adam"])
def test_only_a_pharmacist_dispenses(acting_as, owner, cast, stocked, who):
    refused(
        acting_as(getattr(cast, who)),
        DISPENSE,
        [stocked["prescription"], 1],
        constraint="stock_by_pharmacist",
    )
    assert given.balances(owner) == [(stocked["batch"], 20, 20)]


def test_nobody_dispenses_without_a_verified_user(app_conn, owner, stocked):
    refused(app_conn, DISPENSE, [stocked["prescription"], 1], constraint="stock_by_pharmacist")


def test_a_prescription_not_yet_approved_is_not_dispensed(acting_as, owner, cast, room):
    given.receive(acting_as(cast.petra), room.paracetamol, 20)
    pending = given.prescription(acting_as, cast, room.paracetamol, approve=False)
    refused(acting_as(cast.petra), DISPENSE, [pending, 1], constraint="stock_dispense_prescription_approved")


def test_a_discontinued_prescription_is_not_dispensed(acting_as, owner, cast, stocked):
    given.discontinue(acting_as, cast, stocked["prescription"])
    refused(
        acting_as(cast.petra),
        DISPENSE,
        [stocked["prescription"], 1],
        constraint="stock_dispense_prescription_active",
    )
    assert owner.execute("SELECT count(*) AS n FROM stock_dispense").fetchone()["n"] == 0


@pytest.mark.parametrize("quantity", [0, -5])
def test_a_dispense_of_nothing_or_less_is_refused(acting_as, owner, cast, stocked, quantity):
    refused(
        acting_as(cast.petra),
        DISPENSE,
        [stocked["prescription"], quantity],
        constraint="stock_dispense_quantity_positive",
    )


def test_more_than_is_in_stock_is_not_dispensed_and_nothing_leaves(acting_as, owner, cast, room, stocked):
    second = given.receive(acting_as(cast.petra), room.paracetamol, 5, days=400, lot="L2")
    exc = refused(
        acting_as(cast.petra), DISPENSE, [stocked["prescription"], 26], constraint="stock_batch_enough_stock"
    )
    assert "25 of 26" in str(exc)
    assert given.balances(owner) == [(stocked["batch"], 20, 20), (second, 5, 5)]
    assert owner.execute("SELECT count(*) AS n FROM stock_dispense").fetchone()["n"] == 0


def test_an_expired_batch_is_never_dispensed(acting_as, owner, cast, room):
    old = given.expired_batch(owner, room.paracetamol, room.pharmacy, 100, cast.petra)
    prescription = given.prescription(acting_as, cast, room.paracetamol)
    refused(acting_as(cast.petra), DISPENSE, [prescription, 1], constraint="stock_batch_enough_stock")
    fresh = given.receive(acting_as(cast.petra), room.paracetamol, 3)
    acting_as(cast.petra).execute(DISPENSE, [prescription, 3])
    assert given.balances(owner) == [(old, 100, 100), (fresh, 0, 0)]


def test_dispensing_takes_the_batch_that_expires_first_then_the_next(acting_as, owner, cast, room):
    petra = acting_as(cast.petra)
    late = given.receive(petra, room.paracetamol, 10, days=300, lot="LATE")
    early = given.receive(petra, room.paracetamol, 4, days=40, lot="EARLY")
    middle = given.receive(petra, room.paracetamol, 5, days=100, lot="MID")
    prescription = given.prescription(acting_as, cast, room.paracetamol)
    dispense = petra.execute(DISPENSE, [prescription, 7]).fetchone()["id"]
    taken = owner.execute(
        "SELECT batch_id, quantity FROM stock_ledger WHERE dispense_id = %s ORDER BY id", [dispense]
    ).fetchall()
    assert [(r["batch_id"], r["quantity"]) for r in taken] == [(early, -4), (middle, -3)]
    assert given.balances(owner) == [(late, 10, 10), (early, 0, 0), (middle, 2, 2)]
    row = owner.execute(
        "SELECT dispensed_by, patient_id FROM stock_dispense WHERE id = %s", [dispense]
    ).fetchone()
    assert row == {"dispensed_by": cast.petra, "patient_id": cast.greta_patient}


# Receipts, adjustments, wastage -----------------------------------------------------------


def _receive(conn, lines):
    return conn.execute("SELECT pharmacy_receive('Apoteket AB', NULL, %s::jsonb)", [json.dumps(lines)])


@pytest.mark.parametrize(
    ("line", "constraint"),
    [
        ({"quantity": 0}, "stock_receipt_line_quantity_positive"),
        ({"quantity": -3}, "stock_receipt_line_quantity_positive"),
        ({"expires_on": "2001-01-01"}, "stock_receipt_line_not_expired"),
        ({"unit_cost": -1}, "stock_batch_unit_cost_nonnegative"),
        ({"lot": ""}, "stock_batch_lot_format"),
    ],
)
def test_a_bad_delivery_line_saves_nothing(acting_as, owner, cast, room, line, constraint):
    good = {
        "drug_id": room.paracetamol,
        "lot": "A1",
        "expires_on": given.in_days(200).isoformat(),
        "quantity": 10,
        "unit_cost": 2,
    }
    refused(
        acting_as(cast.petra),
        "SELECT pharmacy_receive('Apoteket AB', NULL, %s::jsonb)",
        [json.dumps([good, {**good, **line}])],
        constraint=constraint,
    )
    assert owner.execute("SELECT count(*) AS n FROM stock_receipt").fetchone()["n"] == 0
    assert given.balances(owner) == []


@pytest.mark.parametrize("who", ["bob", "alice", "rita", "adam"])
def test_only_a_pharmacist_receives_adjusts_and_wastes(acting_as, owner, cast, stocked, who):
    conn = acting_as(getattr(cast, who))
    line = [
        {
            "drug_id": 1,
            "lot": "A1",
            "expires_on": given.in_days(99).isoformat(),
            "quantity": 1,
            "unit_cost": 1,
        }
    ]
    refused(
        conn,
        "SELECT pharmacy_receive('X AB', NULL, %s::jsonb)",
        [json.dumps(line)],
        constraint="stock_by_pharmacist",
    )
    refused(conn, "SELECT stock_adjust(%s, 5, 'Count')", [stocked["batch"]], constraint="stock_by_pharmacist")
    refused(conn, "SELECT stock_waste(%s, 5, 'Broken')", [stocked["batch"]], constraint="stock_by_pharmacist")
    assert given.balances(owner) == [(stocked["batch"], 20, 20)]


def test_adjustment_and_wastage_need_a_reason_and_stay_within_stock(acting_as, owner, cast, stocked):
    petra, batch = acting_as(cast.petra), stocked["batch"]
    refused(petra, "SELECT stock_adjust(%s, -2, NULL)", [batch], constraint="stock_ledger_reason_required")
    refused(petra, "SELECT stock_waste(%s, 2, '  ')", [batch], constraint="stock_ledger_reason_length")
    refused(
        petra, "SELECT stock_adjust(%s, 0, 'Counted')", [batch], constraint="stock_ledger_quantity_nonzero"
    )
    refused(petra, "SELECT stock_waste(%s, 0, 'Broken')", [batch], constraint="stock_ledger_wastage_positive")
    refused(
        petra, "SELECT stock_waste(%s, 21, 'Broken')", [batch], constraint="stock_batch_quantity_nonnegative"
    )
    refused(
        petra,
        "SELECT stock_adjust(%s, -21, 'Counted')",
        [batch],
        constraint="stock_batch_quantity_nonnegative",
    )
    petra.execute("SELECT stock_adjust(%s, -2, 'Counted 18 on the shelf')", [batch])
    petra.execute("SELECT stock_waste(%s, 3, 'Blister packs damaged')", [batch])
    assert given.balances(owner) == [(batch, 15, 15)]


# Who sees what ------------------------------------------------------------------------------


def test_a_receptionist_reads_no_stock(acting_as, cast, stocked):
    rita = acting_as(cast.rita)
    for table in (
        "stock_location",
        "stock_batch",
        "stock_ledger",
        "stock_receipt",
        "stock_dispense",
        "ward_order",
        "stock_on_hand",
    ):
        assert rita.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"] == 0, table  # noqa: S608


def test_without_a_verified_user_no_stock_is_read(app_conn, stocked):
    assert app_conn.execute("SELECT count(*) AS n FROM stock_batch").fetchone()["n"] == 0


def test_a_ward_nurse_sees_only_her_own_wards_medicine_room(acting_as, owner, cast, room, stocked):
    bob = acting_as(cast.bob)
    assert [r["id"] for r in bob.execute("SELECT id FROM stock_location ORDER BY id")] == [room.ward_med]
    assert bob.execute("SELECT count(*) AS n FROM stock_batch").fetchone()["n"] == 0  # the pharmacy's


def test_the_administrator_sees_stock_figures_but_not_who_got_a_dispense(acting_as, owner, cast, stocked):
    acting_as(cast.petra).execute(DISPENSE, [stocked["prescription"], 2])
    adam = acting_as(cast.adam)
    rows = adam.execute("SELECT movement, quantity, dispense_id FROM stock_ledger ORDER BY id").fetchall()
    assert [(r["movement"], r["quantity"]) for r in rows] == [("receipt", 20), ("dispense", -2)]
    assert adam.execute("SELECT count(*) AS n FROM stock_dispense").fetchone()["n"] == 0
    assert adam.execute("SELECT quantity FROM stock_batch").fetchone()["quantity"] == 18
    # while the pharmacist (medication area: every patient) sees whose it was
    petra = acting_as(cast.petra)
    assert (
        petra.execute("SELECT patient_id FROM stock_dispense").fetchone()["patient_id"] == cast.greta_patient
    )


def test_a_doctor_in_care_sees_his_patients_dispenses_but_another_unit_does_not(acting_as, cast, stocked):
    acting_as(cast.petra).execute(DISPENSE, [stocked["prescription"], 2])
    assert acting_as(cast.alice).execute("SELECT count(*) AS n FROM stock_dispense").fetchone()["n"] == 1
    assert acting_as(cast.charlie).execute("SELECT count(*) AS n FROM stock_dispense").fetchone()["n"] == 0


def test_nobody_but_pharmacy_and_administration_adds_a_location_or_a_reorder_level(acting_as, cast, room):
    for who in ("bob", "alice", "rita"):
        conn = acting_as(getattr(cast, who))
        refused(conn, "INSERT INTO stock_location (kind, name) VALUES ('ward', 'Mine')", sqlstate="42501")
        refused(
            conn,
            "INSERT INTO stock_level (location_id, drug_id, reorder_level) VALUES (%s, %s, 5)",
            [room.ward_med, room.paracetamol],
            sqlstate="42501",
        )
    acting_as(cast.petra).execute(
        "INSERT INTO stock_level (location_id, drug_id, reorder_level) VALUES (%s, %s, 5)",
        [room.pharmacy, room.paracetamol],
    )


# Ward orders --------------------------------------------------------------------------------

REQUEST = "SELECT ward_order_request(%s, %s::jsonb, NULL) AS id"


def _lines(drug: int, quantity: int) -> str:
    return json.dumps([{"drug_id": drug, "quantity": quantity}])


def test_a_ward_nurse_cannot_order_for_another_ward(acting_as, owner, cast, room):
    refused(
        acting_as(cast.bob),
        REQUEST,
        [room.ward_surg, _lines(room.paracetamol, 5)],
        constraint="ward_order_own_ward",
    )
    refused(
        acting_as(cast.bob),
        REQUEST,
        [room.pharmacy, _lines(room.paracetamol, 5)],
        constraint="ward_order_own_ward",
    )
    refused(
        acting_as(cast.petra),
        REQUEST,
        [room.ward_med, _lines(room.paracetamol, 5)],
        constraint="ward_order_by_ward_staff",
    )
    assert owner.execute("SELECT count(*) AS n FROM ward_order").fetchone()["n"] == 0


def test_an_order_moves_only_along_its_steps_and_only_by_the_pharmacist(
    acting_as, owner, cast, room, stocked
):
    bob, petra = acting_as(cast.bob), acting_as(cast.petra)
    order = bob.execute(REQUEST, [room.ward_med, _lines(room.paracetamol, 5)]).fetchone()["id"]
    move = "SELECT ward_order_move(%s, %s, NULL)"
    refused(bob, move, [order, "approved"], constraint="ward_order_transition")
    refused(petra, move, [order, "delivered"], constraint="ward_order_transition")
    refused(acting_as(cast.charlie), move, [order, "cancelled"], constraint="ward_order_exists")
    refused(
        petra,
        "SELECT ward_order_move(%s, 'cancelled', NULL)",
        [order],
        constraint="ward_order_event_cancel_has_reason",
    )
    for step in ("approved", "picked"):
        petra.execute(move, [order, step])
    refused(
        bob,
        "SELECT ward_order_move(%s, 'cancelled', 'Not needed')",
        [order],
        constraint="ward_order_transition",
    )
    petra.execute(move, [order, "delivered"])
    refused(petra, move, [order, "delivered"], constraint="ward_order_transition")
    ward = owner.execute(
        "SELECT id, quantity, source_batch_id FROM stock_batch WHERE location_id = %s", [room.ward_med]
    ).fetchone()
    assert ward["quantity"] == 5 and ward["source_batch_id"] == stocked["batch"]
    pairs = owner.execute(
        "SELECT o.batch_id AS out_batch, o.quantity AS out_q, i.batch_id AS in_batch, i.quantity AS in_q "
        "FROM stock_ledger AS i JOIN stock_ledger AS o ON i.transfer_of = o.id WHERE i.ward_order_id = %s",
        [order],
    ).fetchall()
    assert [tuple(p.values()) for p in pairs] == [(stocked["batch"], -5, ward["id"], 5)]
    assert [
        s["status"]
        for s in owner.execute(
            "SELECT status::text FROM ward_order_event WHERE order_id = %s ORDER BY id", [order]
        )
    ] == ["requested", "approved", "picked", "delivered"]
    # and now Bob sees his ward's stock, and the order's rows
    assert bob.execute("SELECT quantity FROM stock_batch").fetchone()["quantity"] == 5
    assert bob.execute("SELECT count(*) AS n FROM stock_ledger").fetchone()["n"] == 1


def test_a_delivery_without_enough_stock_moves_nothing(acting_as, owner, cast, room, stocked):
    bob, petra = acting_as(cast.bob), acting_as(cast.petra)
    lines = json.dumps(
        [{"drug_id": room.paracetamol, "quantity": 15}, {"drug_id": room.furosemid, "quantity": 1}]
    )
    order = bob.execute(REQUEST, [room.ward_med, lines]).fetchone()["id"]
    petra.execute("SELECT ward_order_move(%s, 'approved')", [order])
    refused(petra, "SELECT ward_order_move(%s, 'picked')", [order], constraint="stock_batch_enough_stock")
    furosemid = given.receive(petra, room.furosemid, 1, lot="F1")
    petra.execute("SELECT ward_order_move(%s, 'picked')", [order])
    # between picking and delivery the last furosemide tablet is wasted
    petra.execute("SELECT stock_waste(%s, 1, 'Tablet dropped')", [furosemid])
    refused(petra, "SELECT ward_order_move(%s, 'delivered')", [order], constraint="stock_batch_enough_stock")
    assert (
        owner.execute("SELECT status::text FROM ward_order WHERE id = %s", [order]).fetchone()["status"]
        == "picked"
    )
    assert given.balances(owner) == [(stocked["batch"], 20, 20), (furosemid, 0, 0)]


def test_a_charlie_on_surgery_sees_no_order_of_the_medical_ward(acting_as, cast, room):
    acting_as(cast.bob).execute(REQUEST, [room.ward_med, _lines(room.paracetamol, 5)])
    charlie = acting_as(cast.charlie)
    assert charlie.execute("SELECT count(*) AS n FROM ward_order").fetchone()["n"] == 0
    assert charlie.execute("SELECT count(*) AS n FROM ward_order_line").fetchone()["n"] == 0
    assert acting_as(cast.alice).execute("SELECT count(*) AS n FROM ward_order").fetchone()["n"] == 1
