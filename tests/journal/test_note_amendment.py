"""A signed note is corrected by an amendment: a new version that copies the
text, points at the version it corrects, says why, and is signed in turn.
History is linear: each version is amended at most once, and a note has at
most one draft."""

import psycopg
import pytest

from tests.journal import given
from tests.journal.refusal import refused


def version_count(conn, note_id: int) -> int:
    return given.value(conn, "SELECT count(*) FROM note_version WHERE note_id = %s", [note_id])


def raw_version(conn, cast, note_id: int, version: int, **columns) -> int:
    row = {
        "note_id": note_id,
        "patient_id": cast.greta_patient,
        "version": version,
        "author_id": cast.alice,
        "care_unit_id": cast.unit_med,
    } | columns
    return given.insert(conn, "note_version", row)


def test_amendment_needs_a_reason_of_five_characters(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    for reason in (None, "", "    ", "typo", "  ab  "):
        with refused("HM027"):
            given.amend(dr_alice, cast, note_id, reason=reason)
    assert version_count(dr_alice, note_id) == 1


def test_amendment_copies_the_text_and_points_at_the_signed_version(dr_alice, cast):
    note_id, v1 = given.signed_note(dr_alice, cast)

    v2 = given.amend(dr_alice, cast, note_id, by=cast.alice, reason="  Wrong antibiotic dose  ")

    row = dr_alice.execute("SELECT * FROM note_version WHERE id = %s", [v2]).fetchone()
    assert (row["version"], row["status"], row["amends_version_id"]) == (2, "draft", v1)
    assert row["amend_reason"] == "Wrong antibiotic dose"
    assert row["patient_id"] == cast.greta_patient
    assert given.sections_of(dr_alice, v2) == given.sections_of(dr_alice, v1)


def test_signed_amendment_becomes_current_and_the_original_stays(dr_alice, cast):
    note_id, v1 = given.signed_note(dr_alice, cast)
    original = given.sections_of(dr_alice, v1)
    v2 = given.amend(dr_alice, cast, note_id)

    dr_alice.execute(
        "UPDATE note_section SET body = 'Pneumonia, right lower lobe.' WHERE version_id = %s "
        "AND position = 2",
        [v2],
    )
    assert given.value(dr_alice, "SELECT version_id FROM note_current WHERE note_id = %s", [note_id]) == v1
    given.sign(dr_alice, v2, cast.alice)

    current = dr_alice.execute("SELECT * FROM note_current WHERE note_id = %s", [note_id]).fetchone()
    assert (current["version_id"], current["version"], current["is_amended"]) == (v2, 2, True)
    assert given.sections_of(dr_alice, v1) == original
    assert given.sections_of(dr_alice, v2)[1][2] == "Pneumonia, right lower lobe."


def test_another_clinician_may_amend_and_then_only_they_may_sign(dr_alice, nurse_bob, cast):
    note_id, _ = given.signed_note(dr_alice, cast, author=cast.alice)
    v2 = given.amend(nurse_bob, cast, note_id, by=cast.bob)
    with refused("HM022"):  # Bob's draft is not even visible to Alice
        given.sign(dr_alice, v2, cast.alice)
    given.sign(nurse_bob, v2, cast.bob)
    assert given.value(dr_alice, "SELECT version_id FROM note_current WHERE note_id = %s", [note_id]) == v2


def test_amending_while_a_draft_exists_is_refused(dr_alice, cast):
    note_id, _ = given.note(dr_alice, cast)
    with refused("HM026"):
        given.amend(dr_alice, cast, note_id)
    assert version_count(dr_alice, note_id) == 1


def test_second_amendment_waits_for_the_first_to_be_signed(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    given.amend(dr_alice, cast, note_id)
    with refused("HM026"):
        given.amend(dr_alice, cast, note_id)
    assert version_count(dr_alice, note_id) == 2


def test_amending_an_unknown_note_is_refused(dr_alice, cast):
    with refused("HM022"):
        given.amend(dr_alice, cast, 999_999)


@pytest.mark.parametrize(
    "version, columns",
    [
        (2, {"amend_reason": "Wrong side"}),
        pytest.param(
            2,
            {"amends_version_id": "v1"},
        ),
        (2, {"amends_version_id": "v1", "amend_reason": " x  "}),
        (1, {"amends_version_id": "v1", "amend_reason": "Wrong side"}),
        (1, {"amend_reason": "Wrong side"}),
    ],
    ids=["no-pointer", "no-reason", "short-reason", "first-version-amends", "first-version-reason"],
)
def test_an_amendment_points_at_a_version_and_says_why(dr_alice, cast, version, columns):
    note_id, v1 = given.signed_note(dr_alice, cast)
    columns = {k: (v1 if v == "v1" else v) for k, v in columns.items()}
    with refused("23514", "note_version_amendment_has_reason"):
        raw_version(dr_alice, cast, note_id, version, **columns)


def test_a_version_is_amended_only_once(dr_alice, cast):
    note_id, v1 = given.signed_note(dr_alice, cast)
    v2 = given.amend(dr_alice, cast, note_id)
    given.sign(dr_alice, v2, cast.alice)

    with refused("23505", "note_version_amended_once"):
        raw_version(dr_alice, cast, note_id, 3, amends_version_id=v1, amend_reason="A fork in history")


def test_a_note_has_at_most_one_draft(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    v2 = given.amend(dr_alice, cast, note_id)
    with refused("23505", "note_version_one_draft"):
        raw_version(dr_alice, cast, note_id, 3, amends_version_id=v2, amend_reason="A second draft")


def test_version_numbers_are_unique_per_note(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    v2 = given.amend(dr_alice, cast, note_id)
    given.sign(dr_alice, v2, cast.alice)
    with refused("23505", "note_version_number_key"):
        raw_version(dr_alice, cast, note_id, 2, amends_version_id=v2, amend_reason="Same number twice")


def test_amending_a_note_marked_in_error_is_refused(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    dr_alice.execute("SELECT note_mark_in_error(%s, %s, 'Wrong patient')", [note_id, cast.alice])
    with refused("HM022"):
        given.amend(dr_alice, cast, note_id)


def test_an_amendment_corrects_a_version_of_its_own_note(dr_alice, cast):
    _, greta_v1 = given.signed_note(dr_alice, cast)
    other_note, _ = given.signed_note(dr_alice, cast)
    with pytest.raises(psycopg.Error):
        raw_version(
            dr_alice, cast, other_note, 2, amends_version_id=greta_v1, amend_reason="Points elsewhere"
        )


def test_amending_while_a_colleague_drafts_an_amendment_says_so(dr_alice, nurse_bob, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    given.amend(dr_alice, cast, note_id)
    with refused("HM026"):
        given.amend(nurse_bob, cast, note_id, by=cast.bob)
