"""A note is written as a draft, signed by its author, and from then on
frozen: no role, not even the schema's owner, can change or delete it."""

import psycopg
import pytest

from tests.journal import given
from tests.journal.refusal import refused, refused_or_unseen
from tests.journal.waiting import Background, wait_until_blocked

FROZEN = "note_version_signed_is_frozen"


def test_app_writes_a_note_as_a_draft_with_sections(dr_alice, cast):
    note_id, version_id = given.note(dr_alice, cast)

    version = dr_alice.execute("SELECT * FROM note_version WHERE id = %s", [version_id]).fetchone()
    assert version["note_id"] == note_id
    assert (version["version"], version["status"], version["signed_at"]) == (1, "draft", None)
    assert given.sections_of(dr_alice, version_id) == [
        (1, "Anamnes", "Cough and fever for three days."),
        (2, "Bedömning", "Community-acquired pneumonia."),
    ]
    assert given.value(dr_alice, "SELECT count(*) FROM note_current") == 0


def test_a_version_needs_patient_care_unit_and_author(owner, cast):
    note_id = given.note_row(owner, cast, author=cast.alice, patient=cast.greta_patient)
    for missing in ("patient_id", "care_unit_id", "author_id"):
        row = {
            "note_id": note_id,
            "version": 1,
            "patient_id": cast.greta_patient,
            "author_id": cast.alice,
            "care_unit_id": cast.unit_med,
        }
        del row[missing]
        with refused("23502"):
            given.insert(owner, "note_version", row)


def test_a_draft_can_be_edited_and_discarded(dr_alice, cast):
    note_id, version_id = given.note(dr_alice, cast)

    dr_alice.execute(
        "UPDATE note_section SET body = 'No fever.' WHERE version_id = %s AND position = 1", [version_id]
    )
    assert given.sections_of(dr_alice, version_id)[0][2] == "No fever."
    dr_alice.execute("DELETE FROM note_section WHERE version_id = %s", [version_id])
    dr_alice.execute("DELETE FROM note_version WHERE id = %s", [version_id])
    assert given.value(dr_alice, "SELECT count(*) FROM note_version WHERE note_id = %s", [note_id]) == 0


def test_author_signs_and_the_version_becomes_current(dr_alice, cast):
    note_id, version_id = given.note(dr_alice, cast)

    given.sign(dr_alice, version_id, cast.alice)

    version = dr_alice.execute(
        "SELECT status, signed_at FROM note_version WHERE id = %s", [version_id]
    ).fetchone()
    assert version["status"] == "signed" and version["signed_at"] is not None
    current = dr_alice.execute("SELECT * FROM note_current WHERE note_id = %s", [note_id]).fetchone()
    assert (current["version_id"], current["version"], current["is_amended"]) == (version_id, 1, False)


def test_only_the_author_can_sign(dr_alice, nurse_bob, owner, cast):
    _, version_id = given.note(dr_alice, cast, author=cast.alice)
    # even if the app passed someone else as the signer (nobody acts in another's name),
    with refused("HM042"):
        given.sign(dr_alice, version_id, cast.bob)
    # or the owner, who declares no user, signs for Bob,
    with refused("HM024"):
        given.sign(owner, version_id, cast.bob)
    # and Bob himself, to whom row-level security does not even show her draft.
    with refused("HM022"):
        given.sign(nurse_bob, version_id, cast.bob)
    assert given.value(dr_alice, "SELECT status FROM note_version WHERE id = %s", [version_id]) == "draft"


def test_an_empty_note_cannot_be_signed(dr_alice, cast):
    for sections in ([], [("Anamnes", "")], [("Anamnes", "   "), ("Status", " ")]):
        _, version_id = given.note(dr_alice, cast, sections=sections)
        with refused("HM025"):
            given.sign(dr_alice, version_id, cast.alice)


def test_a_note_of_only_line_breaks_and_tabs_cannot_be_signed(dr_alice, cast):
    _, version_id = given.note(dr_alice, cast, sections=[("Anamnes", "\n\n\t"), ("Status", "\r\n")])
    with refused("HM025"):
        given.sign(dr_alice, version_id, cast.alice)


def test_signing_twice_is_refused(dr_alice, cast):
    _, version_id = given.signed_note(dr_alice, cast)
    with refused("HM023"):
        given.sign(dr_alice, version_id, cast.alice)


def test_signing_an_unknown_version_is_refused(dr_alice, cast):
    with refused("HM022"):
        given.sign(dr_alice, 999_999, cast.alice)


TAMPERING = [
    "UPDATE note_version SET status = 'draft', signed_at = NULL WHERE id = %(v)s",
    "UPDATE note_version SET author_id = %(charlie)s WHERE id = %(v)s",
    "UPDATE note_version SET updated_at = now() WHERE id = %(v)s",
    "DELETE FROM note_version WHERE id = %(v)s",
    "INSERT INTO note_section (version_id, position, heading, body) VALUES (%(v)s, 9, 'Åtgärd', 'Added later')",
    "UPDATE note_section SET body = 'Rewritten' WHERE version_id = %(v)s",
    "UPDATE note_section SET heading = 'Status' WHERE version_id = %(v)s AND position = 1",
    "UPDATE note_section SET version_id = %(draft)s WHERE version_id = %(v)s",
    "UPDATE note_section SET version_id = %(v)s WHERE version_id = %(draft)s",
    "DELETE FROM note_section WHERE version_id = %(v)s",
    "DELETE FROM note_section",
]


def test_signed_note_cannot_be_changed_even_with_raw_sql(dr_alice, owner, cast):
    _, version_id = given.signed_note(dr_alice, cast)
    _, draft = given.note(dr_alice, cast)
    signed_text = given.sections_of(dr_alice, version_id)
    params = {"v": version_id, "draft": draft, "charlie": cast.charlie}

    for statement in TAMPERING:
        # Dr Alice, the author: refused, or (a signed version being no longer
        # hers to discard) not even reached through row-level security.
        refused_or_unseen(dr_alice, statement, params, "HM020", FROZEN)
        with refused("HM020", FROZEN):
            owner.execute(statement, params)

    assert given.sections_of(dr_alice, version_id) == signed_text
    assert given.value(dr_alice, "SELECT status FROM note_version WHERE id = %s", [version_id]) == "signed"


def test_a_note_is_never_deleted(dr_alice, owner, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    with refused("42501"):  # the app holds no DELETE privilege on notes
        dr_alice.execute("DELETE FROM note WHERE id = %s", [note_id])
    with refused("HM021", "note_never_deleted"):
        owner.execute("DELETE FROM note WHERE id = %s", [note_id])
    draft_only, _ = given.note(owner, cast)
    with refused("HM021", "note_never_deleted"):
        owner.execute("DELETE FROM note WHERE id = %s", [draft_only])


def test_a_notes_identity_cannot_change(dr_alice, owner, cast, asa):
    note_id, _ = given.note(dr_alice, cast)
    params = {"asa": asa, "charlie": cast.charlie, "surg": cast.unit_surg, "n": note_id}
    for conn in (dr_alice, owner):
        for assignment in (
            "patient_id = %(asa)s",
            "kind = 'discharge_summary'",
            "created_by = %(charlie)s",
            "created_at = created_at - interval '1 day'",
            "care_unit_id = %(surg)s",
        ):
            with refused("HM021", "note_identity_fixed"):
                conn.execute(f"UPDATE note SET {assignment} WHERE id = %(n)s", params)


def test_raw_update_cannot_sign_an_empty_draft(dr_alice, cast):
    _, version_id = given.note(dr_alice, cast, sections=[])
    with pytest.raises(psycopg.Error):
        dr_alice.execute(
            "UPDATE note_version SET status = 'signed', signed_at = now() WHERE id = %s", [version_id]
        )


def test_a_version_cannot_be_inserted_already_signed(dr_alice, cast):
    note_id, version_id = given.note(dr_alice, cast, sections=[])
    dr_alice.execute("DELETE FROM note_version WHERE id = %s", [version_id])
    with pytest.raises(psycopg.Error):
        dr_alice.execute(
            "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id, status, signed_at) "
            "VALUES (%s, %s, 1, %s, %s, 'signed', now())",
            [note_id, cast.greta_patient, cast.alice, cast.unit_med],
        )


def test_a_version_belongs_to_the_notes_patient(dr_alice, cast, asa):
    note_id, version_id = given.note(dr_alice, cast, patient=cast.greta_patient)
    dr_alice.execute("DELETE FROM note_section WHERE version_id = %s", [version_id])
    dr_alice.execute("DELETE FROM note_version WHERE id = %s", [version_id])
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        dr_alice.execute(
            "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id) "
            "VALUES (%s, %s, 1, %s, %s)",
            [note_id, asa, cast.alice, cast.unit_med],
        )


def test_a_section_written_while_the_author_signs_cannot_slip_into_the_signed_version(acting_as, owner, cast):
    author, other = acting_as(cast.alice, "doctor"), acting_as(cast.alice, "doctor")
    _, version_id = given.note(author, cast)
    before = given.sections_of(author, version_id)

    # Given Dr Alice is signing (her transaction is not yet committed),
    author.execute("BEGIN")
    given.sign(author, version_id, cast.alice)
    # when another session adds a section to the same version at that moment,
    late = Background(
        other,
        "INSERT INTO note_section (version_id, position, heading, body) VALUES (%s, 9, 'Åtgärd', 'Slipped in')",
        [version_id],
    )
    wait_until_blocked(owner, late.pid, timeout=2)
    author.execute("COMMIT")
    late.join()

    # then the signed version holds exactly what was signed.
    assert given.sections_of(owner, version_id) == before
    assert late.error is not None and late.error.sqlstate == "HM020"
