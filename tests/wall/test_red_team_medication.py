"""Attacks on medication and the pharmacy by someone who holds the app role's
credentials and types plain SQL, acting through a real verified session of
one of the cast (or of nobody), and by hostile users through the pages.

Every test is an attack the database (or the pages) refuses. Those named
after a hole were found open and closed since: a block checked before a write
to a prescription, refusals that name no drug of a prescription one may not
see, a patient's medication writes taken in turn, doses only at scheduled
times, warnings hidden where their subject is."""

import json
from contextlib import contextmanager

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.pq import TransactionStatus

from tests.acting import authenticate
from tests.conftest import login
from tests.consultations.conftest import Browser
from tests.db.expect import refused
from tests.journal import given as journal
from tests.medication.conftest import change, ensure_drugs, prescribe
from tests.pharmacy import given as stock

TODAY_08 = "today 08:00 Europe/Stockholm"


# --- The scene ---------------------------------------------------------------


@pytest.fixture()
def drugs(owner) -> dict[str, int]:
    return ensure_drugs(owner)


@pytest.fixture()
def alice(acting_as, cast):
    return acting_as(cast.alice)


@pytest.fixture()
def hugo(owner, cast) -> int:
    """Another patient, in the surgical unit's care only (Dr Charlie's)."""
    patient = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('195003031233', 'Hugo', 'Holm', '1950-03-03', 'male') RETURNING id"
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Inför operation', %s)",
        [patient, cast.unit_surg, cast.charlie],
    )
    return patient


def surgical_care(owner, cast) -> None:
    """The surgical unit takes Greta into its care too."""
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 hour', NULL), 'Inför operation', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )


def block_surgery(owner, cast) -> None:
    """Greta blocks the surgical unit's entries from everyone outside it."""
    owner.execute(
        "INSERT INTO journal_block (patient_id, care_unit_id, created_by) VALUES (%s, %s, %s)",
        [cast.greta_patient, cast.unit_surg, cast.greta],
    )


@pytest.fixture()
def hidden_rx(owner, acting_as, cast, drugs) -> dict:
    """Dr Charlie prescribes sertraline for Greta from the surgical unit; then
    Greta blocks the surgical unit. Alice, Bob and Petra reach Greta but must
    not see (nor touch) this prescription."""
    surgical_care(owner, cast)
    row = prescribe(
        acting_as(cast.charlie), cast, drugs["Sertralin tablet"], care_unit_id=cast.unit_surg, dose=50,
        times_of_day=["08:00"], instructions="Depression, see psychiatry letter",
    )  # fmt: skip
    block_surgery(owner, cast)
    return row


def version_of(owner, prescription_id: int) -> int:
    return owner.execute(
        "SELECT current_version_id FROM prescription WHERE id = %s", [prescription_id]
    ).fetchone()["current_version_id"]


def give(conn, cast, prescription_id: int, **values):
    record = {
        "prescription_id": prescription_id, "care_unit_id": cast.unit_med, "outcome": "given",
        "administered_at": "now", "dose": 500, "dose_unit": "mg",
    } | values  # fmt: skip
    columns = ", ".join(record)
    marks = ", ".join(f"%({k})s" for k in record)
    return conn.execute(
        f"INSERT INTO medication_administration ({columns}) VALUES ({marks}) "  # noqa: S608 - fixed names
        "RETURNING id, recorded_by, patient_id",
        record,
    ).fetchone()


def review(conn, prescription_id: int, version_id: int, outcome: str, message: str | None = None):
    return conn.execute(
        "INSERT INTO prescription_review (prescription_id, version_id, outcome, message) "
        "VALUES (%s, %s, %s, %s) RETURNING reviewed_by, patient_id",
        [prescription_id, version_id, outcome, message],
    ).fetchone()


def repeatable_read(acting):
    """Open a REPEATABLE READ transaction on an acting connection, proving the
    session as its first statement (which takes the transaction's snapshot)."""
    acting.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    authenticate(acting.conn, acting.token)
    return acting.conn


@contextmanager
def ending(conn):
    """Commit what the block did, or roll back if it failed: the attack's
    transaction counts only if it commits."""
    try:
        yield
    finally:
        status = conn.info.transaction_status
        conn.execute("COMMIT" if status == TransactionStatus.INTRANS else "ROLLBACK")


def n(conn, query: str, params=None) -> int:
    return conn.execute(query, params).fetchone()["n"]


# --- Holes: what the database lets through today ---------------------------


def test_a_doctor_outside_the_care_learns_no_drug_from_the_refusal(acting_as, alice, cast, drugs):
    rx = prescribe(alice, cast, drugs["Sertralin tablet"], dose=50, times_of_day=["08:00"])
    charlie = acting_as(cast.charlie)
    # The version id is guessed: a wrong guess is told apart from a right one
    # (prescription_version_based_on_current), so ids near the prescription's
    # are tried until the refusal changes.
    hits = []
    for guess in range(rx["id"] - 3, rx["id"] + 4):
        with pytest.raises(psycopg.Error) as caught:
            change(charlie, cast, rx, guess, "changed", care_unit_id=cast.unit_surg, dose=1, dose_unit="mg",
                   route="eye", schedule="times", times_of_day=["08:00"], starts_at="yesterday 00:00 Europe/Stockholm")  # fmt: skip
        if caught.value.diag.constraint_name != "prescription_version_based_on_current":
            hits.append(str(caught.value))
    leaked = " ".join(hits)
    assert "Sertralin" not in leaked, leaked


def test_refusals_tell_nothing_of_a_prescription_outside_ones_reach(acting_as, alice, cast, drugs):
    prn = prescribe(alice, cast, drugs["Paracetamol tablet"], schedule="as_needed", times_of_day=None,
                    max_doses_per_day=1)  # fmt: skip
    give(acting_as(cast.bob), cast, prn["prescription_id"])
    charlie = acting_as(cast.charlie)
    messages = []
    for attempt in (
        lambda: change(charlie, cast, prn, prn["id"], "resumed", care_unit_id=cast.unit_surg),
        lambda: review(charlie, prn["prescription_id"], prn["id"], "answered", "Fine as it is"),
        lambda: give(charlie, cast, prn["prescription_id"], care_unit_id=cast.unit_surg),
    ):
        with pytest.raises(psycopg.Error) as caught:
            attempt()
        messages.append(str(caught.value))
    # What a user outside the care may be told: nothing about the prescription.
    assert not any(word in " ".join(messages) for word in ("active", "pending", "All 1 as-needed")), messages


def test_an_interaction_cannot_be_slipped_past_the_checks_with_an_old_snapshot(acting_as, owner, cast, drugs):
    conn = repeatable_read(acting_as(cast.alice))  # the snapshot: Greta takes nothing yet
    prescribe(acting_as(cast.alice), cast, drugs["Warfarin tablet"], dose=5)  # committed meanwhile
    with ending(conn), pytest.raises(psycopg.Error):
        prescribe(conn, cast, drugs["Ibuprofen tablet"], dose=400)  # no override reason given


def test_the_days_last_as_needed_dose_is_given_once_even_with_an_old_snapshot(
    acting_as, alice, owner, cast, drugs
):
    prn = prescribe(alice, cast, drugs["Paracetamol tablet"], schedule="as_needed", times_of_day=None,
                    max_doses_per_day=1)  # fmt: skip
    conn = repeatable_read(acting_as(cast.bob))
    give(acting_as(cast.bob), cast, prn["prescription_id"])  # the day's only dose, committed
    with ending(conn), pytest.raises(psycopg.Error):
        give(conn, cast, prn["prescription_id"])
    given = n(owner, "SELECT count(*) AS n FROM medication_administration WHERE outcome = 'given'")
    assert given == 1


def test_a_scheduled_dose_is_recorded_only_for_a_time_the_prescription_schedules(
    acting_as, alice, owner, cast, drugs
):
    rx = prescribe(alice, cast, drugs["Paracetamol tablet"], dose=1000)  # 08:00 and 20:00
    bob = acting_as(cast.bob)
    give(bob, cast, rx["prescription_id"], dose=1000, scheduled_for=TODAY_08)
    for minute in ("08:01", "08:02", "03:17", "13:00"):
        with pytest.raises(psycopg.Error):
            give(
                bob, cast, rx["prescription_id"], dose=1000, scheduled_for=f"today {minute} Europe/Stockholm"
            )
    assert n(owner, "SELECT count(*) AS n FROM medication_administration") == 1


def test_a_blocked_prescription_is_neither_changed_nor_read_through_a_new_version(
    alice, owner, cast, hidden_rx
):
    assert n(alice, "SELECT count(*) AS n FROM prescription") == 0  # the block hides it
    with pytest.raises(psycopg.Error):
        change(alice, cast, hidden_rx, hidden_rx["id"], "paused", reason="Pausing what I cannot see")
    assert (
        n(alice, "SELECT count(*) AS n FROM prescription_version WHERE instructions LIKE '%%psychiatry%%'")
        == 0
    )
    assert owner.execute("SELECT status FROM prescription").fetchone()["status"] == "active"


def test_a_pharmacist_does_not_approve_a_prescription_hidden_from_her(acting_as, owner, cast, hidden_rx):
    petra = acting_as(cast.petra)
    assert n(petra, "SELECT count(*) AS n FROM prescription") == 0
    with pytest.raises(psycopg.Error):
        # No RETURNING: it would ask the read policy of the new row as well.
        petra.execute(
            "INSERT INTO prescription_review (prescription_id, version_id, outcome) VALUES (%s, %s, 'approved')",
            [hidden_rx["prescription_id"], hidden_rx["id"]],
        )
    assert owner.execute("SELECT review_state FROM prescription").fetchone()["review_state"] == "pending"


def test_a_nurse_records_no_dose_on_a_prescription_hidden_from_him(acting_as, owner, cast, hidden_rx):
    bob = acting_as(cast.bob)
    with pytest.raises(psycopg.Error):
        give(bob, cast, hidden_rx["prescription_id"], dose=50, scheduled_for=TODAY_08)
    assert n(owner, "SELECT count(*) AS n FROM medication_administration") == 0


# --- Attacks the database refuses -------------------------------------------


@pytest.fixture()
def greta_medication(owner, acting_as, alice, cast, drugs) -> dict:
    """Everything of Greta's medication there is: a prescription with an
    overridden warning, a review, a dose given, a kidney function and a dispense."""
    room = stock.stockroom(owner, cast)
    petra = acting_as(cast.petra)
    stock.receive(petra, room.paracetamol, 100)
    journal.clinical(owner, cast, "allergy", substance="Penicillin", atc_code="J01C", category="medication")
    rx = stock.prescription(acting_as, cast, room.paracetamol)
    warfarin = prescribe(alice, cast, drugs["Warfarin tablet"], dose=5, override_reason="INR checked daily")
    nsaid = prescribe(
        alice, cast, drugs["Ibuprofen tablet"], dose=400, override_reason="Three days, INR Friday"
    )
    dispense = petra.execute("SELECT pharmacy_dispense(%s, 10) AS id", [rx]).fetchone()["id"]
    give(acting_as(cast.bob), cast, rx, scheduled_for=TODAY_08)
    acting_as(cast.bob).execute(
        "INSERT INTO renal_function (patient_id, care_unit_id, measured_at, egfr, recorded_by) "
        "VALUES (%s, %s, now(), 42, %s)",
        [cast.greta_patient, cast.unit_med, cast.bob],
    )
    return {"rx": rx, "warfarin": warfarin, "nsaid": nsaid, "dispense": dispense, "room": room}


MEDICATION_TABLES = (
    "prescription", "prescription_version", "prescription_warning", "prescription_review",
    "medication_administration", "renal_function", "stock_dispense",
)  # fmt: skip


def counts(conn) -> dict[str, int]:
    return {t: n(conn, f"SELECT count(*) AS n FROM {t}") for t in MEDICATION_TABLES}  # noqa: S608 - fixed names


def test_the_scene_is_there_for_those_in_care(acting_as, cast, greta_medication):
    seen = counts(acting_as(cast.alice))
    assert all(seen.values()), seen


@pytest.mark.parametrize("who", ["charlie", "rita", "adam", "erik", "sven", "nobody"])
def test_those_without_reach_read_no_medication_row(acting_as, app_conn, cast, greta_medication, who):
    conn = app_conn if who == "nobody" else acting_as(getattr(cast, who))
    assert counts(conn) == dict.fromkeys(MEDICATION_TABLES, 0)


@pytest.mark.parametrize("who", ["charlie", "rita", "sven", "nobody"])
def test_the_checks_and_the_mar_tell_nothing_to_those_without_reach(
    acting_as, app_conn, owner, cast, drugs, greta_medication, who
):
    journal.admit(owner, cast)
    conn = app_conn if who == "nobody" else acting_as(getattr(cast, who))
    # A penicillin would meet her allergy, an NSAID her warfarin, paracetamol its own kind.
    for drug in ("Fenoximetylpenicillin tablet", "Naproxen tablet", "Paracetamol tablet"):
        found = conn.execute(
            "SELECT kind, subject FROM medication_check(%s, %s, 1, 'mg', 1)",
            [cast.greta_patient, drugs[drug]],
        ).fetchall()
        assert found == [], (drug, found)
    doses = n(conn, "SELECT count(*) AS n FROM mar_doses(%s, now() - interval '2 days', now() + interval '2 days')",
              [cast.unit_med])  # fmt: skip
    assert doses == 0


def test_temporary_tables_do_not_stand_in_for_the_real_ones(acting_as, cast, drugs, greta_medication):
    charlie = acting_as(cast.charlie)
    with charlie.transaction():
        # Charlie claims the medical ward with a table of his own, first on his path.
        charlie.execute(
            "CREATE TEMP TABLE staff_care_unit (user_id bigint, care_unit_id bigint) ON COMMIT DROP"
        )
        charlie.execute("INSERT INTO pg_temp.staff_care_unit VALUES (%s, %s)", [cast.charlie, cast.unit_med])
        charlie.execute("CREATE TEMP TABLE encounter (patient_id bigint, care_unit_id bigint, ended_at timestamptz) "
                        "ON COMMIT DROP")  # fmt: skip
        charlie.execute("SET LOCAL search_path = pg_temp, public")
        assert n(charlie, "SELECT count(*) AS n FROM public.prescription") == 0
        with pytest.raises(psycopg.Error) as caught:
            prescribe(charlie, cast, drugs["Paracetamol tablet"], care_unit_id=cast.unit_med)
        assert caught.value.diag.constraint_name == "prescription_version_own_unit"
    alice = acting_as(cast.alice)
    with alice.transaction():
        # Alice hides the allergy table from the checks: they read the real one.
        alice.execute("CREATE TEMP TABLE allergy (LIKE public.allergy) ON COMMIT DROP")
        alice.execute("SET LOCAL search_path = pg_temp, public")
        found = alice.execute(
            "SELECT kind FROM public.medication_check(%s, %s, 1, 'g', 2)",
            [cast.greta_patient, drugs["Fenoximetylpenicillin tablet"]],
        ).fetchall()
        assert {"kind": "allergy"} in found


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("INSERT INTO prescription_version (patient_id, drug_id, change, care_unit_id, dose, dose_unit, route, "
         "schedule, times_of_day, starts_at, written_by) VALUES (%(p)s, %(d)s, 'prescribed', %(u)s, 1, 'mg', "
         "'oral', 'times', '{08:00}', now(), %(alice)s)", None),
        ("INSERT INTO prescription_review (prescription_id, version_id, outcome, reviewed_by) "
         "VALUES (%(rx)s, %(v)s, 'approved', %(petra)s)", None),
        ("INSERT INTO medication_administration (prescription_id, care_unit_id, outcome, administered_at, dose, "
         "dose_unit, scheduled_for, recorded_by) VALUES (%(rx)s, %(u)s, 'given', now(), 500, 'mg', "
         "'today 20:00 Europe/Stockholm', %(alice)s)", None),
        ("INSERT INTO prescription_warning (prescription_id, patient_id, version_id, kind, severity, subject, "
         "detail_en, detail_sv, override_reason, overridden_by) VALUES (%(rx)s, %(p)s, %(v)s, 'dose', 'minor', "
         "'x', 'x', 'x', 'Nothing to see', %(alice)s)", None),
        ("UPDATE prescription SET review_state = 'approved' WHERE id = %(rx)s", None),
        ("UPDATE prescription SET drug_id = %(d)s WHERE id = %(rx)s", None),
        ("INSERT INTO stock_dispense (prescription_id, patient_id, care_unit_id, quantity, dispensed_by) "
         "VALUES (%(rx)s, %(p)s, %(u)s, 1, %(petra)s)", None),
        ("INSERT INTO stock_ledger (batch_id, movement, quantity, reason, recorded_by) "
         "SELECT id, 'adjustment', 1000, 'Found some', %(petra)s FROM stock_batch", None),
        ("UPDATE stock_batch SET quantity = quantity + 1000", None),
        ("UPDATE stock_batch SET expires_on = expires_on + 365", None),
        ("UPDATE ward_order SET status = 'delivered'", None),
        ("DELETE FROM medication_administration", None),
    ],
    ids=["written_by", "reviewed_by", "recorded_by", "warning", "review_state", "drug", "dispense", "ledger",
         "quantity", "expiry", "order_status", "delete_dose"],
)  # fmt: skip
@pytest.mark.parametrize("who", ["alice", "petra"])
def test_no_one_writes_in_anothers_name_or_past_the_functions(
    acting_as, cast, drugs, greta_medication, statement, params, who
):
    values = {
        "p": cast.greta_patient, "d": drugs["Paracetamol tablet"], "u": cast.unit_med, "alice": cast.alice,
        "petra": cast.petra, "rx": greta_medication["rx"], "v": greta_medication["warfarin"]["id"],
    }  # fmt: skip
    refused(acting_as(getattr(cast, who)), statement, values, sqlstate="42501")


def test_a_later_version_keeps_the_drug_whatever_it_names(alice, owner, cast, drugs):
    rx = prescribe(alice, cast, drugs["Paracetamol tablet"])
    later = change(alice, cast, rx, rx["id"], "changed", drug_id=drugs["Warfarin tablet"],
                   patient_id=cast.greta_patient + 1000, dose=1000, dose_unit="mg", route="oral",
                   schedule="times", times_of_day=["08:00"], starts_at="yesterday 00:00 Europe/Stockholm")  # fmt: skip
    row = owner.execute(
        "SELECT v.drug_id, v.patient_id, p.drug_id AS head FROM prescription_version AS v "
        "JOIN prescription AS p ON p.id = v.prescription_id WHERE v.id = %s",
        [later["id"]],
    ).fetchone()
    assert row == {"drug_id": drugs["Paracetamol tablet"], "patient_id": cast.greta_patient,
                   "head": drugs["Paracetamol tablet"]}  # fmt: skip


@pytest.mark.parametrize("reason", [None, "     ", "ok"])
def test_a_raised_dose_needs_a_real_override_reason(alice, owner, cast, drugs, reason):
    rx = prescribe(alice, cast, drugs["Paracetamol tablet"])
    with pytest.raises(psycopg.Error):
        change(alice, cast, rx, rx["id"], "changed", dose=3, dose_unit="g", route="oral", schedule="times",
               times_of_day=["08:00", "14:00", "20:00"], starts_at="yesterday 00:00 Europe/Stockholm", override_reason=reason)  # fmt: skip
    assert n(owner, "SELECT count(*) AS n FROM prescription_warning") == 0
    assert n(owner, "SELECT count(*) AS n FROM prescription_version") == 1


def test_a_resumption_is_checked_against_what_was_prescribed_meanwhile(alice, owner, cast, drugs):
    warfarin = prescribe(alice, cast, drugs["Warfarin tablet"], dose=5)
    paused = change(alice, cast, warfarin, warfarin["id"], "paused", reason="Before surgery")
    prescribe(alice, cast, drugs["Ibuprofen tablet"], dose=400)  # no warning: warfarin is paused
    with pytest.raises(psycopg.Error) as caught:
        change(alice, cast, warfarin, paused["id"], "resumed")
    assert caught.value.diag.constraint_name == "prescription_version_warnings_overridden"


def test_a_dose_marked_in_error_stays_marked(acting_as, alice, cast, drugs):
    rx = prescribe(alice, cast, drugs["Paracetamol tablet"])
    bob = acting_as(cast.bob)
    dose = give(bob, cast, rx["prescription_id"], scheduled_for=TODAY_08)
    bob.execute(
        "UPDATE medication_administration SET entered_in_error_at = now(), "
        "entered_in_error_reason = 'Wrong patient' WHERE id = %s",
        [dose["id"]],
    )
    refused(
        bob,
        "UPDATE medication_administration SET entered_in_error_at = NULL, entered_in_error_reason = NULL "
        "WHERE id = %s",
        [dose["id"]],
        constraint="medication_administration_fixed",
    )


def test_a_doctor_outside_the_care_cannot_hold_a_lock_on_someone_elses_prescription(
    acting_as, alice, cast, drugs
):
    """The triggers lock the prescription before asking whether the writer
    reaches it; but the refusal ends the transaction's locks with it."""
    rx = prescribe(alice, cast, drugs["Paracetamol tablet"])
    charlie = acting_as(cast.charlie)
    charlie.conn.execute("BEGIN")
    authenticate(charlie.conn, charlie.token)
    with pytest.raises(psycopg.Error):
        review(charlie.conn, rx["prescription_id"], rx["id"], "answered", "Holding the row")
    try:
        with alice.transaction():
            alice.execute("SET LOCAL lock_timeout = '500ms'")
            change(alice, cast, rx, rx["id"], "paused", reason="Fasting before surgery")
    finally:
        charlie.conn.execute("ROLLBACK")


# --- The pharmacy --------------------------------------------------------------


def test_a_pharmacist_dispenses_nothing_from_a_prescription_a_block_hides(acting_as, owner, cast, drugs):
    room = stock.stockroom(owner, cast)
    petra = acting_as(cast.petra)
    stock.receive(petra, room.paracetamol, 100)
    surgical_care(owner, cast)
    rx = prescribe(acting_as(cast.charlie), cast, room.paracetamol, care_unit_id=cast.unit_surg)
    review(petra, rx["prescription_id"], rx["id"], "approved")
    block_surgery(owner, cast)
    with pytest.raises(psycopg.Error) as caught:
        petra.execute("SELECT pharmacy_dispense(%s, 5)", [rx["prescription_id"]])
    assert caught.value.diag.constraint_name == "stock_dispense_prescription_fk"
    assert "Paracetamol" not in str(caught.value)
    assert stock.balances(owner)[0][1] == 100


def test_a_dispense_with_an_old_snapshot_takes_no_stock_that_is_gone(acting_as, owner, cast):
    room = stock.stockroom(owner, cast)
    petra = acting_as(cast.petra)
    stock.receive(petra, room.paracetamol, 10)
    rx = stock.prescription(acting_as, cast, room.paracetamol)
    conn = repeatable_read(acting_as(cast.petra))
    petra.execute("SELECT pharmacy_dispense(%s, 10)", [rx])  # takes it all, committed
    with ending(conn), pytest.raises(psycopg.Error):
        conn.execute("SELECT pharmacy_dispense(%s, 10)", [rx])
    assert [(q, ledger) for _, q, ledger in stock.balances(owner)] == [(0, 0)]


def test_an_order_delivered_twice_moves_the_stock_once(acting_as, owner, cast):
    room = stock.stockroom(owner, cast)
    petra = acting_as(cast.petra)
    stock.receive(petra, room.paracetamol, 100)
    order = (
        acting_as(cast.bob)
        .execute(
            "SELECT ward_order_request(%s, %s::jsonb) AS id",
            [room.ward_med, json.dumps([{"drug_id": room.paracetamol, "quantity": 30}])],
        )
        .fetchone()["id"]
    )
    for step in ("approved", "picked"):
        petra.execute("SELECT ward_order_move(%s, %s)", [order, step])
    conn = repeatable_read(acting_as(cast.petra))
    petra.execute("SELECT ward_order_move(%s, 'delivered')", [order])
    with ending(conn), pytest.raises(psycopg.Error):
        conn.execute("SELECT ward_order_move(%s, 'delivered')", [order])
    assert sorted(q for _, q, _ in stock.balances(owner)) == [30, 70]
    assert all(q == ledger for _, q, ledger in stock.balances(owner))


@pytest.mark.parametrize(
    "lines",
    [
        [{"quantity": -5}],
        [{"quantity": 0}],
        [{"quantity": 10**12}],
        [{"quantity": None}],
        [{"unit_cost": -1}],
        [{"lot": "L1'; DROP TABLE stock_ledger; --"}],
        [{"drug_id": None}],
        [{"drug_id": 2**62}],
        [{"expires_on": None}],
        [{"expires_on": "1999-01-01"}],
        [{}, 1],
        {"drug_id": 1},
        [],
        None,
    ],
)
def test_a_crafted_delivery_saves_nothing(acting_as, owner, cast, lines):
    room = stock.stockroom(owner, cast)
    good = {"drug_id": room.paracetamol, "lot": "L1", "expires_on": stock.in_days(300).isoformat(),
            "quantity": 10, "unit_cost": "1.50"}  # fmt: skip
    if isinstance(lines, list):
        lines = [{**good, **line} if isinstance(line, dict) else line for line in lines]
    with pytest.raises(psycopg.Error):
        acting_as(cast.petra).execute(
            "SELECT pharmacy_receive('Apoteket AB', 'FS-1', %s::jsonb)",
            [None if lines is None else json.dumps(lines)],
        )
    for table in ("stock_receipt", "stock_batch", "stock_ledger"):
        assert n(owner, f"SELECT count(*) AS n FROM {table}") == 0, table  # noqa: S608 - fixed names


@pytest.mark.parametrize(
    "lines",
    [[{"quantity": -1}], [{"quantity": 0}], [{"quantity": 10**6}], [{"drug_id": None}], [{}, {}], [1], {}],
)
def test_a_crafted_ward_order_saves_nothing(acting_as, owner, cast, lines):
    room = stock.stockroom(owner, cast)
    good = {"drug_id": room.paracetamol, "quantity": 10}
    if isinstance(lines, list):
        lines = [{**good, **line} if isinstance(line, dict) else line for line in lines]
    with pytest.raises(psycopg.Error):
        acting_as(cast.bob).execute(
            "SELECT ward_order_request(%s, %s::jsonb)", [room.ward_med, json.dumps(lines)]
        )
    assert n(owner, "SELECT count(*) AS n FROM ward_order") == 0


@pytest.mark.parametrize(("to", "reason"), [(None, None), ("cancelled", None), ("delivered", None)])
def test_an_order_does_not_move_on_a_crafted_step(acting_as, owner, cast, to, reason):
    room = stock.stockroom(owner, cast)
    order = (
        acting_as(cast.bob)
        .execute(
            "SELECT ward_order_request(%s, %s::jsonb) AS id",
            [room.ward_med, json.dumps([{"drug_id": room.paracetamol, "quantity": 3}])],
        )
        .fetchone()["id"]
    )
    with pytest.raises(psycopg.Error):
        acting_as(cast.petra).execute("SELECT ward_order_move(%s, %s, %s)", [order, to, reason])
    assert owner.execute("SELECT status FROM ward_order").fetchone()["status"] == "requested"


def test_a_count_cannot_overflow_a_batch(acting_as, owner, cast):
    room = stock.stockroom(owner, cast)
    petra = acting_as(cast.petra)
    batch = stock.receive(petra, room.paracetamol, 2**31 - 10)
    with pytest.raises(psycopg.Error):
        petra.execute("SELECT stock_adjust(%s, 100, 'Found a crate')", [batch])
    with pytest.raises(psycopg.Error):
        petra.execute("SELECT stock_adjust(%s, %s, 'Lost everything and more')", [batch, -(2**31 - 1)])
    assert [(q, ledger) for _, q, ledger in stock.balances(owner)] == [(2**31 - 10, 2**31 - 10)]


def test_a_warning_does_not_carry_a_blocked_drug_to_those_it_is_hidden_from(
    acting_as, owner, alice, cast, drugs, hidden_rx
):
    # Dr Charlie works on the medical ward too, and prescribes from there.
    owner.execute(
        "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [cast.charlie, cast.unit_med]
    )
    prescribe(
        acting_as(cast.charlie),
        cast,
        drugs["Tramadol capsule"],
        dose=50,
        override_reason="Short course, watched",
    )
    assert (
        n(alice, "SELECT count(*) AS n FROM prescription") == 1
    )  # the tramadol; the sertraline stays hidden
    subjects = [r["subject"] for r in alice.execute("SELECT subject FROM prescription_warning").fetchall()]
    assert "Sertralin" not in subjects, subjects


# --- Through the pages, as a hostile user ------------------------------------


@pytest.fixture()
def browser(app, cast):
    """browser(username): that person logged in, in a test client of their own."""
    opened: list[TestClient] = []

    def open_as(username: str) -> Browser:
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        client.cookies.set("hms_lang", "en")
        return Browser(client, login(client, username))

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture()
def two_lists(acting_as, alice, cast, drugs, hugo) -> dict:
    """Greta's paracetamol (Dr Alice) and Hugo's tramadol (Dr Charlie, surgery)."""
    greta = prescribe(alice, cast, drugs["Paracetamol tablet"])
    hugos = prescribe(acting_as(cast.charlie), cast, drugs["Tramadol capsule"], patient_id=hugo,
                      care_unit_id=cast.unit_surg, dose=50)  # fmt: skip
    return {"greta": greta["prescription_id"], "greta_version": greta["id"], "hugo": hugos["prescription_id"]}


def state_of(owner, prescription_id: int) -> tuple[str, str, int]:
    row = owner.execute(
        "SELECT status, review_state, current_version_id FROM prescription WHERE id = %s", [prescription_id]
    ).fetchone()
    return row["status"], row["review_state"], row["current_version_id"]


def test_a_patient_reads_no_one_elses_medication(browser, cast, hugo, two_lists):
    greta = browser("greta")
    for url in (
        f"/patients/{hugo}/medication",
        f"/patients/{hugo}/medication/{two_lists['hugo']}",
        f"/patients/{cast.greta_patient}/medication/{two_lists['hugo']}",
        f"/api/patients/{hugo}/medication",
        f"/my/patients/{hugo}/medication",
    ):
        response = greta.get(url)
        assert response.status_code in (403, 404), url
        assert "Tramadol" not in response.text, url
    assert "Tramadol" not in greta.get("/my/medication").text


def test_a_prescription_is_not_reached_under_another_patients_url(browser, owner, cast, hugo, two_lists):
    charlie = browser("charlie")  # in Hugo's care, not Greta's
    rx = two_lists["greta"]
    before = state_of(owner, rx)
    assert charlie.get(f"/patients/{hugo}/medication/{rx}").status_code == 404
    for path, data in (
        ("status", {"change": "discontinued", "reason": "Not needed any more"}),
        ("status", {"change": "paused", "reason": "Fasting"}),
        ("review", {"outcome": "answered", "message": "Answered for someone else"}),
        ("change", {"care_unit_id": cast.unit_surg, "dose": "1000", "dose_unit": "mg", "route": "oral",
                    "schedule": "times", "times": "08:00", "starts_at": "2026-12-01T08:00"}),
    ):  # fmt: skip
        response = charlie.post(f"/patients/{hugo}/medication/{rx}/{path}", data)
        assert response.status_code == 404, (path, response.status_code)
    assert state_of(owner, rx) == before


def test_a_nurse_or_a_doctor_does_not_approve_through_the_page(browser, owner, cast, two_lists):
    rx = two_lists["greta"]
    for who in ("bob", "alice"):
        response = browser(who).post(f"/patients/{cast.greta_patient}/medication/{rx}/review",
                                     {"outcome": "approved"})  # fmt: skip
        assert response.status_code in (403, 422), who
    assert state_of(owner, rx)[1] == "pending"


def test_no_write_without_the_csrf_token(browser, owner, cast, two_lists):
    alice = browser("alice")
    rx = two_lists["greta"]
    before = state_of(owner, rx)
    response = alice.client.post(
        f"/patients/{cast.greta_patient}/medication/{rx}/status",
        data={"change": "discontinued", "reason": "Forged by another site"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert state_of(owner, rx) == before


def test_a_relative_without_the_medication_scope_reads_no_list(browser, owner, cast, two_lists):
    owner.execute(
        "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, basis, granted_by) "
        "VALUES (%s, %s, '{appointments}', 'patient_portal', %s)",
        [cast.greta_patient, cast.sven, cast.greta],
    )
    sven = browser("sven")
    for url in (
        f"/my/patients/{cast.greta_patient}/medication",
        f"/patients/{cast.greta_patient}/medication",
        f"/api/patients/{cast.greta_patient}/medication",
    ):
        response = sven.get(url)
        assert response.status_code in (403, 404), url
        assert "Paracetamol" not in response.text, url


BIG = 2**63  # one past the largest bigint


@pytest.mark.parametrize(
    "body",
    [
        {"drug_id": -1, "dose": "1", "dose_unit": "mg", "doses_per_day": "1"},
        {"drug_id": 0, "dose": "1e400", "dose_unit": "mg", "doses_per_day": "1"},
        {"drug_id": 0, "dose": "1", "dose_unit": "mg", "doses_per_day": "1e-400"},
        {"drug_id": 0, "dose": "1", "dose_unit": "mgs", "doses_per_day": "1"},
        {"drug_id": 0, "dose": "1", "dose_unit": "mg", "doses_per_day": "1", "prescription_id": "hugo"},
    ],
)
def test_a_crafted_check_is_refused_and_tells_nothing(browser, cast, drugs, two_lists, body):
    alice = browser("alice")
    body = {k: (drugs["Paracetamol tablet"] if (k, v) == ("drug_id", 0) else two_lists["hugo"] if v == "hugo" else v)
            for k, v in body.items()}  # fmt: skip
    response = alice.client.post(
        f"/api/patients/{cast.greta_patient}/medication/check",
        json=body,
        headers={"X-CSRF-Token": alice.csrf},
    )
    assert response.status_code < 500, body
    assert "Tramadol" not in response.text


@pytest.mark.parametrize("field", ["drug_id", "prescription_id"])
def test_an_id_past_bigint_is_refused_not_a_server_error(browser, cast, drugs, field):
    alice = browser("alice")
    body = {"drug_id": drugs["Paracetamol tablet"], "dose": "1", "dose_unit": "mg", "doses_per_day": "1"}
    response = alice.client.post(
        f"/api/patients/{cast.greta_patient}/medication/check", json=body | {field: BIG},
        headers={"X-CSRF-Token": alice.csrf},
    )  # fmt: skip
    assert response.status_code == 422


@pytest.mark.parametrize(
    "url",
    [
        f"/patients/{BIG}/medication",
        f"/medication/mar?unit={BIG}",
        "/medication/mar?hours=-5",
        "/medication/mar?unit=-1&hours=100000",
        "/patients/1/medication/0",
        f"/patients/1/medication/{BIG}",
        f"/pharmacy/batches/{BIG}",
        f"/pharmacy/orders/{BIG}",
    ],
)
def test_a_crafted_url_is_refused_not_a_server_error(browser, cast, two_lists, url):
    url = url.replace("/patients/1/", f"/patients/{cast.greta_patient}/")
    assert browser("bob").get(url).status_code < 500, url


@pytest.mark.parametrize(
    "data",
    [
        {"prescription_id": "greta", "quantity": str(10**12)},
        {"prescription_id": "greta", "quantity": "-1"},
        {"prescription_id": str(BIG), "quantity": "1"},
        {"prescription_id": "hugo", "quantity": "1"},
    ],
)
def test_a_crafted_dispense_is_refused_not_a_server_error(browser, owner, cast, two_lists, data):
    stock.stockroom(owner, cast)
    data = {k: str(two_lists[v]) if v in ("greta", "hugo") else v for k, v in data.items()}
    petra = browser("petra")
    response = petra.post(f"/pharmacy/patients/{cast.greta_patient}/dispense", data)
    assert 400 <= response.status_code < 500, data
    assert n(owner, "SELECT count(*) AS n FROM stock_dispense") == 0
