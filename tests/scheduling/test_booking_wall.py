"""The booking rules hold in the database, for anyone holding the app role's
credentials: no overlap for a clinician, a room or a patient; only within the
hours; never in the past; only what patients may book; patients change only
until 24 hours before; and only those entitled book, move or cancel."""

import pytest

from tests.db.expect import refused
from tests.db.pnr import number
from tests.scheduling.conftest import at, book, new_patient

NILS = (number("19700101"), "Nils", "Nord", "1970-01-01", "male")
BOOK = "SELECT appointment_book(%s, %s, %s, %s, %s)"


def test_reception_books_a_time_and_the_patient_is_told(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    appointment = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10), clinic.room)
    row = owner.execute("SELECT * FROM appointment WHERE id = %s", [appointment]).fetchone()
    assert (
        row["status"] == "booked" and row["booked_by"] == cast.rita and row["care_unit_id"] == cast.unit_med
    )
    assert row["during"].upper - row["during"].lower == at(0, 10, 30) - at(0, 10)
    notice = owner.execute(
        "SELECT kind FROM patient_notice WHERE appointment_id = %s", [appointment]
    ).fetchall()
    assert [n["kind"] for n in notice] == ["booked"]


def test_two_bookings_of_one_clinician_can_never_overlap(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    other = new_patient(owner)
    book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    refused(
        rita,
        BOOK,
        [other, clinic.visit, cast.alice, at(2, 10, 15), None],
        constraint="appointment_slot_taken",
    )
    refused(
        rita,
        BOOK,
        [other, clinic.procedure, cast.alice, at(2, 9, 45), None],
        constraint="appointment_slot_taken",
    )
    # back to back is not an overlap
    book(rita, other, clinic.visit, cast.alice, at(2, 10, 30))


def test_a_room_and_a_patient_are_never_in_two_places_at_once(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    other = new_patient(owner)
    book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10), clinic.room)
    refused(
        rita,
        BOOK,
        [other, clinic.visit, cast.bob, at(2, 10), clinic.room],
        constraint="appointment_no_overlap_room",
    )
    refused(
        rita,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.bob, at(2, 10, 10), None],
        constraint="appointment_no_overlap_patient",
    )


def test_the_constraints_hold_even_for_the_owner(owner, cast, clinic):
    """Not a check the functions make: the table itself refuses."""
    insert = (
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode) "
        "VALUES (%s, %s, %s, %s, tstzrange(%s, %s), 'in_person')"
    )
    owner.execute(insert, [cast.greta_patient, clinic.visit, cast.unit_med, cast.alice, at(3, 9), at(3, 10)])
    other = new_patient(owner)
    refused(
        owner,
        insert,
        [other, clinic.visit, cast.unit_med, cast.alice, at(3, 9, 30), at(3, 10, 30)],
        constraint="appointment_no_overlap_clinician",
    )
    refused(
        owner,
        insert,
        [other, clinic.visit, cast.unit_med, cast.alice, at(3, 11), at(3, 10)],
        sqlstate="22000",
    )


def test_a_time_outside_the_hours_or_during_leave_is_refused(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    refused(
        rita,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.alice, at(2, 7), None],
        constraint="appointment_within_hours",
    )
    # ends after 16:00
    refused(
        rita,
        BOOK,
        [cast.greta_patient, clinic.procedure, cast.alice, at(2, 15, 30), None],
        constraint="appointment_within_hours",
    )
    owner.execute(
        "INSERT INTO schedule_exception (clinician_id, kind, during, created_by) "
        "VALUES (%s, 'course', tstzrange(%s, %s), %s)",
        [cast.alice, at(4, 0), at(5, 0), cast.adam],
    )
    refused(
        rita,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.alice, at(4, 10), None],
        constraint="appointment_within_hours",
    )


def test_a_time_in_the_past_is_refused(app_as, cast, clinic):
    refused(
        app_as(cast.rita),
        BOOK,
        [cast.greta_patient, clinic.visit, cast.alice, at(-1, 10), None],
        constraint="appointment_not_past",
    )


def test_only_a_clinician_of_the_unit_and_its_rooms(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    refused(
        rita,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.charlie, at(2, 10), None],
        constraint="appointment_clinician_of_unit",
    )
    refused(
        rita,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.rita, at(2, 10), None],
        constraint="appointment_clinician_of_unit",
    )
    er_room = owner.execute(
        "INSERT INTO clinic_room (care_unit_id, name) VALUES (%s, 'Akutrum 1') RETURNING id", [clinic.er_unit]
    ).fetchone()["id"]
    refused(
        rita,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.alice, at(2, 10), er_room],
        constraint="appointment_room_of_unit",
    )


def test_a_patient_books_their_own_time_of_a_bookable_type_only(app_as, owner, cast, clinic):
    greta = app_as(cast.greta)
    book(greta, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    refused(
        greta,
        BOOK,
        [cast.greta_patient, clinic.procedure, cast.alice, at(3, 10), None],
        constraint="appointment_patient_bookable",
    )
    other = new_patient(owner)
    refused(
        greta,
        BOOK,
        [other, clinic.visit, cast.alice, at(3, 10), None],
        constraint="appointment_patient_within_reach",
    )


@pytest.mark.parametrize(
    ("scopes", "may"), [("{appointments}", True), ("{record}", True), ("{messages}", False)]
)
def test_a_relative_books_only_with_a_grant_that_covers_bookings(app_as, owner, cast, clinic, scopes, may):
    sven = app_as(cast.sven)
    refused(
        sven,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.alice, at(2, 10), None],
        constraint="appointment_patient_within_reach",
    )
    owner.execute(
        "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, granted_by) VALUES (%s, %s, %s, %s)",
        [cast.greta_patient, cast.sven, scopes, cast.greta],
    )
    if may:
        assert book(sven, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    else:
        refused(
            sven,
            BOOK,
            [cast.greta_patient, clinic.visit, cast.alice, at(2, 10), None],
            constraint="appointment_patient_within_reach",
        )


@pytest.mark.parametrize("who", ["charlie", "petra", "erik"])
def test_staff_outside_the_unit_or_without_the_work_cannot_book(app_as, cast, clinic, who):
    refused(
        app_as(getattr(cast, who)),
        BOOK,
        [cast.greta_patient, clinic.visit, cast.alice, at(2, 10), None],
        sqlstate="HM090",
    )


def test_nobody_books_without_a_verified_user(app_conn, cast, clinic):
    refused(
        app_conn,
        BOOK,
        [cast.greta_patient, clinic.visit, cast.alice, at(2, 10), None],
        constraint="appointment_by_verified_user",
    )


def test_the_app_role_writes_no_appointment_row_directly(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    appointment = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    refused(
        rita,
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode) "
        "VALUES (%s, %s, %s, %s, tstzrange(now(), now() + interval '1 hour'), 'in_person')",
        [cast.greta_patient, clinic.visit, cast.unit_med, cast.alice],
        sqlstate="42501",
    )
    refused(rita, "UPDATE appointment SET status = 'arrived' WHERE id = %s", [appointment], sqlstate="42501")
    refused(rita, "DELETE FROM appointment WHERE id = %s", [appointment], sqlstate="42501")
    refused(rita, "SELECT to_address FROM mail_outbox", sqlstate="42501")
    refused(rita, "SELECT token_hash FROM calendar_feed", sqlstate="42501")


def test_a_patient_cancels_until_24_hours_before_and_reception_after(app_as, owner, cast, clinic):
    greta = app_as(cast.greta)
    early = book(greta, cast.greta_patient, clinic.visit, cast.alice, at(3, 10))
    greta.execute("SELECT appointment_cancel(%s, 'Cannot come')", [early])
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [early]).fetchone()["status"]
        == "cancelled"
    )
    soon = owner.execute(
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode) "
        "VALUES (%s, %s, %s, %s, tstzrange(now() + interval '5 hours', now() + interval '5.5 hours'), 'in_person') "
        "RETURNING id",
        [cast.greta_patient, clinic.visit, cast.unit_med, cast.alice],
    ).fetchone()["id"]
    refused(
        greta, "SELECT appointment_cancel(%s, 'Cannot come')", [soon], constraint="appointment_change_24h"
    )
    refused(greta, "SELECT appointment_move(%s, %s)", [soon, at(4, 10)], constraint="appointment_change_24h")
    app_as(cast.rita).execute("SELECT appointment_cancel(%s, 'Patient called in sick')", [soon])


def test_a_cancellation_needs_a_reason(app_as, cast, clinic):
    rita = app_as(cast.rita)
    appointment = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    refused(
        rita,
        "SELECT appointment_cancel(%s, NULL)",
        [appointment],
        constraint="appointment_cancelled_has_reason",
    )
    refused(
        rita,
        "SELECT appointment_cancel(%s, 'x')",
        [appointment],
        constraint="appointment_cancel_reason_length",
    )


def test_moving_keeps_the_rules_and_frees_the_old_time(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    other = new_patient(owner)
    first = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10), clinic.room)
    book(rita, other, clinic.visit, cast.alice, at(2, 11))
    refused(
        rita, "SELECT appointment_move(%s, %s)", [first, at(2, 11, 15)], constraint="appointment_slot_taken"
    )
    refused(
        rita, "SELECT appointment_move(%s, %s)", [first, at(2, 20)], constraint="appointment_within_hours"
    )
    rita.execute("SELECT appointment_move(%s, %s, %s)", [first, at(2, 10), cast.bob])
    rita.execute("SELECT appointment_move(%s, %s)", [first, at(2, 12)])
    row = owner.execute(
        "SELECT lower(during) AS starts, clinician_id, room_id FROM appointment WHERE id = %s", [first]
    ).fetchone()
    assert row["starts"] == at(2, 12) and row["clinician_id"] == cast.bob and row["room_id"] == clinic.room
    book(rita, new_patient(owner, NILS), clinic.visit, cast.alice, at(2, 10))
    kinds = owner.execute(
        "SELECT kind FROM appointment_event WHERE appointment_id = %s ORDER BY id", [first]
    ).fetchall()
    assert [k["kind"] for k in kinds] == ["booked", "moved", "moved"]


def test_another_patient_never_sees_gretas_bookings(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    hugo_patient = new_patient(owner)
    hugo = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) VALUES ('hugo', %s, 'patient', 'Åsa Ek') RETURNING id",
        [cast_password()],
    ).fetchone()["id"]
    owner.execute("INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)", [hugo, hugo_patient])
    count = "SELECT (SELECT count(*) FROM appointment) AS a, (SELECT count(*) FROM patient_notice) AS n, (SELECT count(*) FROM appointment_event) AS e"
    assert dict(app_as(hugo).execute(count).fetchone()) == {"a": 0, "n": 0, "e": 0}
    assert dict(app_as(cast.greta).execute(count).fetchone()) == {"a": 1, "n": 1, "e": 1}
    # staff: the unit's clinicians and reception see it; surgery, pharmacy, the specialist and Sven (no grant) do not
    for who, seen in (
        ("alice", 1),
        ("bob", 1),
        ("rita", 1),
        ("adam", 1),
        ("charlie", 0),
        ("petra", 0),
        ("erik", 0),
        ("sven", 0),
    ):
        assert (
            app_as(getattr(cast, who)).execute("SELECT count(*) AS a FROM appointment").fetchone()["a"]
            == seen
        ), who


def test_a_patient_marks_only_their_own_notices_read(app_as, owner, cast, clinic):
    book(app_as(cast.rita), cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    rita = app_as(cast.rita)
    assert rita.execute("UPDATE patient_notice SET read_at = now() RETURNING id").fetchall() == []
    assert (
        len(app_as(cast.greta).execute("UPDATE patient_notice SET read_at = now() RETURNING id").fetchall())
        == 1
    )


def test_only_administrators_set_up_types_hours_rooms_and_time_away(app_as, cast, clinic):
    rita = app_as(cast.rita)
    refused(
        rita,
        "INSERT INTO appointment_type (care_unit_id, name, duration_minutes) VALUES (%s, 'Extra', 30)",
        [cast.unit_med],
        sqlstate="42501",
    )
    refused(
        rita,
        "INSERT INTO working_hours (clinician_id, care_unit_id, weekday, starts_at, ends_at) "
        "VALUES (%s, %s, 1, '18:00', '20:00')",
        [cast.alice, cast.unit_med],
        sqlstate="42501",
    )
    assert rita.execute("DELETE FROM working_hours RETURNING id").fetchall() == []
    adam = app_as(cast.adam)
    adam.execute("INSERT INTO clinic_room (care_unit_id, name) VALUES (%s, 'Mottagning 4')", [cast.unit_med])
    refused(
        adam,
        "INSERT INTO working_hours (clinician_id, care_unit_id, weekday, starts_at, ends_at) "
        "VALUES (%s, %s, 1, '15:00', '17:00')",
        [cast.alice, cast.unit_med],
        constraint="working_hours_no_overlap",
    )
    refused(
        adam,
        "INSERT INTO working_hours (clinician_id, care_unit_id, weekday, starts_at, ends_at) "
        "VALUES (%s, %s, 1, '18:00', '17:00')",
        [cast.alice, cast.unit_med],
        constraint="working_hours_period_ordered",
    )
    refused(
        adam,
        "INSERT INTO working_hours (clinician_id, care_unit_id, weekday, starts_at, ends_at) "
        "VALUES (%s, %s, 1, '18:00', '20:00')",
        [cast.charlie, cast.unit_med],
        constraint="working_hours_clinician_unit_fk",
    )


def cast_password() -> str:
    from tests import cast as cast_module

    return cast_module.password_hash()
