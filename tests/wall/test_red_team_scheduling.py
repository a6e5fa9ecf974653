"""Attacks on scheduling by someone who holds the app role's credentials and
types plain SQL, acting through a real verified session of one of the cast
(or of nobody), and by hostile users through the pages.

The scene: the medical ward's clinic (tests/scheduling: a follow-up visit
patients book, a bronchoscopy they may not, a room, hours for Dr Alice and
Nurse Bob, an emergency unit with Nurse Elin), a pre-operative assessment of
the surgical unit with hours for Dr Charlie, and Hugo, a patient of the
surgical unit only. Every test is an attack the system refuses. Five were
holes when first written and are closed since: a clinician books only a
patient already within clinical reach (so booking and check-in cannot make
care for a stranger, and an overlap refusal tells nothing of another unit's
bookings), a portal account holds at most six upcoming appointments within
half a year, the free-time search is bounded, and a far day in the address
is kept within the horizon."""

import re
import threading
from datetime import date, datetime, time, timedelta

import psycopg
import pytest
from psycopg.pq import TransactionStatus

from hms.core.clock import LOCAL_TZ
from tests.acting import authenticate
from tests.consultations import conftest as consultations
from tests.db.expect import refused
from tests.journal import given as journal
from tests.scheduling import conftest as scheduling
from tests.scheduling.conftest import add_hours, appointment_now, at, book, new_patient

BOOK = "SELECT appointment_book(%s, %s, %s, %s, %s) AS id"
CHECK_IN = "SELECT appointment_check_in(%s) AS encounter"
# The scheduling and consultation tests' fixtures, used here too.
clinic = scheduling.clinic
browser = consultations.browser

HUGO = ("195003031233", "Hugo", "Holm", date(1950, 3, 3), "male")


# --- The scene ---------------------------------------------------------------


@pytest.fixture()
def surgery(owner, cast, clinic) -> int:
    """A pre-operative assessment of the surgical unit; Dr Charlie works all day."""
    type_id = owner.execute(
        "INSERT INTO appointment_type (care_unit_id, name, duration_minutes, patient_bookable) "
        "VALUES (%s, 'Pre-op assessment', 30, true) RETURNING id",
        [cast.unit_surg],
    ).fetchone()["id"]
    add_hours(owner, cast.charlie, cast.unit_surg, time(0), time(23, 59))
    return type_id


@pytest.fixture()
def hugo(owner, cast) -> int:
    """Another patient, in the surgical unit's care only."""
    patient = journal.patient(owner, HUGO)
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Inför operation', %s)",
        [patient, cast.unit_surg, cast.charlie],
    )
    return patient


@pytest.fixture()
def all_day(owner, cast, clinic) -> None:
    """Dr Alice's hours run the whole day, so a time later today is always bookable."""
    owner.execute("DELETE FROM working_hours WHERE clinician_id = %s", [cast.alice])
    add_hours(owner, cast.alice, cast.unit_med, time(0), time(23, 59))


def later_today(minutes: int = 10) -> datetime:
    """A time later today (Stockholm), on a five-minute mark."""
    moment = datetime.now(LOCAL_TZ) + timedelta(minutes=minutes)
    moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=5 - moment.minute % 5)
    if moment.date() != datetime.now(LOCAL_TZ).date() or moment.time() > time(23, 20):
        pytest.skip("too close to midnight for a time later today")
    return moment


def count(owner, query: str, params=None) -> int:
    return owner.execute(f"SELECT count(*) AS n FROM ({query}) AS q", params).fetchone()["n"]


def basis(conn, patient: int, area: str = "clinical"):
    return conn.execute("SELECT hms_access_basis(%s, %s) AS b", [patient, area]).fetchone()["b"]


def grant(owner, cast, scopes: list[str], **extra) -> None:
    columns = ["patient_id", "relative_user_id", "scopes", "granted_by", *extra]
    owner.execute(
        f"INSERT INTO proxy_grant ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
        [cast.greta_patient, cast.sven, scopes, cast.greta, *extra.values()],
    )


# --- Manufacturing care --------------------------------------------------------


def test_a_nurse_alone_cannot_manufacture_care_of_a_stranger(acting_as, owner, cast, clinic, all_day):
    asa = new_patient(owner)
    journal.clinical(
        owner, cast, "diagnosis", patient_id=asa, care_unit_id=cast.unit_surg, recorded_by=cast.charlie
    )
    bob = acting_as(cast.bob)
    assert basis(bob, asa) is None
    try:
        appointment = book(bob, asa, clinic.visit, cast.alice, later_today())
        bob.execute(CHECK_IN, [appointment])
    except psycopg.Error:
        pass
    assert basis(bob, asa) is None
    assert count(bob, "SELECT 1 FROM diagnosis WHERE patient_id = %s", [asa]) == 0
    assert count(owner, "SELECT 1 FROM encounter WHERE patient_id = %s", [asa]) == 0


def test_a_clinician_of_another_unit_learns_nothing_of_a_patients_bookings_by_booking(
    acting_as, cast, clinic, surgery
):
    book(acting_as(cast.rita), cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    charlie = acting_as(cast.charlie)
    assert count(charlie, "SELECT 1 FROM appointment WHERE patient_id = %s", [cast.greta_patient]) == 0
    answers = []
    for start in (at(2, 10), at(2, 11)):
        try:
            with charlie.transaction() as tx:
                book(charlie, cast.greta_patient, surgery, cast.charlie, start)
                answers.append("booked")
                raise psycopg.Rollback(tx)  # a probe: never committed, never seen
        except psycopg.Error as exc:
            answers.append(exc.diag.constraint_name)
    assert answers == ["appointment_patient_within_reach", "appointment_patient_within_reach"]


def test_reception_of_one_unit_cannot_check_in_at_another(acting_as, owner, cast, clinic, surgery, hugo):
    appointment = owner.execute(
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode, booked_by) "
        "VALUES (%s, %s, %s, %s, tstzrange(now(), now() + interval '30 minutes'), 'in_person', %s) RETURNING id",
        [hugo, surgery, cast.unit_surg, cast.charlie, cast.charlie],
    ).fetchone()["id"]
    for who in (cast.rita, cast.bob, cast.alice, cast.adam, cast.charlie, clinic.elin):
        refused(acting_as(who), CHECK_IN, [appointment], constraint="appointment_check_in_by_unit")
    for who in (cast.bob, cast.rita):
        assert basis(acting_as(who), hugo) is None
    assert count(owner, "SELECT 1 FROM encounter WHERE patient_id = %s", [hugo]) == 0


def test_an_offered_time_is_not_checked_in(acting_as, owner, cast, clinic):
    appointment = appointment_now(owner, cast, clinic, patient=new_patient(owner))
    owner.execute("UPDATE appointment SET status = 'offered' WHERE id = %s", [appointment])
    refused(acting_as(cast.rita), CHECK_IN, [appointment], constraint="appointment_check_in_booked")


@pytest.mark.parametrize("who", ["rita", "bob", "alice", "adam", "greta"])
def test_a_walk_in_is_registered_only_at_ones_own_emergency_unit(acting_as, owner, cast, clinic, who):
    asa = new_patient(owner)
    refused(
        acting_as(getattr(cast, who)),
        "SELECT appointment_walk_in(%s, %s)",
        [asa, clinic.er_type],
        sqlstate="HM090",
    )
    refused(
        acting_as(getattr(cast, who)),
        "SELECT appointment_walk_in(%s, %s)",
        [asa, clinic.visit],
        sqlstate="HM092",
    )
    assert count(owner, "SELECT 1 FROM encounter WHERE patient_id = %s", [asa]) == 0


def test_a_walk_in_takes_no_clinician_of_another_unit_and_no_unknown_patient(acting_as, owner, cast, clinic):
    elin = acting_as(clinic.elin)
    asa = new_patient(owner)
    refused(
        elin,
        "SELECT appointment_walk_in(%s, %s, %s)",
        [asa, clinic.er_type, cast.alice],
        constraint="appointment_clinician_of_unit",
    )
    for patient in (None, 2**63 - 1, -1):
        refused(elin, "SELECT appointment_walk_in(%s, %s)", [patient, clinic.er_type], sqlstate="HM090")
    assert count(owner, "SELECT 1 FROM appointment") == 0


@pytest.mark.parametrize("who", ["greta", "sven", "petra", "erik", "charlie"])
def test_a_no_show_is_not_marked_by_the_wrong_people(acting_as, owner, cast, clinic, who):
    grant(owner, cast, ["appointments"])
    begun = appointment_now(owner, cast, clinic, patient=cast.greta_patient, minutes_from_now=-5)
    refused(
        acting_as(getattr(cast, who)),
        "SELECT appointment_no_show(%s)",
        [begun],
        constraint="appointment_no_show_by_unit",
    )
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [begun]).fetchone()["status"]
        == "booked"
    )


# --- Booking for someone else, or when one may not --------------------------------


def test_a_patient_books_moves_cancels_and_waits_for_no_one_else(acting_as, owner, cast, clinic, hugo):
    rita = acting_as(cast.rita)
    hugos = book(rita, hugo, clinic.visit, cast.alice, at(3, 10))
    entry = rita.execute("SELECT waitlist_join(%s, %s) AS id", [hugo, clinic.visit]).fetchone()["id"]
    greta = acting_as(cast.greta)
    refused(
        greta,
        BOOK,
        [hugo, clinic.visit, cast.alice, at(3, 11), None],
        constraint="appointment_patient_within_reach",
    )
    refused(
        greta,
        "SELECT appointment_move(%s, %s)",
        [hugos, at(4, 10)],
        constraint="appointment_patient_within_reach",
    )
    refused(
        greta,
        "SELECT appointment_cancel(%s, 'Not mine')",
        [hugos],
        constraint="appointment_patient_within_reach",
    )
    refused(
        greta,
        "SELECT waitlist_join(%s, %s)",
        [hugo, clinic.visit],
        constraint="appointment_patient_within_reach",
    )
    refused(greta, "SELECT waitlist_leave(%s)", [entry], constraint="appointment_patient_within_reach")
    row = owner.execute("SELECT status, during FROM appointment WHERE id = %s", [hugos]).fetchone()
    assert row["status"] == "booked" and row["during"].lower == at(3, 10)
    assert (
        owner.execute("SELECT status FROM waitlist_entry WHERE id = %s", [entry]).fetchone()["status"]
        == "waiting"
    )


@pytest.mark.parametrize(
    "kind",
    ["no grant", "medication scope only", "expired", "not yet begun", "revoked"],
)
def test_a_relative_without_a_live_grant_covering_bookings_books_nothing(
    acting_as, owner, cast, clinic, kind
):
    today = datetime.now(LOCAL_TZ).date()
    if kind == "medication scope only":
        grant(owner, cast, ["medication"])
    elif kind == "expired":
        grant(
            owner,
            cast,
            ["appointments"],
            starts_on=today - timedelta(days=30),
            ends_on=today - timedelta(days=1),
        )
    elif kind == "not yet begun":
        grant(owner, cast, ["appointments"], starts_on=today + timedelta(days=1))
    elif kind == "revoked":
        grant(owner, cast, ["appointments", "record"])
        owner.execute("UPDATE proxy_grant SET revoked_at = now()")
    rita = acting_as(cast.rita)
    gretas = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(3, 10))
    sven = acting_as(cast.sven)
    refused(sven, BOOK, [cast.greta_patient, clinic.visit, cast.alice, at(3, 12), None], sqlstate="HM090")
    refused(sven, "SELECT appointment_cancel(%s, 'Not going')", [gretas], sqlstate="HM090")
    refused(sven, "SELECT waitlist_join(%s, %s)", [cast.greta_patient, clinic.visit], sqlstate="HM090")
    for table in ("appointment", "patient_notice", "waitlist_entry", "appointment_event"):
        assert count(sven, f"SELECT 1 FROM {table} WHERE patient_id = %s", [cast.greta_patient]) == 0
    assert count(owner, "SELECT 1 FROM appointment WHERE status = 'booked'") == 1


def test_a_patient_books_only_within_the_rules(acting_as, owner, cast, clinic):
    greta = acting_as(cast.greta)
    args = [cast.greta_patient, clinic.visit, cast.alice]
    refused(greta, BOOK, [*args, at(3, 3), None], constraint="appointment_within_hours")
    refused(greta, BOOK, [*args, at(-1, 10), None], constraint="appointment_not_past")
    refused(greta, BOOK, [*args, None, None], constraint="appointment_not_past")
    refused(
        greta,
        BOOK,
        [cast.greta_patient, clinic.procedure, cast.alice, at(3, 10), None],
        constraint="appointment_patient_bookable",
    )
    refused(greta, BOOK, [*args[:2], cast.rita, at(3, 10), None], constraint="appointment_clinician_of_unit")
    refused(
        greta, BOOK, [*args[:2], cast.charlie, at(3, 10), None], constraint="appointment_clinician_of_unit"
    )
    assert count(owner, "SELECT 1 FROM appointment") == 0


def test_a_patient_moves_nothing_inside_24_hours_nor_a_clinic_only_type(acting_as, owner, cast, clinic):
    rita = acting_as(cast.rita)
    soon = book(
        rita,
        cast.greta_patient,
        clinic.visit,
        cast.alice,
        at(1, 9) if at(1, 9) - datetime.now(LOCAL_TZ) < timedelta(hours=24) else at(0, 15),
    )
    procedure = book(rita, cast.greta_patient, clinic.procedure, cast.alice, at(5, 10))
    greta = acting_as(cast.greta)
    if owner.execute(
        "SELECT lower(during) < now() + interval '24 hours' AS s FROM appointment WHERE id = %s", [soon]
    ).fetchone()["s"]:
        refused(
            greta, "SELECT appointment_move(%s, %s)", [soon, at(6, 10)], constraint="appointment_change_24h"
        )
    refused(
        greta,
        "SELECT appointment_move(%s, %s)",
        [procedure, at(6, 10)],
        constraint="appointment_patient_bookable",
    )
    refused(
        greta,
        "SELECT appointment_cancel(%s, 'Not going')",
        [procedure],
        constraint="appointment_patient_bookable",
    )


# --- Reading what is not one's own -------------------------------------------------


@pytest.fixture()
def hugos_bookings(acting_as, owner, cast, clinic, hugo) -> dict[str, int]:
    """Hugo has a booked visit, a notice of it, a waitlist place and an offer."""
    rita = acting_as(cast.rita)
    appointment = book(rita, hugo, clinic.visit, cast.alice, at(3, 10))
    entry = rita.execute("SELECT waitlist_join(%s, %s) AS id", [hugo, clinic.visit]).fetchone()["id"]
    other = book(rita, new_patient(owner), clinic.visit, cast.alice, at(2, 10))
    rita.execute("SELECT appointment_cancel(%s, 'Patient is well')", [other])
    assert count(owner, "SELECT 1 FROM waitlist_offer WHERE patient_id = %s", [hugo]) == 1
    return {"appointment": appointment, "entry": entry}


@pytest.mark.parametrize("who", ["greta", "sven", "petra", "erik"])
def test_hugos_appointments_notices_waitlist_and_offers_are_read_by_no_one_without_reach(
    acting_as, owner, cast, hugos_bookings, hugo, who
):
    grant(owner, cast, ["appointments", "record"])
    conn = acting_as(getattr(cast, who))
    seen = {
        table: count(conn, f"SELECT 1 FROM {table} WHERE patient_id = %s", [hugo])
        for table in (
            "appointment",
            "appointment_event",
            "waitlist_entry",
            "waitlist_offer",
            "patient_notice",
        )
    }
    assert seen == dict.fromkeys(seen, 0)
    assert (
        conn.execute("UPDATE patient_notice SET read_at = now() WHERE patient_id = %s", [hugo]).rowcount == 0
    )


def test_a_clinician_who_booked_in_his_own_unit_reads_only_that_units_rows(
    acting_as, owner, cast, clinic, surgery
):
    rita = acting_as(cast.rita)
    book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    # Reception books her into surgery (Charlie, outside her care, may not).
    book(rita, cast.greta_patient, surgery, cast.charlie, at(2, 12))
    charlie = acting_as(cast.charlie)
    assert basis(charlie, cast.greta_patient, "appointments") == "unit"
    rows = charlie.execute(
        "SELECT care_unit_id FROM appointment WHERE patient_id = %s", [cast.greta_patient]
    ).fetchall()
    assert [r["care_unit_id"] for r in rows] == [cast.unit_surg]
    assert count(charlie, "SELECT 1 FROM patient_notice WHERE patient_id = %s", [cast.greta_patient]) == 0
    assert basis(charlie, cast.greta_patient) is None


def test_the_app_role_reaches_no_mail_feed_token_or_write_past_the_functions(
    acting_as, app_conn, owner, cast, clinic, hugos_bookings
):
    rita = acting_as(cast.rita)
    rita.execute("SELECT calendar_feed_issue()")
    for conn in (app_conn, rita, acting_as(cast.adam)):
        for statement in (
            "SELECT * FROM mail_outbox",
            "SELECT * FROM calendar_feed",
            "UPDATE mail_outbox SET to_address = 'evil@example.com'",
            "INSERT INTO waitlist_entry (patient_id, type_id, care_unit_id, added_by) VALUES (1, 1, 1, 1)",
            "UPDATE waitlist_entry SET status = 'removed'",
            "UPDATE waitlist_offer SET expires_at = now() + interval '10 years'",
            "INSERT INTO patient_notice (patient_id, kind, about_start, type_name, unit_name) VALUES (1, 'reminder', now(), 'x', 'y')",
            "UPDATE patient_notice SET type_name = 'Forged'",
            "DELETE FROM appointment_event",
            "UPDATE appointment SET status = 'arrived'",
            "SELECT appointment_reminders_send()",
            "SELECT waitlist_offers_expire()",
            "SELECT hms_private.check_in(1)",
            "SELECT hms_private.waitlist_offer_slot(1, 1, NULL, tstzrange(now(), now() + interval '1 hour'))",
            "SELECT hms_private.appointment_notify(1, 'reminder')",
        ):
            refused(conn, statement, sqlstate="42501")
    assert count(owner, "SELECT 1 FROM mail_outbox WHERE to_address = 'evil@example.com'") == 0


def test_temporary_tables_do_not_stand_in_for_the_hours_or_the_units(acting_as, owner, cast, clinic):
    greta = acting_as(cast.greta)
    with greta.transaction():
        for table in (
            "working_hours",
            "staff_care_unit",
            "schedule_exception",
            "appointment",
            "patient_user",
        ):
            try:
                with greta.conn.transaction():
                    greta.execute(f"CREATE TEMP TABLE {table} (LIKE public.{table}) ON COMMIT DROP")
            except psycopg.Error:
                pass
        try:
            with greta.conn.transaction():
                greta.execute(
                    "INSERT INTO pg_temp.working_hours (id, clinician_id, care_unit_id, weekday, starts_at, ends_at) "
                    "SELECT g, %s, %s, g, '00:00', '23:59' FROM generate_series(1, 7) AS g",
                    [cast.alice, cast.unit_med],
                )
        except psycopg.Error:
            pass
        with pytest.raises(psycopg.Error) as caught, greta.conn.transaction():
            book(greta, cast.greta_patient, clinic.visit, cast.alice, at(3, 3))
        assert caught.value.diag.constraint_name == "appointment_within_hours"
        slots = greta.execute(
            "SELECT * FROM appointment_free_slots(%s, %s, %s, NULL, 50)", [clinic.visit, at(3, 0), at(3, 7)]
        ).fetchall()
        assert slots == []
    assert count(owner, "SELECT 1 FROM appointment") == 0


# --- Crafted arguments ---------------------------------------------------------------


CRAFTED = [
    ("book NULL patient", BOOK, lambda c, k: [None, k.visit, c.alice, at(3, 10), None]),
    ("book unknown type", BOOK, lambda c, k: [c.greta_patient, 2**63 - 1, c.alice, at(3, 10), None]),
    ("book NULL clinician", BOOK, lambda c, k: [c.greta_patient, k.visit, None, at(3, 10), None]),
    ("book at infinity", BOOK, lambda c, k: [c.greta_patient, k.visit, c.alice, "infinity", None]),
    (
        "book in another unit's room",
        BOOK,
        lambda c, k: [c.greta_patient, k.er_type, c.alice, at(3, 10), k.room],
    ),
    ("walk-in type booked", BOOK, lambda c, k: [c.greta_patient, k.er_type, k.elin, at(3, 10), None]),
    ("move NULL", "SELECT appointment_move(%s, %s)", lambda c, k: [None, at(3, 10)]),
    ("move huge id", "SELECT appointment_move(%s, %s)", lambda c, k: [2**63 - 1, at(3, 10)]),
    ("cancel NULL", "SELECT appointment_cancel(%s, %s)", lambda c, k: [None, "Because"]),
    ("answer NULL", "SELECT waitlist_offer_answer(%s, %s)", lambda c, k: [None, True]),
    ("leave NULL", "SELECT waitlist_leave(%s)", lambda c, k: [None]),
    ("join unknown type", "SELECT waitlist_join(%s, %s)", lambda c, k: [c.greta_patient, -1]),
    ("join surgeon", "SELECT waitlist_join(%s, %s, %s)", lambda c, k: [c.greta_patient, k.visit, c.charlie]),
    ("check in NULL", CHECK_IN, lambda c, k: [None]),
    ("no-show NULL", "SELECT appointment_no_show(%s)", lambda c, k: [None]),
]


@pytest.mark.parametrize("who", ["rita", "greta"])
@pytest.mark.parametrize(("name", "statement", "args"), CRAFTED, ids=[c[0] for c in CRAFTED])
def test_crafted_arguments_save_nothing(acting_as, owner, cast, clinic, who, name, statement, args):
    with pytest.raises(psycopg.Error):
        acting_as(getattr(cast, who)).execute(statement, args(cast, clinic))
    assert count(owner, "SELECT 1 FROM appointment") == 0
    assert count(owner, "SELECT 1 FROM waitlist_entry") == 0
    assert count(owner, "SELECT 1 FROM encounter") == 0


def test_one_patient_cannot_take_a_clinics_whole_calendar(acting_as, owner, cast, clinic):
    greta = acting_as(cast.greta)
    taken = 0
    for slot in greta.execute(
        "SELECT * FROM appointment_free_slots(%s, %s, %s, %s, 16)",
        [clinic.visit, at(3, 0), at(4, 0), cast.alice],
    ).fetchall():
        try:
            book(greta, cast.greta_patient, clinic.visit, cast.alice, slot["starts_at"])
            taken += 1
        except psycopg.Error:
            pass
    try:
        book(greta, cast.greta_patient, clinic.visit, cast.alice, "294276-01-01 10:00+01")
        taken += 1
    except psycopg.Error:
        pass
    assert taken <= 6  # appointment_patient_booking_limit


def test_a_move_does_not_carry_an_appointment_to_another_unit_or_its_rooms(
    acting_as, owner, cast, clinic, surgery
):
    rita = acting_as(cast.rita)
    appointment = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(3, 10))
    surg_room = owner.execute(
        "INSERT INTO clinic_room (care_unit_id, name) VALUES (%s, 'Op 1') RETURNING id", [cast.unit_surg]
    ).fetchone()["id"]
    move = "SELECT appointment_move(%s, %s, %s, %s)"
    refused(
        rita, move, [appointment, at(3, 11), cast.charlie, None], constraint="appointment_clinician_of_unit"
    )
    refused(rita, move, [appointment, at(3, 11), None, surg_room], constraint="appointment_room_of_unit")
    refused(rita, move, [appointment, at(-1, 11), None, None], constraint="appointment_not_past")
    row = owner.execute(
        "SELECT clinician_id, room_id, during FROM appointment WHERE id = %s", [appointment]
    ).fetchone()
    assert (row["clinician_id"], row["room_id"], row["during"].lower) == (cast.alice, None, at(3, 10))


def test_the_free_time_search_is_bounded(acting_as, cast, clinic):
    greta = acting_as(cast.greta)
    with greta.transaction():
        greta.execute("SET LOCAL statement_timeout = '3s'")
        rows = greta.execute(
            "SELECT count(*) AS n FROM appointment_free_slots(%s, now(), now() + interval '200 years', NULL, 2147483647)",
            [clinic.visit],
        ).fetchone()["n"]
    assert rows <= 10_000


def test_a_negative_or_null_limit_is_refused_or_empty(acting_as, cast, clinic):
    greta = acting_as(cast.greta)
    for limit in (None, 0):
        assert (
            greta.execute(
                "SELECT count(*) AS n FROM appointment_free_slots(%s, now(), now() + interval '7 days', NULL, %s)",
                [clinic.visit, limit],
            ).fetchone()["n"]
            in (0, 20)
            or limit is None
        )
    negative = greta.execute(
        "SELECT count(*) AS n FROM appointment_free_slots(%s, now(), now() + interval '7 days', NULL, -5)",
        [clinic.visit],
    ).fetchone()["n"]
    assert negative == 0


# --- What a refusal or the free times tell -------------------------------------------


def test_a_lost_time_names_no_one_and_the_free_times_carry_no_patient(acting_as, owner, cast, clinic, hugo):
    rita = acting_as(cast.rita)
    book(rita, hugo, clinic.visit, cast.alice, at(3, 10), clinic.room)
    greta = acting_as(cast.greta)
    exc = refused(
        greta,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.alice, at(3, 10), None],
        constraint="appointment_slot_taken",
    )
    said = " ".join(
        str(p or "")
        for p in (exc.diag.message_primary, exc.diag.message_detail, exc.diag.message_hint, exc.diag.context)
    )
    assert "Hugo" not in said and "Holm" not in said and str(hugo) not in said.split()
    exc = refused(
        greta,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.bob, at(3, 10), clinic.room],
        constraint="appointment_no_overlap_room",
    )
    assert "Hugo" not in str(exc)
    cursor = greta.execute(
        "SELECT * FROM appointment_free_slots(%s, %s, %s, NULL, 200)", [clinic.visit, at(3, 0), at(4, 0)]
    )
    assert [c.name for c in cursor.description] == ["clinician_id", "starts_at", "ends_at"]
    assert at(3, 10) not in [r["starts_at"] for r in cursor.fetchall() if r["clinician_id"] == cast.alice]
    # nobody without a verified user learns even the times
    assert (
        acting_as(cast.greta)
        .conn.execute(
            "SELECT count(*) AS n FROM appointment_free_slots(%s, now(), now() + interval '7 days')",
            [clinic.visit],
        )
        .fetchone()["n"]
        == 0
    )


# --- Races and isolation levels ---------------------------------------------------------


@pytest.mark.parametrize("level", ["REPEATABLE READ", "SERIALIZABLE"])
def test_two_bookings_under_snapshot_isolation_still_book_a_time_once(acting_as, owner, cast, clinic, level):
    patients = [cast.greta_patient, new_patient(owner)]
    first, second = acting_as(cast.rita), acting_as(cast.rita)
    start = at(3, 10)
    outcome: dict[str, object] = {}
    first.conn.execute(f"BEGIN ISOLATION LEVEL {level}")
    authenticate(first.conn, first.token)
    book(first, patients[0], clinic.visit, cast.alice, start)

    def other() -> None:
        try:
            second.conn.execute(f"BEGIN ISOLATION LEVEL {level}")
            authenticate(second.conn, second.token)
            second.execute("SELECT count(*) FROM appointment")  # take the snapshot before the first commits
            book(second, patients[1], clinic.visit, cast.alice, start)
            second.execute("COMMIT")
            outcome["second"] = "booked"
        except psycopg.Error as exc:
            outcome["second"] = exc.diag.constraint_name or exc.sqlstate
            if second.conn.info.transaction_status != TransactionStatus.IDLE:
                second.conn.execute("ROLLBACK")

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=1)
    first.execute("COMMIT")
    thread.join(timeout=10)
    assert outcome["second"] in ("appointment_slot_taken", "40001")
    assert (
        count(owner, "SELECT 1 FROM appointment WHERE status = 'booked' AND clinician_id = %s", [cast.alice])
        == 1
    )


# --- The calendar feed -----------------------------------------------------------------


def test_a_feed_opens_only_with_its_live_token_and_names_no_patient(acting_as, app_conn, owner, cast, clinic):
    book(acting_as(cast.rita), cast.greta_patient, clinic.visit, cast.alice, at(3, 10))
    alice = acting_as(cast.alice)
    old = alice.execute("SELECT calendar_feed_issue() AS t").fetchone()["t"]
    events = "SELECT * FROM calendar_feed_events(%s)"
    cursor = app_conn.execute(events, [old])
    assert {c.name for c in cursor.description} == {
        "appointment_id", "starts_at", "ends_at", "status", "mode", "type_name", "unit_name", "room_name"
    }  # fmt: skip
    assert len(cursor.fetchall()) == 1
    new = alice.execute("SELECT calendar_feed_issue() AS t").fetchone()["t"]
    refused(app_conn, events, [old], constraint="calendar_feed_unknown")
    for forged in (None, "", old.upper(), new[:-1], new + "0", "' OR true --", "%"):
        refused(app_conn, events, [forged], constraint="calendar_feed_unknown")
    alice.execute("SELECT calendar_feed_revoke()")
    refused(app_conn, events, [new], constraint="calendar_feed_unknown")
    # a deactivated account's feed stops too
    third = alice.execute("SELECT calendar_feed_issue() AS t").fetchone()["t"]
    owner.execute("UPDATE app_user SET is_active = false WHERE id = %s", [cast.alice])
    refused(app_conn, events, [third], constraint="calendar_feed_unknown")


def test_only_staff_have_a_feed_and_nobody_revokes_anothers(acting_as, app_conn, cast):
    for who in ("greta", "sven"):
        refused(
            acting_as(getattr(cast, who)), "SELECT calendar_feed_issue()", constraint="calendar_feed_staff"
        )
    refused(app_conn, "SELECT calendar_feed_issue()", constraint="appointment_by_verified_user")
    bob = acting_as(cast.bob)
    token = bob.execute("SELECT calendar_feed_issue() AS t").fetchone()["t"]
    app_conn.execute("SELECT calendar_feed_revoke()")
    acting_as(cast.alice).execute("SELECT calendar_feed_revoke()")
    assert (
        app_conn.execute("SELECT count(*) AS n FROM calendar_feed_events(%s)", [token]).fetchone()["n"] == 0
    )
    assert app_conn.execute("SELECT calendar_feed_since() AS s").fetchone()["s"] is None


# --- The pages, as hostile users ----------------------------------------------------------


@pytest.fixture()
def scene(acting_as, owner, cast, clinic, hugo) -> dict[str, int]:
    rita = acting_as(cast.rita)
    return {
        "greta": book(rita, cast.greta_patient, clinic.visit, cast.alice, at(3, 10)),
        "hugo": book(rita, hugo, clinic.visit, cast.alice, at(3, 11)),
        "hugo_entry": rita.execute("SELECT waitlist_join(%s, %s) AS id", [hugo, clinic.procedure]).fetchone()[
            "id"
        ],
    }


def test_greta_reaches_none_of_hugos_bookings_through_the_portal(browser, owner, cast, clinic, hugo, scene):
    greta = browser("greta")
    for url in (
        f"/my/appointments?patient_id={hugo}",
        f"/my/appointments/new?patient_id={hugo}&type_id={clinic.visit}",
        f"/my/appointments/{scene['hugo']}/move",
    ):
        response = greta.get(url)
        assert response.status_code in (403, 404), url
        assert "Holm" not in response.text
    for url, data in (
        (
            "/my/appointments/new",
            {
                "patient_id": hugo,
                "type_id": clinic.visit,
                "clinician_id": cast.alice,
                "starts_at": at(3, 14).isoformat(),
            },
        ),
        (f"/my/appointments/{scene['hugo']}/cancel", {}),
        (f"/my/appointments/{scene['hugo']}/move", {"starts_at": at(4, 10).isoformat()}),
        (f"/my/appointments/waitlist/{scene['hugo_entry']}/leave", {}),
        ("/my/appointments/waitlist", {"patient_id": hugo, "type_id": clinic.visit}),
    ):
        response = greta.post(url, data)
        assert response.status_code in (403, 404), (url, response.status_code)
    assert count(owner, "SELECT 1 FROM appointment WHERE patient_id = %s AND status = 'booked'", [hugo]) == 1
    assert owner.execute("SELECT during FROM appointment WHERE id = %s", [scene["hugo"]]).fetchone()[
        "during"
    ].lower == at(3, 11)
    assert count(owner, "SELECT 1 FROM waitlist_entry WHERE patient_id = %s", [hugo]) == 1
    for url in (
        "/schedule",
        "/schedule/my-day",
        f"/schedule/appointments/{scene['greta']}",
        "/admin/scheduling",
        f"/patients/{cast.greta_patient}/appointments",
        "/schedule/walk-in",
        "/schedule/feed",
    ):
        assert greta.get(url).status_code == 403, url


def test_charlie_reaches_none_of_the_medical_wards_bookings(browser, owner, cast, clinic, scene):
    charlie = browser("charlie")
    response = charlie.get(f"/schedule/appointments/{scene['greta']}")
    assert response.status_code in (403, 404)
    response = charlie.get(f"/patients/{cast.greta_patient}/appointments")
    assert response.status_code in (403, 404)
    response = charlie.get(f"/schedule?unit_id={cast.unit_med}&view=week&day={at(3, 0).date().isoformat()}")
    # (Hugo is in the surgical unit's care, so his bookings are Charlie's to see.)
    assert response.status_code == 200 and "Gustafsson" not in response.text
    response = charlie.get(f"/schedule?clinician_id={cast.alice}&view=week&day={at(3, 0).date().isoformat()}")
    assert "Gustafsson" not in response.text
    for action, data in (
        ("cancel", {"reason": "Not needed"}),
        ("move", {"starts_at": at(4, 10).isoformat()}),
        ("check-in", {}),
        ("no-show", {}),
    ):
        assert charlie.post(f"/schedule/appointments/{scene['greta']}/{action}", data).status_code in (
            403,
            404,
        ), action
    row = owner.execute("SELECT status, during FROM appointment WHERE id = %s", [scene["greta"]]).fetchone()
    assert row["status"] == "booked" and row["during"].lower == at(3, 10)


def test_a_post_without_the_csrf_token_changes_nothing(browser, owner, cast, scene):
    rita = browser("rita")
    for url, data in (
        (f"/schedule/appointments/{scene['greta']}/cancel", {"reason": "Forged by another site"}),
        (f"/schedule/appointments/{scene['greta']}/move", {"starts_at": at(4, 10).isoformat()}),
        ("/schedule/feed", {}),
        ("/schedule/feed/revoke", {}),
    ):
        response = rita.client.post(url, data=data, follow_redirects=False)
        assert response.status_code == 403, url
        response = rita.client.post(url, data={**data, "csrf_token": "x" * 43}, follow_redirects=False)
        assert response.status_code == 403, url
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [scene["greta"]]).fetchone()["status"]
        == "booked"
    )
    assert count(owner, "SELECT 1 FROM calendar_feed") == 0


def test_nobody_but_the_administrator_sets_up(browser, owner, cast, clinic):
    for who in ("rita", "alice", "bob", "greta"):
        person = browser(who)
        assert person.get("/admin/scheduling").status_code == 403
        for url, data in (
            (
                "/admin/scheduling/types",
                {
                    "care_unit_id": cast.unit_med,
                    "name": "Free for all",
                    "duration_minutes": 30,
                    "patient_bookable": "true",
                },
            ),
            (
                "/admin/scheduling/hours",
                {
                    "clinician_id": cast.alice,
                    "care_unit_id": cast.unit_med,
                    "weekday": 1,
                    "starts_at": "00:00",
                    "ends_at": "23:00",
                },
            ),
        ):
            assert person.post(url, data).status_code in (403, 404, 405), (who, url)
    assert count(owner, "SELECT 1 FROM appointment_type WHERE name = 'Free for all'") == 0


BAD_URLS = [
    "/schedule?day=9999-99-99",
    "/schedule?unit_id=99999999999999999999999",
    "/schedule?clinician_id=-1&view=year",
    "/schedule/my-day?day=0000-00-00",
    "/schedule/appointments/99999999999999999999999",
    "/schedule/appointments/-1",
    "/schedule/appointments/abc/move",
    "/schedule/find?personal_number=%27%20OR%201=1--",
    "/patients/99999999999999999999999/appointments",
    "/patients/{greta}/appointments/new?type_id=9e99&clinician_id=-1&from_day=0001-01-01",
    "/calendar/feed.ics?token=" + "a" * 64,
    "/calendar/feed.ics?token=" + "%00" * 64,
    "/calendar/feed.ics?token=" + "x" * 5000,
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_crafted_url_is_refused_not_a_server_error(browser, cast, clinic, url):
    rita = browser("rita")
    response = rita.get(url.format(greta=cast.greta_patient, visit=clinic.visit))
    assert response.status_code < 500, (url, response.status_code)


BAD_POSTS = [
    (
        "/patients/{greta}/appointments/new",
        {"type_id": "{visit}", "clinician_id": "{alice}", "starts_at": "2026-13-45T99:99"},
    ),
    (
        "/patients/{greta}/appointments/new",
        {"type_id": str(2**64), "clinician_id": "{alice}", "starts_at": "2030-01-01T10:00"},
    ),
    (
        "/patients/{greta}/appointments/new",
        {"type_id": "{visit}", "clinician_id": "{alice}", "starts_at": "294276-01-01T10:00"},
    ),
    (
        "/patients/{greta}/appointments/new",
        {"type_id": "{visit}", "clinician_id": "{alice}", "starts_at": "0001-01-01T00:00"},
    ),
    (
        "/patients/{greta}/appointments/new",
        {
            "type_id": "{visit}",
            "clinician_id": "{alice}",
            "starts_at": "2030-01-01T10:00+14:00",
            "room_id": "0",
        },
    ),
    ("/patients/{greta}/appointments/waitlist", {"type_id": "{visit}", "clinician_id": str(2**63)}),
    ("/schedule/appointments/{appt}/move", {"starts_at": "infinity"}),
    ("/schedule/appointments/{appt}/cancel", {"reason": "x" * 100000}),
    ("/schedule/walk-in", {"personal_number": "' OR 1=1 --x", "type_id": "{visit}"}),
]


@pytest.mark.parametrize(("url", "data"), BAD_POSTS)
def test_a_crafted_form_is_refused_not_a_server_error(browser, owner, cast, clinic, scene, url, data):
    rita = browser("rita")
    names = {"greta": cast.greta_patient, "visit": clinic.visit, "alice": cast.alice, "appt": scene["greta"]}
    response = rita.post(url.format(**names), {k: v.format(**names) for k, v in data.items()})
    assert response.status_code < 500, (url, response.status_code)
    assert count(owner, "SELECT 1 FROM appointment") == 2
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [scene["greta"]]).fetchone()["status"]
        == "booked"
    )


def test_the_portal_refuses_crafted_input(browser, cast, clinic):
    greta = browser("greta")
    for url in (
        "/my/appointments?patient_id=-1",
        "/my/appointments?patient_id=99999999999999999999999",
        "/my/appointments/new?patient_id=abc&type_id=9e99&from_day=banana",
        f"/my/appointments/new?type_id={clinic.procedure}",
        "/my/appointments/99999999999999999999999/move",
    ):
        assert greta.get(url).status_code < 500, url
    response = greta.post(
        "/my/appointments/new",
        {
            "patient_id": cast.greta_patient,
            "type_id": clinic.procedure,
            "clinician_id": cast.alice,
            "starts_at": at(3, 10).isoformat(),
        },
    )
    assert response.status_code in (403, 404, 422)
    assert "Bronchoscopy" not in response.text or response.status_code == 422


def test_the_feed_answers_only_its_token_and_names_no_patient(browser, client, owner, cast, scene):
    alice = browser("alice")
    token = re.search(r"token=([0-9a-f]{64})", alice.post("/schedule/feed").text).group(1)
    body = client.get(f"/calendar/feed.ics?token={token}")
    assert body.status_code == 200 and body.text.count("BEGIN:VEVENT") == 2
    for name in ("Greta", "Gustafsson", "194202142388", "Hugo", "Holm", "19500303"):
        assert name not in body.text
    # the token is the only key: a session does not open another's feed, nor do guesses
    bob = browser("bob")
    for guess in ("0" * 64, token[:-1] + ("0" if token[-1] != "0" else "1"), token.upper()):
        assert bob.get(f"/calendar/feed.ics?token={guess}").status_code in (404, 422)
        assert client.get(f"/calendar/feed.ics?token={guess}").status_code in (404, 422)
    assert client.get("/calendar/feed.ics").status_code in (404, 422)
    alice.post("/schedule/feed")  # a new token revokes the old one
    assert client.get(f"/calendar/feed.ics?token={token}").status_code == 404


def test_a_far_from_day_is_refused_not_a_server_error(browser, cast, clinic):
    rita, greta = browser("rita"), browser("greta")
    urls = [
        (rita, f"/patients/{cast.greta_patient}/appointments/new?type_id={clinic.visit}&from_day=9999-12-31"),
        (greta, f"/my/appointments/new?type_id={clinic.visit}&from_day=9999-12-31"),
    ]
    for person, url in urls:
        try:
            status = person.get(url).status_code
        except OverflowError:
            status = 500
        assert status < 500, url
