"""Attacks on secure messaging by someone who holds the app role's
credentials and types plain SQL, acting through a real verified session of
one of the cast (or of nobody), and by hostile users through the pages.

The scene: Greta has asked the medical ward about her results, with a PDF
attached (tests/messaging). Hugo, another patient with a portal account, is
in the surgical unit's care and has a thread of his own there. Sven is
Greta's son; what his grant says varies. Every test is an attack the system
refuses."""

from datetime import timedelta

import psycopg
import pytest

from hms.core.clock import today
from tests import cast as cast_module
from tests.db.expect import refused
from tests.journal import given as journal
from tests.messaging import conftest as messaging
from tests.messaging.conftest import EXE, JPEG, PDF, PNG, POST, grant, post, start

greta_thread = messaging.greta_thread

HUGO = ("195003031233", "Hugo", "Holm", "1950-03-03", "male")
ROWS = (
    "SELECT (SELECT count(*) FROM message_thread WHERE patient_id = %(p)s) AS threads, "
    "(SELECT count(*) FROM thread_message WHERE patient_id = %(p)s) AS messages, "
    "(SELECT count(*) FROM message_attachment WHERE patient_id = %(p)s) AS attachments, "
    "(SELECT count(*) FROM message_filing WHERE patient_id = %(p)s) AS filings"
)
NOTHING = {"threads": 0, "messages": 0, "attachments": 0, "filings": 0}


def rows(conn, patient: int) -> dict[str, int]:
    return dict(conn.execute(ROWS, {"p": patient}).fetchone())


@pytest.fixture()
def hugo(owner, cast, acting_as) -> dict[str, int]:
    """Hugo Holm: a patient of the surgical unit, with a portal login and a thread there."""
    pnr, given_name, family, born, sex = HUGO
    patient = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        [pnr, given_name, family, born, sex],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Inför operation', %s)",
        [patient, cast.unit_surg, cast.charlie],
    )
    user = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES ('hugo', %s, 'patient', 'Hugo Holm') RETURNING id",
        [cast_module.password_hash()],
    ).fetchone()["id"]
    owner.execute("INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)", [user, patient])
    thread = start(acting_as(user), patient, cast.unit_surg, subject="Inför operationen")
    return {"user": user, "patient": patient, "thread": thread}


# --- Another patient --------------------------------------------------------------


def test_a_patient_never_reads_another_patients_thread_message_or_attachment(
    acting_as, cast, greta_thread, hugo
):
    conn = acting_as(hugo["user"])
    assert rows(conn, cast.greta_patient) == NOTHING
    assert conn.execute("SELECT content FROM message_attachment").fetchall() == []
    assert [r["id"] for r in conn.execute("SELECT id FROM message_thread").fetchall()] == [hugo["thread"]]
    assert conn.execute("SELECT * FROM message_thread_units(%s)", [cast.greta_patient]).fetchall() == []


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT message_post(%(thread)s, 'Jag läser din tråd')",
        "SELECT message_thread_mark_read(%(thread)s)",
        "SELECT message_thread_close(%(thread)s)",
        "SELECT message_thread_assign(%(thread)s, %(bob)s)",
    ],
)
def test_a_patient_cannot_act_on_another_patients_thread(acting_as, cast, greta_thread, hugo, statement):
    args = {"thread": greta_thread["thread"], "bob": cast.bob}
    refused(acting_as(hugo["user"]), statement, args, constraint="message_thread_within_reach")


def test_a_patient_cannot_start_a_thread_in_another_patients_name(acting_as, cast, hugo):
    conn = acting_as(hugo["user"])
    with pytest.raises(psycopg.Error) as caught:
        start(conn, cast.greta_patient, cast.unit_med)
    assert caught.value.diag.constraint_name == "message_thread_within_reach"


# --- A relative ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["no grant", "record scope only", "expired", "not yet begun", "revoked"])
def test_a_relative_without_a_messages_grant_in_force_sees_nothing_and_cannot_write(
    acting_as, owner, cast, greta_thread, kind
):
    day = today()
    if kind == "record scope only":
        grant(owner, cast, ["record", "appointments", "medication"])
    elif kind == "expired":
        grant(owner, cast, ["messages"], starts_on=day - timedelta(days=30), ends_on=day - timedelta(days=1))
    elif kind == "not yet begun":
        grant(owner, cast, ["messages"], starts_on=day + timedelta(days=1))
    elif kind == "revoked":
        grant(owner, cast, ["messages", "record"])
        owner.execute("UPDATE proxy_grant SET revoked_at = now()")
    sven = acting_as(cast.sven)
    assert rows(sven, cast.greta_patient) == NOTHING
    refused(
        sven, POST, [greta_thread["thread"], "Hej mamma", [], []], constraint="message_thread_within_reach"
    )
    with pytest.raises(psycopg.Error) as caught:
        start(sven, cast.greta_patient, cast.unit_med)
    assert caught.value.diag.constraint_name == "message_thread_within_reach"


def test_a_relative_with_the_messages_scope_writes_as_himself_for_the_patient(
    acting_as, owner, cast, greta_thread
):
    grant(owner, cast, ["messages"])
    sven = acting_as(cast.sven)
    assert rows(sven, cast.greta_patient) == {"threads": 1, "messages": 1, "attachments": 1, "filings": 0}
    message = post(sven, greta_thread["thread"], "Mamma undrar också över blodtrycket.")
    written = owner.execute("SELECT author_id, side FROM thread_message WHERE id = %s", [message]).fetchone()
    assert written == {"author_id": cast.sven, "side": "patient"}
    # and the grant revoked, he is out at once
    owner.execute("UPDATE proxy_grant SET revoked_at = now()")
    assert rows(sven, cast.greta_patient) == NOTHING


# --- Staff ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["charlie", "rita", "petra", "adam", "erik"])
def test_staff_other_than_the_units_doctors_and_nurses_see_nothing(acting_as, cast, greta_thread, who):
    """Charlie works on surgery; Rita is at the medical ward's desk but is no
    clinician; pharmacy, administration and outside specialists are not the unit."""
    conn = acting_as(getattr(cast, who))
    assert rows(conn, cast.greta_patient) == NOTHING
    refused(conn, POST, [greta_thread["thread"], "Hej", [], []], constraint="message_thread_within_reach")
    refused(
        conn,
        "SELECT message_thread_close(%s)",
        [greta_thread["thread"]],
        constraint="message_thread_within_reach",
    )


def test_a_clinician_of_another_unit_in_care_of_the_patient_still_sees_nothing(
    acting_as, owner, cast, greta_thread
):
    """Surgery takes Greta into its care too: her thread is the medical ward's, not theirs."""
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 hour', NULL), 'Inför operation', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )
    charlie = acting_as(cast.charlie)
    assert (
        charlie.execute("SELECT hms_access_basis(%s, 'messages') AS b", [cast.greta_patient]).fetchone()["b"]
        == "care"
    )
    assert rows(charlie, cast.greta_patient) == NOTHING


def test_the_units_doctors_and_nurses_see_the_thread_and_write_on_the_units_side(
    acting_as, owner, cast, greta_thread
):
    bob = acting_as(cast.bob)
    assert rows(bob, cast.greta_patient) == {"threads": 1, "messages": 1, "attachments": 1, "filings": 0}
    message = post(bob, greta_thread["thread"], "Proverna är bra.")
    assert owner.execute(
        "SELECT author_id, side FROM thread_message WHERE id = %s", [message]
    ).fetchone() == {
        "author_id": cast.bob,
        "side": "staff",
    }


def test_nobody_without_a_verified_user_sees_or_writes_anything(app_conn, cast, greta_thread):
    assert rows(app_conn, cast.greta_patient) == NOTHING
    refused(app_conn, POST, [greta_thread["thread"], "Hej", [], []], constraint="message_by_verified_user")


# --- Forging authorship, side and status ----------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO thread_message (thread_id, patient_id, author_id, side, body) "
        "VALUES (%(thread)s, %(patient)s, %(bob)s, 'staff', 'Allt är bra, mvh doktorn')",
        "INSERT INTO message_thread (patient_id, care_unit_id, subject, started_by) "
        "VALUES (%(patient)s, %(unit)s, 'Falsk', %(bob)s)",
        "INSERT INTO message_attachment (message_id, patient_id, filename, content_type, content) "
        "VALUES (%(message)s, %(patient)s, 'x.pdf', 'application/pdf', '\\x255044462d'::bytea)",
        "UPDATE message_thread SET status = 'answered', answered_at = now(), answered_by = %(bob)s",
        "UPDATE message_thread SET unit_read_at = now(), unit_read_by = %(bob)s",
        "UPDATE thread_message SET body = 'Jag ändrade mig'",
        "DELETE FROM thread_message",
        "DELETE FROM message_attachment",
        "DELETE FROM message_thread",
        "INSERT INTO message_filing (message_id, patient_id, note_id, filed_by) "
        "VALUES (%(message)s, %(patient)s, 1, %(bob)s)",
    ],
)
@pytest.mark.parametrize("who", ["greta", "bob"])
def test_the_app_role_writes_no_message_row_by_hand(acting_as, cast, greta_thread, statement, who):
    args = {
        "thread": greta_thread["thread"],
        "message": greta_thread["message"],
        "patient": cast.greta_patient,
        "unit": cast.unit_med,
        "bob": cast.bob,
    }
    refused(acting_as(getattr(cast, who)), statement, args, sqlstate="42501")


def test_a_claimed_identity_does_not_change_the_author(acting_as, owner, cast, greta_thread):
    greta = acting_as(cast.greta)
    greta.execute("SELECT set_config('hms.user_id', %s, false), set_config('hms.user_role', 'doctor', false)",
                  [str(cast.bob)])  # fmt: skip
    message = post(greta, greta_thread["thread"], "Svar från doktorn (inte)")
    assert owner.execute(
        "SELECT author_id, side FROM thread_message WHERE id = %s", [message]
    ).fetchone() == {
        "author_id": cast.greta,
        "side": "patient",
    }


def test_even_the_owner_takes_the_side_from_the_author_and_cannot_change_a_message(owner, cast, greta_thread):
    message = owner.execute(
        "INSERT INTO thread_message (thread_id, patient_id, author_id, side, body) "
        "VALUES (%s, %s, %s, 'patient', 'Skrivet av ägaren') RETURNING id, side",
        [greta_thread["thread"], cast.greta_patient, cast.bob],
    ).fetchone()
    assert message["side"] == "staff"
    refused(owner, "UPDATE thread_message SET body = 'x'", constraint="thread_message_append_only")
    refused(owner, "DELETE FROM message_attachment", constraint="message_attachment_append_only")
    refused(owner, "DELETE FROM message_thread", constraint="message_thread_identity_fixed")
    refused(
        owner,
        "UPDATE message_thread SET care_unit_id = %s",
        [cast.unit_surg],
        constraint="message_thread_identity_fixed",
    )


def test_the_status_skips_no_state(owner, cast, greta_thread):
    thread = greta_thread["thread"]
    refused(owner, "UPDATE message_thread SET status = 'assigned' WHERE id = %s", [thread],
            constraint="message_thread_assigned_has_assignee")  # fmt: skip
    refused(owner, "UPDATE message_thread SET status = 'answered' WHERE id = %s", [thread],
            constraint="message_thread_answered_has_answer")  # fmt: skip
    refused(owner, "UPDATE message_thread SET status = 'closed' WHERE id = %s", [thread],
            constraint="message_thread_closed_complete")  # fmt: skip
    owner.execute(
        "UPDATE message_thread SET status = 'closed', closed_at = now(), closed_by = %s WHERE id = %s",
        [cast.bob, thread],
    )
    refused(owner, "UPDATE message_thread SET status = 'new', closed_at = NULL, closed_by = NULL WHERE id = %s",
            [thread], constraint="message_thread_closed_read_only")  # fmt: skip


def test_the_status_follows_the_messages(acting_as, owner, cast, greta_thread):
    thread = greta_thread["thread"]

    def state():
        return owner.execute(
            "SELECT status, assigned_to, unit_read_at IS NOT NULL AS read, patient_unread "
            "FROM message_thread WHERE id = %s",
            [thread],
        ).fetchone()

    assert state() == {"status": "new", "assigned_to": None, "read": False, "patient_unread": False}
    bob = acting_as(cast.bob)
    bob.execute("SELECT message_thread_mark_read(%s)", [thread])
    assert state()["read"] is True
    post(bob, thread, "Proverna är bra.")
    assert state() == {"status": "answered", "assigned_to": cast.bob, "read": True, "patient_unread": True}
    greta = acting_as(cast.greta)
    greta.execute("SELECT message_thread_mark_read(%s)", [thread])
    assert state()["patient_unread"] is False
    post(greta, thread, "Tack! En fråga till.")
    assert state() == {"status": "assigned", "assigned_to": cast.bob, "read": False, "patient_unread": False}


# --- Closed threads, assignment, filing -------------------------------------------------------


def test_nobody_writes_in_a_closed_thread(acting_as, owner, cast, greta_thread):
    thread = greta_thread["thread"]
    acting_as(cast.bob).execute("SELECT message_thread_close(%s)", [thread])
    for who in (cast.greta, cast.bob, cast.alice):
        refused(
            acting_as(who), POST, [thread, "Hallå?", [], []], constraint="message_thread_closed_read_only"
        )
    refused(acting_as(cast.alice), "SELECT message_thread_assign(%s, %s)", [thread, cast.alice],
            constraint="message_thread_closed_read_only")  # fmt: skip
    refused(
        owner,
        "INSERT INTO thread_message (thread_id, patient_id, author_id, side, body) VALUES (%s, %s, %s, 'patient', 'x')",
        [thread, cast.greta_patient, cast.greta],
        constraint="message_thread_closed_read_only",
    )
    # but each side still sees it, read-only
    assert rows(acting_as(cast.greta), cast.greta_patient)["threads"] == 1


def test_the_patient_side_cannot_assign_close_or_file(acting_as, cast, greta_thread):
    greta = acting_as(cast.greta)
    for statement, args in (
        ("SELECT message_thread_assign(%s, %s)", [greta_thread["thread"], cast.bob]),
        ("SELECT message_thread_close(%s)", [greta_thread["thread"]]),
        ("SELECT message_file_to_journal(%s, 1)", [greta_thread["message"]]),
    ):
        refused(greta, statement, args, constraint="message_thread_staff_of_unit")


def test_a_thread_is_given_only_to_a_clinician_of_its_unit(acting_as, cast, greta_thread):
    bob = acting_as(cast.bob)
    for stranger in (cast.charlie, cast.rita, cast.greta):
        refused(bob, "SELECT message_thread_assign(%s, %s)", [greta_thread["thread"], stranger],
                constraint="message_thread_assignee_of_unit")  # fmt: skip
    bob.execute("SELECT message_thread_assign(%s, %s)", [greta_thread["thread"], cast.alice])


def test_a_filing_points_only_at_a_note_signed_for_it_just_now(acting_as, owner, cast, greta_thread):
    old_note, _ = journal.signed_note(owner, cast)
    refused(acting_as(cast.alice), "SELECT message_file_to_journal(%s, %s)", [greta_thread["message"], old_note],
            constraint="message_filing_note_fresh")  # fmt: skip


def test_a_thread_goes_only_to_a_unit_that_has_seen_the_patient(acting_as, cast):
    with pytest.raises(psycopg.Error) as caught:
        start(acting_as(cast.greta), cast.greta_patient, cast.unit_surg)
    assert caught.value.diag.constraint_name == "message_thread_unit_had_contact"


# --- Attachments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "constraint"),
    [
        ("virus.pdf", EXE, "message_attachment_type_by_content"),
        ("bild.png", PDF, "message_attachment_name_matches_type"),
        ("intyg.pdf", JPEG, "message_attachment_name_matches_type"),
        ("skript.html", PNG, "message_attachment_name_matches_type"),
        ("../../etc/a.pdf", PDF, "message_attachment_filename_safe"),
        ("stor.pdf", b"%PDF-" + bytes(5 * 1024 * 1024), "message_attachment_size"),
    ],
)
def test_an_attachment_is_what_its_bytes_say_and_no_larger_than_5_mb(
    acting_as, owner, cast, name, content, constraint
):
    with pytest.raises(psycopg.Error) as caught:
        start(acting_as(cast.greta), cast.greta_patient, cast.unit_med, files=((name, content),))
    assert caught.value.diag.constraint_name == constraint
    assert owner.execute("SELECT count(*) AS n FROM message_thread").fetchone()["n"] == 0


def test_a_fourth_attachment_is_refused_and_nothing_is_kept(acting_as, owner, cast, greta_thread):
    files = (("a.pdf", PDF), ("b.png", PNG), ("c.jpg", JPEG), ("d.pdf", PDF))
    with pytest.raises(psycopg.Error) as caught:
        post(acting_as(cast.greta), greta_thread["thread"], "Fyra filer", files)
    assert caught.value.diag.constraint_name == "message_attachment_at_most_three"
    assert owner.execute("SELECT count(*) AS n FROM thread_message").fetchone()["n"] == 1


def test_even_the_owner_cannot_store_a_file_whose_bytes_contradict_its_type(owner, cast, greta_thread):
    with pytest.raises(psycopg.Error) as caught, owner.transaction():
        message = owner.execute(
            "INSERT INTO thread_message (thread_id, patient_id, author_id, side, body) "
            "VALUES (%s, %s, %s, 'patient', 'Bilden') RETURNING id",
            [greta_thread["thread"], cast.greta_patient, cast.greta],
        ).fetchone()["id"]
        owner.execute(
            "INSERT INTO message_attachment (message_id, patient_id, filename, content_type, content) "
            "VALUES (%s, %s, 'bild.png', 'image/png', %s)",
            [message, cast.greta_patient, PDF],
        )
    assert caught.value.diag.constraint_name == "message_attachment_content_matches_type"


def test_no_file_is_added_to_a_message_already_sent(owner, cast, greta_thread):
    refused(
        owner,
        "INSERT INTO message_attachment (message_id, patient_id, filename, content_type, content) "
        "VALUES (%s, %s, 'efterhand.pdf', 'application/pdf', %s)",
        [greta_thread["message"], cast.greta_patient, PDF],
        constraint="message_attachment_with_message",
    )


def test_the_stored_hash_is_the_contents_own(acting_as, owner, cast, greta_thread):
    import hashlib

    row = owner.execute(
        "SELECT sha256, byte_size FROM message_attachment WHERE id = %s", [greta_thread["attachment"]]
    ).fetchone()
    assert bytes(row["sha256"]) == hashlib.sha256(PDF).digest() and row["byte_size"] == len(PDF)


# --- Through the pages --------------------------------------------------------------------


def test_another_patient_replaying_the_addresses_gets_404_and_the_refusal_is_audited(
    app, owner, cast, greta_thread, hugo
):
    from fastapi.testclient import TestClient

    from tests.conftest import login

    with TestClient(app) as client:
        login(client, "hugo")
        for url in (
            f"/my/messages/{greta_thread['thread']}",
            f"/my/messages/attachments/{greta_thread['attachment']}",
            f"/my/messages?patient_id={cast.greta_patient}",
            f"/my/messages/new?patient_id={cast.greta_patient}",
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Greta" not in response.text and PDF not in response.content
    refusals = owner.execute(
        "SELECT action FROM audit_log WHERE user_id = %s AND outcome = 'refused'", [hugo["user"]]
    ).fetchall()
    assert {r["action"] for r in refusals} >= {"message.read", "message.read_attachment", "message.list"}
