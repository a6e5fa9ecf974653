"""Attacks on care requests by someone who holds the app role's credentials
and types plain SQL, acting through a real verified session of one of the
cast (migration 0026).

The scene: Greta (in the medical ward's care) with a signed note by Dr Alice
and a paracetamol prescription of Alice's; Åsa, another patient with her own
portal login, a note and a prescription of her own; Greta's son Sven, whose
grant is varied per test. Every test is an attack the system refuses."""

from datetime import datetime, timedelta

import psycopg
import pytest

from hms.core.clock import LOCAL_TZ
from tests.cast import _user
from tests.db.expect import refused
from tests.journal import given
from tests.medication.conftest import ensure_drugs, given_prescription
from tests.requests.conftest import DECIDE, FILE, TAKE, WITHDRAW, decide, file, grant, status

note = pytest.fixture(
    lambda owner, cast: dict(zip(("note", "version"), given.signed_note(owner, cast), strict=True))
)
prescription = pytest.fixture(lambda owner, cast: given_prescription(owner, cast))


@pytest.fixture()
def asa(owner, cast) -> dict[str, int]:
    """Another patient of the medical ward, with her own login, note and prescription."""
    patient = given.patient(owner)
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Uppföljning', %s)",
        [patient, cast.unit_med, cast.alice],
    )
    user = _user(owner, "asa", "patient", "Åsa Ek")
    owner.execute("INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)", [user, patient])
    note_id, _ = given.signed_note(owner, cast, patient=patient)
    return {
        "patient": patient,
        "user": user,
        "note": note_id,
        "prescription": given_prescription(owner, cast, patient=patient),
    }


def visible(conn, **where) -> int:
    clause = " AND ".join(f"{k} = %s" for k in where) or "true"
    return conn.execute(
        f"SELECT count(*) AS n FROM care_request WHERE {clause}", list(where.values())
    ).fetchone()["n"]  # noqa: S608


def count(owner) -> int:
    return owner.execute("SELECT count(*) AS n FROM care_request").fetchone()["n"]


def today():
    return datetime.now(LOCAL_TZ).date()


# --- The patient side -----------------------------------------------------------


def test_another_patients_requests_are_invisible_and_cannot_be_withdrawn(acting_as, cast, asa):
    greta = acting_as(cast.greta)
    mine = file(greta, cast.greta_patient, "question", unit=cast.unit_med)
    other = acting_as(asa["user"])
    assert visible(other) == 0
    assert visible(other, id=mine) == 0
    refused(other, WITHDRAW, [mine], constraint="care_request_own")
    assert visible(greta, id=mine) == 1


def test_a_patient_cannot_file_for_another_patient(acting_as, owner, cast, asa):
    greta = acting_as(cast.greta)
    refused(greta, FILE, [asa["patient"], "question", cast.unit_med, None, None, "Hello there", None],
            constraint="care_request_filer_may")  # fmt: skip
    assert count(owner) == 0


@pytest.mark.parametrize("kind", ["expired", "revoked", "not yet begun"])
def test_a_relative_without_a_grant_in_force_sees_nothing_and_cannot_file(acting_as, owner, cast, kind):
    file(acting_as(cast.greta), cast.greta_patient, "question", unit=cast.unit_med)
    scopes = ["messages", "record", "medication", "appointments"]
    if kind == "expired":
        grant(
            owner, cast, scopes, starts_on=today() - timedelta(days=30), ends_on=today() - timedelta(days=1)
        )
    elif kind == "revoked":
        grant(owner, cast, scopes)
        owner.execute("UPDATE proxy_grant SET revoked_at = now()")
    else:
        grant(owner, cast, scopes, starts_on=today() + timedelta(days=1))
    sven = acting_as(cast.sven)
    assert visible(sven) == 0
    refused(sven, FILE, [cast.greta_patient, "question", cast.unit_med, None, None, "Hello there", None],
            constraint="care_request_filer_may")  # fmt: skip
    assert count(owner) == 1


def test_a_relative_without_the_medication_scope_cannot_ask_for_a_renewal(
    acting_as, owner, cast, prescription
):
    grant(owner, cast, ["messages"])
    sven = acting_as(cast.sven)
    refused(sven, FILE, [cast.greta_patient, "renewal", None, prescription, None, "Running out", None],
            constraint="care_request_filer_may")  # fmt: skip
    assert count(owner) == 0
    # Nor does he see Greta's own renewal requests.
    file(acting_as(cast.greta), cast.greta_patient, "renewal", prescription=prescription)
    question = file(sven, cast.greta_patient, "question", unit=cast.unit_med)
    assert [r["id"] for r in sven.execute("SELECT id FROM care_request").fetchall()] == [question]


def test_a_relative_with_the_medication_scope_asks_for_a_renewal(acting_as, owner, cast, prescription):
    grant(owner, cast, ["medication"])
    sven = acting_as(cast.sven)
    request = file(sven, cast.greta_patient, "renewal", prescription=prescription)
    assert visible(sven, id=request) == 1
    # The medication scope is not the messages one: no question.
    refused(sven, FILE, [cast.greta_patient, "question", cast.unit_med, None, None, "Hello there", None],
            constraint="care_request_filer_may")  # fmt: skip


def test_a_relative_with_messages_only_cannot_ask_to_correct_a_note_he_cannot_read(
    acting_as, owner, cast, note
):
    grant(owner, cast, ["messages"])
    refused(acting_as(cast.sven), FILE,
            [cast.greta_patient, "correction", None, None, note["note"], "Wrong year", "It was 2019"],
            constraint="care_request_note_visible")  # fmt: skip
    assert count(owner) == 0


def test_renewal_of_another_patients_prescription_is_refused(acting_as, owner, cast, asa):
    greta = acting_as(cast.greta)
    refused(greta, FILE, [cast.greta_patient, "renewal", None, asa["prescription"], None, "Renew it", None],
            constraint="care_request_prescription_own")  # fmt: skip
    assert count(owner) == 0


def test_renewal_of_a_discontinued_prescription_is_refused(acting_as, owner, cast, prescription):
    owner.execute("ALTER TABLE prescription DISABLE TRIGGER USER")
    owner.execute("UPDATE prescription SET status = 'discontinued' WHERE id = %s", [prescription])
    owner.execute("ALTER TABLE prescription ENABLE TRIGGER USER")
    refused(acting_as(cast.greta), FILE,
            [cast.greta_patient, "renewal", None, prescription, None, "Renew it", None],
            constraint="care_request_prescription_own")  # fmt: skip


def test_correction_of_another_patients_note_is_refused(acting_as, owner, cast, asa):
    refused(acting_as(cast.greta), FILE,
            [cast.greta_patient, "correction", None, None, asa["note"], "Not mine", "Remove it"],
            constraint="care_request_note_visible")  # fmt: skip
    assert count(owner) == 0


def test_a_draft_is_no_note_the_patient_can_ask_to_correct(acting_as, owner, cast):
    draft, _ = given.note(owner, cast)
    refused(acting_as(cast.greta), FILE,
            [cast.greta_patient, "correction", None, None, draft, "Wrong", "Right"],
            constraint="care_request_note_visible")  # fmt: skip


def test_a_unit_without_contact_with_the_patient_is_refused(acting_as, owner, cast):
    refused(acting_as(cast.greta), FILE,
            [cast.greta_patient, "question", cast.unit_surg, None, None, "Hello there", None],
            constraint="care_request_unit_contact")  # fmt: skip
    units = acting_as(cast.greta).execute(
        "SELECT id FROM care_request_units(%s, 'question')", [cast.greta_patient]
    )
    assert [u["id"] for u in units] == [cast.unit_med]
    assert count(owner) == 0


def test_the_app_role_writes_no_row_of_its_own(acting_as, owner, cast):
    greta = acting_as(cast.greta)
    refused(greta, "INSERT INTO care_request (patient_id, kind, care_unit_id, body, filed_by) "
            "VALUES (%s, 'question', %s, 'Hello there', %s)", [cast.greta_patient, cast.unit_med, cast.greta],
            sqlstate="42501")  # fmt: skip
    request = file(greta, cast.greta_patient, "question", unit=cast.unit_med)
    alice = acting_as(cast.alice)
    refused(alice, "UPDATE care_request SET status = 'answered', answered_by = %s, answered_at = now(), "
            "answer = 'Fine' WHERE id = %s", [cast.alice, request], sqlstate="42501")  # fmt: skip
    refused(greta, "DELETE FROM care_request WHERE id = %s", [request], sqlstate="42501")
    assert status(owner, request) == "open"


def test_nobody_files_without_a_verified_user(app_conn, cast):
    refused(app_conn, FILE, [cast.greta_patient, "question", cast.unit_med, None, None, "Hello there", None],
            constraint="care_request_by_verified_user")  # fmt: skip
    assert app_conn.execute("SELECT count(*) AS n FROM care_request").fetchone()["n"] == 0


# --- Staff ----------------------------------------------------------------------------


def test_staff_of_another_unit_or_role_neither_see_nor_handle(acting_as, cast):
    greta = acting_as(cast.greta)
    question = file(greta, cast.greta_patient, "question", unit=cast.unit_med)
    certificate = file(greta, cast.greta_patient, "certificate", unit=cast.unit_med)
    booking = file(greta, cast.greta_patient, "booking", unit=cast.unit_med)
    charlie, rita, bob = acting_as(cast.charlie), acting_as(cast.rita), acting_as(cast.bob)
    petra, adam = acting_as(cast.petra), acting_as(cast.adam)
    assert visible(charlie) == 0 and visible(petra) == 0 and visible(adam) == 0
    assert [r["id"] for r in rita.execute("SELECT id FROM care_request").fetchall()] == [booking]
    assert sorted(r["id"] for r in bob.execute("SELECT id FROM care_request").fetchall()) == [question]
    for conn, request in ((charlie, question), (rita, question), (bob, certificate), (bob, booking),
                          (adam, booking), (petra, question)):  # fmt: skip
        refused(conn, TAKE, [request], constraint="care_request_routed")


def test_a_renewal_goes_to_its_prescriber_alone(acting_as, owner, cast, prescription):
    request = file(acting_as(cast.greta), cast.greta_patient, "renewal", prescription=prescription)
    # Another doctor of the same unit does not get it.
    other = _user(owner, "dora", "doctor", "Dr Dora Dahl")
    owner.execute(
        "INSERT INTO staff_profile (user_id, role, profession, licence_number) "
        "VALUES (%s, 'doctor', 'Physician', 'DOC-1003')",
        [other],
    )
    owner.execute(
        "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [other, cast.unit_med]
    )
    for user in (other, cast.bob, cast.rita, cast.charlie, cast.petra):
        conn = acting_as(user)
        assert visible(conn) == 0
        refused(conn, TAKE, [request], constraint="care_request_routed")
    alice = acting_as(cast.alice)
    assert visible(alice, id=request) == 1
    alice.execute(TAKE, [request])
    assert status(owner, request) == "in_progress"


def test_only_the_handler_who_took_it_decides(acting_as, owner, cast):
    request = file(acting_as(cast.greta), cast.greta_patient, "question", unit=cast.unit_med)
    acting_as(cast.bob).execute(TAKE, [request])
    alice = acting_as(cast.alice)
    with pytest.raises(psycopg.Error) as caught:
        decide(alice, request, "answered", "Take two tablets.")
    assert caught.value.diag.constraint_name == "care_request_taken_by_other"
    refused(alice, TAKE, [request], constraint="care_request_take_open")
    decide(acting_as(cast.bob), request, "answered", "Take two tablets.")
    row = owner.execute(
        "SELECT status, answered_by, taken_by FROM care_request WHERE id = %s", [request]
    ).fetchone()
    assert row == {"status": "answered", "answered_by": cast.bob, "taken_by": cast.bob}


def test_states_are_not_skipped(acting_as, owner, cast):
    greta = acting_as(cast.greta)
    request = file(greta, cast.greta_patient, "question", unit=cast.unit_med)
    alice = acting_as(cast.alice)
    # Answered without being taken.
    refused(
        alice, DECIDE, [request, "answered", "Yes", None, None, None], constraint="care_request_transition"
    )
    alice.execute(TAKE, [request])
    # Withdrawn once taken; taken, reopened or withdrawn through the decision.
    refused(greta, WITHDRAW, [request], constraint="care_request_withdraw_open")
    for outcome in ("open", "in_progress", "withdrawn"):
        refused(
            alice, DECIDE, [request, outcome, "Yes", None, None, None], constraint="care_request_transition"
        )
    decide(alice, request, "answered", "Yes, come on Monday.")
    # Decided once: nothing more.
    refused(alice, DECIDE, [request, "refused", "Changed my mind", None, None, None],
            constraint="care_request_transition")  # fmt: skip
    refused(greta, WITHDRAW, [request], constraint="care_request_withdraw_open")
    assert status(owner, request) == "answered"


def test_a_withdrawn_request_is_not_taken(acting_as, owner, cast):
    greta = acting_as(cast.greta)
    request = file(greta, cast.greta_patient, "question", unit=cast.unit_med)
    greta.execute(WITHDRAW, [request])
    refused(acting_as(cast.alice), TAKE, [request], constraint="care_request_take_open")
    row = owner.execute("SELECT status, answered_by FROM care_request WHERE id = %s", [request]).fetchone()
    assert row == {"status": "withdrawn", "answered_by": cast.greta}


def test_a_refusal_needs_a_reason_and_kinds_keep_their_outcomes(acting_as, cast, note):
    greta = acting_as(cast.greta)
    question = file(greta, cast.greta_patient, "question", unit=cast.unit_med)
    correction = file(greta, cast.greta_patient, "correction", note=note["note"], body="Wrong year",
                      proposed="It was 2019")  # fmt: skip
    alice = acting_as(cast.alice)
    alice.execute(TAKE, [question])
    alice.execute(TAKE, [correction])
    refused(
        alice,
        DECIDE,
        [question, "refused", "  no ", None, None, None],
        constraint="care_request_refusal_has_reason",
    )
    refused(
        alice,
        DECIDE,
        [question, "approved", "ok", None, None, None],
        constraint="care_request_outcome_of_kind",
    )
    refused(
        alice,
        DECIDE,
        [correction, "answered", "ok", None, None, None],
        constraint="care_request_outcome_of_kind",
    )
    refused(
        alice,
        DECIDE,
        [correction, "approved", "ok", None, None, None],
        constraint="care_request_amendment_version",
    )
    decide(alice, correction, "refused", "The note says what was said at the visit.")


def test_the_decision_takes_its_author_from_the_verified_identity_not_the_app(acting_as, owner, cast):
    request = file(acting_as(cast.greta), cast.greta_patient, "question", unit=cast.unit_med)
    bob = acting_as(cast.bob)
    bob.execute(TAKE, [request])
    decide(bob, request, "answered", "Yes.")
    row = owner.execute(
        "SELECT taken_by, answered_by, filed_by FROM care_request WHERE id = %s", [request]
    ).fetchone()
    assert row == {"taken_by": cast.bob, "answered_by": cast.bob, "filed_by": cast.greta}


def test_the_owner_cannot_rewrite_what_was_asked_or_decided(owner, acting_as, cast):
    request = file(acting_as(cast.greta), cast.greta_patient, "question", unit=cast.unit_med)
    refused(owner, "UPDATE care_request SET body = 'Something else' WHERE id = %s", [request],
            constraint="care_request_kept")  # fmt: skip
    refused(owner, "UPDATE care_request SET status = 'answered', answered_by = %s, answered_at = now() "
            "WHERE id = %s", [cast.alice, request], constraint="care_request_transition")  # fmt: skip
    alice = acting_as(cast.alice)
    alice.execute(TAKE, [request])
    decide(alice, request, "answered", "Yes.")
    refused(owner, "UPDATE care_request SET answer = 'No.', answered_by = %s WHERE id = %s", [cast.bob, request],
            constraint="care_request_kept")  # fmt: skip
    refused(owner, "DELETE FROM care_request WHERE id = %s", [request], constraint="care_request_kept")


# --- Approvals: the renewal and the amendment ---------------------------------------------


def renew(conn, cast, prescription: int) -> int:
    """A 'renewed' version, written as the app writes it; returns its id."""
    head = conn.execute(
        "SELECT current_version_id FROM prescription WHERE id = %s", [prescription]
    ).fetchone()
    return conn.execute(
        "INSERT INTO prescription_version (prescription_id, patient_id, drug_id, change, based_on, care_unit_id, "
        "dose, dose_unit, route, schedule, starts_at, ends_at) "
        "SELECT p.id, p.patient_id, p.drug_id, 'renewed', %s, p.care_unit_id, 1, 'mg', 'oral', 'times', now(), "
        "now() + interval '1 year' FROM prescription AS p WHERE p.id = %s RETURNING id",
        [head["current_version_id"], prescription],
    ).fetchone()["id"]


def test_a_renewal_is_approved_only_with_its_own_renewed_version(acting_as, owner, cast, prescription, asa):
    request = file(acting_as(cast.greta), cast.greta_patient, "renewal", prescription=prescription)
    alice = acting_as(cast.alice)
    alice.execute(TAKE, [request])
    # A version of another patient's prescription does not approve it.
    other = renew(alice, cast, asa["prescription"])
    refused(
        alice,
        DECIDE,
        [request, "approved", None, other, None, None],
        constraint="care_request_renewal_version",
    )
    # Nor does the prescription's first version (no renewal).
    first = owner.execute(
        "SELECT current_version_id AS v FROM prescription WHERE id = %s", [prescription]
    ).fetchone()
    refused(alice, DECIDE, [request, "approved", None, first["v"], None, None],
            constraint="care_request_renewal_version")  # fmt: skip
    with alice.transaction():
        version = renew(alice, cast, prescription)
        decide(alice, request, "approved", prescription_version=version)
    row = owner.execute(
        "SELECT status, prescription_version_id FROM care_request WHERE id = %s", [request]
    ).fetchone()
    assert row == {"status": "approved", "prescription_version_id": version}


def test_a_correction_is_approved_only_with_an_amendment_of_its_own_note(acting_as, owner, cast, note, asa):
    greta = acting_as(cast.greta)
    request = file(greta, cast.greta_patient, "correction", note=note["note"], body="Wrong year",
                   proposed="It was 2019")  # fmt: skip
    alice = acting_as(cast.alice)
    alice.execute(TAKE, [request])
    # An amendment of another patient's note does not approve it.
    with alice.transaction():
        foreign = given.amend(alice, cast, asa["note"])
        alice.execute("SELECT note_sign(%s, %s)", [foreign, cast.alice])
    refused(alice, DECIDE, [request, "approved", None, None, foreign, None],
            constraint="care_request_amendment_version")  # fmt: skip
    # Nor does the very version the patient read.
    refused(alice, DECIDE, [request, "approved", None, None, note["version"], None],
            constraint="care_request_amendment_version")  # fmt: skip
    with alice.transaction():
        amended = given.amend(alice, cast, note["note"], reason="Correction asked for by the patient")
        alice.execute(
            "UPDATE note_section SET body = 'It was 2019' WHERE version_id = %s AND position = 1", [amended]
        )
        alice.execute("SELECT note_sign(%s, %s)", [amended, cast.alice])
        decide(alice, request, "approved", "Corrected.", amended_version=amended)
    row = owner.execute(
        "SELECT status, amended_version_id FROM care_request WHERE id = %s", [request]
    ).fetchone()
    assert row == {"status": "approved", "amended_version_id": amended}
    # The patient sees the decision.
    assert (
        greta.execute("SELECT status FROM care_request WHERE id = %s", [request]).fetchone()["status"]
        == "approved"
    )


def test_a_correction_of_another_units_note_goes_to_that_units_doctors(acting_as, owner, cast):
    ensure_drugs(owner)
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Operation', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )
    note_id = owner.execute(
        "INSERT INTO note (patient_id, care_unit_id, kind, created_by) VALUES (%s, %s, 'progress', %s) RETURNING id",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    ).fetchone()["id"]
    version = owner.execute(
        "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id) "
        "VALUES (%s, %s, 1, %s, %s) RETURNING id",
        [note_id, cast.greta_patient, cast.charlie, cast.unit_surg],
    ).fetchone()["id"]
    given.section(owner, version, 1, "Aktuellt", "Appendectomy.")
    given.sign(owner, version, cast.charlie)
    request = file(acting_as(cast.greta), cast.greta_patient, "correction", note=note_id, body="Wrong side",
                   proposed="Left side")  # fmt: skip
    refused(acting_as(cast.alice), TAKE, [request], constraint="care_request_routed")
    acting_as(cast.charlie).execute(TAKE, [request])
    assert status(owner, request) == "in_progress"


def test_a_block_hides_a_units_requests_from_a_relative(acting_as, owner, cast):
    grant(owner, cast, ["messages", "record"])
    sven = acting_as(cast.sven)
    request = file(acting_as(cast.greta), cast.greta_patient, "question", unit=cast.unit_med)
    assert visible(sven, id=request) == 1
    owner.execute(
        "INSERT INTO journal_block (patient_id, care_unit_id, created_by) VALUES (%s, %s, %s)",
        [cast.greta_patient, cast.unit_med, cast.greta],
    )
    assert visible(sven) == 0
    assert (
        sven.execute("SELECT id FROM care_request_units(%s, 'question')", [cast.greta_patient]).fetchall()
        == []
    )
    refused(sven, FILE, [cast.greta_patient, "question", cast.unit_med, None, None, "Hello there", None],
            constraint="care_request_unit_contact")  # fmt: skip
    refused(sven, WITHDRAW, [request], constraint="care_request_own")
    # The patient herself still sees and reaches it.
    assert visible(acting_as(cast.greta), id=request) == 1


def test_a_booking_answer_names_only_the_patients_own_appointment(acting_as, owner, cast, asa):
    request = file(acting_as(cast.greta), cast.greta_patient, "booking", unit=cast.unit_med)
    type_id = owner.execute(
        "INSERT INTO appointment_type (care_unit_id, name, duration_minutes) VALUES (%s, 'Visit', 30) RETURNING id",
        [cast.unit_med],
    ).fetchone()["id"]
    others = owner.execute(
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, mode, during, booked_by) "
        "VALUES (%s, %s, %s, %s, 'in_person', tstzrange(now() + interval '1 day', now() + interval '1 day 30 minutes'), %s) "
        "RETURNING id",
        [asa["patient"], type_id, cast.unit_med, cast.alice, cast.rita],
    ).fetchone()["id"]
    rita = acting_as(cast.rita)
    rita.execute(TAKE, [request])
    refused(rita, DECIDE, [request, "answered", "Booked", None, None, others],
            constraint="care_request_appointment_of_patient")  # fmt: skip
    decide(rita, request, "answered", "Call us on 018-611 00 00.")
    assert status(owner, request) == "answered"


def test_the_patient_side_cannot_take_or_decide_its_own_request(acting_as, cast):
    greta = acting_as(cast.greta)
    request = file(greta, cast.greta_patient, "question", unit=cast.unit_med)
    refused(greta, TAKE, [request], constraint="care_request_routed")
    refused(
        greta,
        DECIDE,
        [request, "answered", "Answered myself", None, None, None],
        constraint="care_request_routed",
    )
