"""Attacks on consultations by someone who holds the app role's credentials
and types plain SQL, acting through a real verified session of one of the
cast.

The scene: Greta, in the medical ward's care, has a whole record from the
medical ward (a signed note, an active and a resolved diagnosis, an allergy,
vital signs, a visit, a care plan, a history entry, a procedure, a
prescription). Dr Alice asks Dr Erik, external specialist, about her,
letting him read some parts. Dr Frida is another external specialist. Every
test is a read the database answers only with the chosen parts, or a write it
refuses."""

import pytest

from tests import cast as cast_module
from tests.access.conftest import block_medicine
from tests.journal import given
from tests.journal.refusal import refused
from tests.medication.conftest import given_prescription

QUESTION = "Atrial fibrillation with pneumonia: is anticoagulation advisable now?"
ANSWER = "Start apixaban 5 mg twice daily once the pneumonia has settled."
ASK = (
    "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts) "
    "VALUES (%s, %s, %s, %s, %s, %s::consultation_part[]) RETURNING id"
)
ANSWER_IT = "SELECT consultation_answer(%s, %s) AS note"

# What each table holds of Greta's record, and the part that opens it.
TABLES = {
    "note": "notes",
    "note_version": "notes",
    "note_section": "notes",
    "history_entry": "notes",
    "diagnosis": "diagnoses",
    "procedure_record": "diagnoses",
    "vital_signs": "vitals",
    "encounter": "summary",
    "care_plan": "summary",
    "next_of_kin": "summary",
    "allergy": "summary",
    "prescription": "medication",
    "prescription_version": "medication",
}


@pytest.fixture()
def record(owner, cast) -> dict[str, int]:
    note, version = given.signed_note(owner, cast)
    rows = {"note": note, "version": version}
    rows["diagnosis"] = given.clinical(owner, cast, "diagnosis", code="J18.9")
    rows["resolved"] = given.clinical(
        owner, cast, "diagnosis", code="I10", onset_date="2020-01-01", resolved_date="2021-01-01"
    )
    for table in ("allergy", "vital_signs", "care_plan", "history_entry", "procedure_record"):
        rows[table] = given.clinical(owner, cast, table)
    rows["encounter"] = given.visit(owner, cast)
    owner.execute(
        "INSERT INTO next_of_kin (patient_id, full_name, relationship, phone) VALUES (%s, 'Sven Gustafsson', 'child', '070-111 22 44')",
        [cast.greta_patient],
    )
    rows["prescription"] = given_prescription(owner, cast)
    return rows


@pytest.fixture()
def frida(owner) -> int:
    """Dr Frida, another external specialist."""
    user = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES ('frida', %s, 'external_specialist', 'Dr Frida Fors') RETURNING id",
        [cast_module.password_hash()],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO staff_profile (user_id, role, profession, licence_number) "
        "VALUES (%s, 'external_specialist', 'Nephrologist', 'EXT-4002')",
        [user],
    )
    return user


def ask(acting_as, cast, parts: list[str], specialist: int | None = None) -> int:
    """Alice asks (as the app role would) about Greta, letting the specialist read these parts."""
    return (
        acting_as(cast.alice)
        .execute(
            ASK, [cast.greta_patient, cast.unit_med, cast.alice, specialist or cast.erik, QUESTION, parts]
        )
        .fetchone()["id"]
    )


def seen(conn, patient: int) -> dict[str, int]:
    """How many of the patient's rows of each table the connection reads."""
    counts = {}
    for table in TABLES:
        if table == "note_section":
            query = "SELECT count(*) AS n FROM note_section AS s JOIN note_version AS v ON v.id = s.version_id WHERE v.patient_id = %s"
        else:
            query = f"SELECT count(*) AS n FROM {table} WHERE patient_id = %s"  # noqa: S608
        counts[table] = conn.execute(query, [patient]).fetchone()["n"]
    return counts


def opened_by(parts: set[str]) -> set[str]:
    """The tables with rows for a specialist given these parts."""
    tables = {t for t, part in TABLES.items() if part in parts}
    if "medication" in parts:
        tables.add("allergy")
    if "summary" in parts:
        tables.add("diagnosis")  # the problem list: the active diagnosis only
    return tables


# --- Only the chosen parts ---------------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [
        ["summary"],
        ["notes"],
        ["diagnoses"],
        ["vitals"],
        ["medication"],
        ["notes", "vitals"],
        list(TABLES.values()),
    ],
    ids=lambda p: "+".join(sorted(set(p))),
)
def test_the_specialist_reads_only_the_chosen_parts(acting_as, cast, record, parts):
    ask(acting_as, cast, sorted(set(parts)))
    counts = seen(acting_as(cast.erik), cast.greta_patient)
    opened = opened_by(set(parts))
    assert {t for t, n in counts.items() if n} == opened
    if "diagnoses" not in parts and "summary" in parts:
        assert counts["diagnosis"] == 1  # the active one, not the resolved
    if "diagnoses" in parts:
        assert counts["diagnosis"] == 2
    # while the clinicians' own reads are untouched
    assert all(seen(acting_as(cast.alice), cast.greta_patient).values())


def test_the_identity_shows_with_any_part(acting_as, cast, record):
    ask(acting_as, cast, ["vitals"])
    erik = acting_as(cast.erik)
    assert erik.execute("SELECT family_name FROM patient WHERE id = %s", [cast.greta_patient]).fetchall() == [
        {"family_name": "Gustafsson"}
    ]


def test_two_consultations_open_the_union_of_their_parts_and_only_for_their_patient(
    acting_as, owner, cast, record
):
    asa = given.patient(owner)
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Uppföljning', %s)",
        [asa, cast.unit_med, cast.alice],
    )
    given.clinical(owner, cast, "vital_signs", patient_id=asa)
    ask(acting_as, cast, ["notes"])
    ask(acting_as, cast, ["diagnoses"])
    acting_as(cast.alice).execute(
        ASK, [asa, cast.unit_med, cast.alice, cast.erik, QUESTION, ["notes"]]
    )  # about Åsa: notes only
    counts = seen(acting_as(cast.erik), cast.greta_patient)
    assert {t for t, n in counts.items() if n} == opened_by({"notes", "diagnoses"})
    assert seen(acting_as(cast.erik), asa)["vital_signs"] == 0


def test_the_parts_are_fixed_once_sent(acting_as, owner, cast):
    consultation = ask(acting_as, cast, ["notes"])
    with refused("HM041", "consultation_moves_forward"):
        owner.execute(
            "UPDATE consultation SET parts = '{notes,medication}' WHERE id = %s",
            [consultation],
        )
    with refused("42501"):
        acting_as(cast.alice).execute(
            "UPDATE consultation SET parts = '{notes,medication}' WHERE id = %s", [consultation]
        )


def test_a_consultation_without_parts_is_refused(acting_as, cast):
    with refused("23514", "consultation_parts_chosen"):
        ask(acting_as, cast, [])


# --- Nothing after it ends ------------------------------------------------------------


def test_nothing_after_the_answer_or_close(acting_as, cast, record):
    consultation = ask(acting_as, cast, list(set(TABLES.values())))
    acting_as(cast.erik).execute(ANSWER_IT, [consultation, ANSWER])
    erik = acting_as(cast.erik)
    assert not any(seen(erik, cast.greta_patient).values())
    assert erik.execute("SELECT count(*) AS n FROM patient").fetchone()["n"] == 0
    acting_as(cast.alice).execute("SELECT consultation_close(%s)", [consultation])
    assert not any(seen(acting_as(cast.erik), cast.greta_patient).values())


def test_nothing_after_a_withdrawal(acting_as, owner, cast, record):
    consultation = ask(acting_as, cast, list(set(TABLES.values())))
    assert any(seen(acting_as(cast.erik), cast.greta_patient).values())
    acting_as(cast.alice).execute(
        "SELECT consultation_withdraw(%s, %s)", [consultation, "Resolved on the ward."]
    )
    erik = acting_as(cast.erik)
    assert not any(seen(erik, cast.greta_patient).values())
    assert erik.execute("SELECT count(*) AS n FROM patient").fetchone()["n"] == 0
    with refused("HM241", "consultation_answer_while_open"):
        erik.execute(ANSWER_IT, [consultation, ANSWER])
    assert owner.execute(
        "SELECT status::text, withdraw_reason FROM consultation WHERE id = %s", [consultation]
    ).fetchone() == {"status": "withdrawn", "withdraw_reason": "Resolved on the ward."}


def test_only_the_requester_withdraws_and_only_while_unanswered(acting_as, owner, cast, frida):
    consultation = ask(acting_as, cast, ["notes"])
    for who in (cast.erik, cast.charlie, cast.bob, frida):
        with refused("HM243", "consultation_by_requester"):
            acting_as(who).execute("SELECT consultation_withdraw(%s, NULL)", [consultation])
    acting_as(cast.erik).execute(ANSWER_IT, [consultation, ANSWER])
    with refused("HM245", "consultation_withdraw_open"):
        acting_as(cast.alice).execute("SELECT consultation_withdraw(%s, NULL)", [consultation])


def test_blocks_hold_whatever_the_parts(acting_as, owner, cast, record):
    block_medicine(owner, cast)
    ask(acting_as, cast, list(set(TABLES.values())))
    counts = seen(acting_as(cast.erik), cast.greta_patient)
    # every row was written on the blocked medical ward; the next of kin is no journal entry
    assert {t for t, n in counts.items() if n} == {"next_of_kin"}


# --- The answer and its note -------------------------------------------------------------


def test_the_answer_is_a_signed_note_by_the_specialist_in_the_consultations_unit(acting_as, owner, cast):
    consultation = ask(acting_as, cast, ["summary"])
    note = acting_as(cast.erik).execute(ANSWER_IT, [consultation, ANSWER]).fetchone()["note"]
    row = owner.execute(
        "SELECT n.kind::text, n.care_unit_id, n.created_by, v.author_id, v.status::text, v.signed_at IS NOT NULL AS signed, "
        "c.answer_note_id, c.status::text AS consultation "
        "FROM note AS n JOIN note_version AS v ON v.note_id = n.id JOIN consultation AS c ON c.answer_note_id = n.id "
        "WHERE n.id = %s",
        [note],
    ).fetchone()
    assert row == {
        "kind": "consultation",
        "care_unit_id": cast.unit_med,
        "created_by": cast.erik,
        "author_id": cast.erik,
        "status": "signed",
        "signed": True,
        "answer_note_id": note,
        "consultation": "answered",
    }
    bodies = [
        r["body"]
        for r in owner.execute(
            "SELECT body FROM note_section s JOIN note_version v ON v.id = s.version_id WHERE v.note_id = %s ORDER BY position",
            [note],
        )
    ]
    assert bodies == [QUESTION, ANSWER]
    # Alice, in care, reads it in the journal
    alice = acting_as(cast.alice)
    assert alice.execute("SELECT author_id FROM note_current WHERE note_id = %s", [note]).fetchall() == [
        {"author_id": cast.erik}
    ]


def test_no_one_else_answers_and_no_one_answers_twice(acting_as, owner, cast, frida):
    consultation = ask(acting_as, cast, ["notes"])
    for who in (frida, cast.alice, cast.charlie, cast.bob):
        with refused("HM240", "consultation_answer_by_specialist"):
            acting_as(who).execute(ANSWER_IT, [consultation, ANSWER])
    with refused("HM242", "consultation_answer_length"):
        acting_as(cast.erik).execute(ANSWER_IT, [consultation, "   "])
    acting_as(cast.erik).execute(ANSWER_IT, [consultation, ANSWER])
    with refused("HM241", "consultation_answer_while_open"):
        acting_as(cast.erik).execute(ANSWER_IT, [consultation, "Second thoughts."])
    assert owner.execute("SELECT count(*) AS n FROM note WHERE kind = 'consultation'").fetchone()["n"] == 1


def test_the_answer_notes_author_cannot_be_forged(acting_as, owner, cast):
    consultation = ask(acting_as, cast, ["notes"])
    alice, erik = acting_as(cast.alice), acting_as(cast.erik)
    # Erik writes no note of his own: the journal's rules keep writing to those in care
    with refused("42501"):
        erik.execute(
            "INSERT INTO note (patient_id, care_unit_id, kind, created_by) VALUES (%s, %s, 'progress', %s)",
            [cast.greta_patient, cast.unit_med, cast.erik],
        )
    # Alice writes no consultation note, in her name or Erik's
    for author in (cast.alice, cast.erik):
        with refused("42501"):
            alice.execute(
                "INSERT INTO note (patient_id, care_unit_id, kind, created_by) VALUES (%s, %s, 'consultation', %s)",
                [cast.greta_patient, cast.unit_med, author],
            )
    # nor a version in Erik's name of a note of hers
    note = alice.execute(
        "INSERT INTO note (patient_id, care_unit_id, kind, created_by) VALUES (%s, %s, 'progress', %s) RETURNING id",
        [cast.greta_patient, cast.unit_med, cast.alice],
    ).fetchone()["id"]
    with refused("42501"):
        alice.execute(
            "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id) VALUES (%s, %s, 1, %s, %s)",
            [note, cast.greta_patient, cast.erik, cast.unit_med],
        )
    # nor points the consultation at a note of her own, or answers it herself
    with refused("42501"):
        alice.execute(
            "UPDATE consultation SET status = 'answered', answer = 'Yes.', answered_at = now(), answer_note_id = %s "
            "WHERE id = %s",
            [note, consultation],
        )
    # nor sends one already answered
    with refused("42501"):
        alice.execute(
            "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts, "
            "status, answer, answered_at, answer_note_id) VALUES (%s, %s, %s, %s, %s, '{notes}', 'answered', 'Yes.', now(), %s)",
            [cast.greta_patient, cast.unit_med, cast.alice, cast.erik, QUESTION, note],
        )


def test_the_specialists_answer_is_never_amended(acting_as, cast):
    consultation = ask(acting_as, cast, ["notes"])
    note = acting_as(cast.erik).execute(ANSWER_IT, [consultation, ANSWER]).fetchone()["note"]
    with refused("42501"):
        acting_as(cast.alice).execute(
            "SELECT note_amend(%s, %s, %s, %s)", [note, cast.alice, cast.unit_med, "Wrong dose written."]
        )


def test_only_a_doctor_of_the_unit_asks(acting_as, cast):
    for who, unit in ((cast.bob, cast.unit_med), (cast.alice, cast.unit_surg)):
        with refused("42501"):
            acting_as(who).execute(ASK, [cast.greta_patient, unit, who, cast.erik, QUESTION, ["notes"]])


def test_the_answer_is_seen_by_the_requester_alone(acting_as, owner, cast):
    consultation = ask(acting_as, cast, ["notes"])
    acting_as(cast.erik).execute(ANSWER_IT, [consultation, ANSWER])
    unseen = "SELECT count(*) AS n FROM consultation WHERE requested_by = %s AND status = 'answered' AND answer_seen_at IS NULL"
    for who in (cast.erik, cast.charlie):
        acting_as(who).execute("SELECT consultation_answer_seen(%s)", [consultation])
    assert owner.execute(unseen, [cast.alice]).fetchone()["n"] == 1
    acting_as(cast.alice).execute("SELECT consultation_answer_seen(%s)", [consultation])
    assert owner.execute(unseen, [cast.alice]).fetchone()["n"] == 0
    with refused("HM041", "consultation_moves_forward"):
        owner.execute("UPDATE consultation SET answer_seen_at = NULL WHERE id = %s", [consultation])
