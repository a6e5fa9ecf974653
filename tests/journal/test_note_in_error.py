"""A note written in error is marked, never removed: it stays readable, with
who, when and why, and the mark is final."""

from tests.journal import given
from tests.journal.refusal import refused

MARK = "SELECT note_mark_in_error(%s, %s, %s)"


def mark_of(conn, note_id: int) -> dict:
    return conn.execute(
        "SELECT entered_in_error_at, entered_in_error_by, entered_in_error_reason FROM note WHERE id = %s",
        [note_id],
    ).fetchone()


def test_marking_needs_a_reason(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    for reason in (None, "", "     ", "oops", " ab "):
        with refused("HM027"):
            dr_alice.execute(MARK, [note_id, cast.alice, reason])
    assert mark_of(dr_alice, note_id)["entered_in_error_at"] is None


def test_marked_note_stays_readable_with_who_and_why(dr_alice, cast):
    note_id, version_id = given.signed_note(dr_alice, cast)
    text = given.sections_of(dr_alice, version_id)

    dr_alice.execute(MARK, [note_id, cast.alice, "  Written in the wrong patient's chart  "])

    mark = mark_of(dr_alice, note_id)
    assert mark["entered_in_error_at"] is not None
    assert mark["entered_in_error_by"] == cast.alice
    assert mark["entered_in_error_reason"] == "Written in the wrong patient's chart"
    assert (
        given.value(dr_alice, "SELECT version_id FROM note_current WHERE note_id = %s", [note_id])
        == version_id
    )
    assert given.sections_of(dr_alice, version_id) == text
    timeline = dr_alice.execute(
        "SELECT in_error FROM journal_timeline WHERE kind = 'note' AND id = %s", [note_id]
    ).fetchone()
    assert timeline["in_error"] is True


def test_marking_is_final(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    dr_alice.execute(MARK, [note_id, cast.alice, "Wrong patient"])
    first = mark_of(dr_alice, note_id)

    with refused("HM022"):
        dr_alice.execute(MARK, [note_id, cast.alice, "Marking it again"])
    # nor can it be marked again in a colleague's name
    with refused("HM042"):
        dr_alice.execute(MARK, [note_id, cast.bob, "Marking it again"])
    assert mark_of(dr_alice, note_id) == first


def test_a_mark_cannot_be_undone_or_rewritten_with_raw_sql(dr_alice, owner, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    dr_alice.execute(MARK, [note_id, cast.alice, "Wrong patient"])
    for conn in (dr_alice, owner):
        for assignment in (
            "entered_in_error_at = NULL, entered_in_error_by = NULL, entered_in_error_reason = NULL",
            "entered_in_error_reason = 'A better excuse'",
            "entered_in_error_at = now() + interval '1 day'",
        ):
            with refused("HM021", "note_identity_fixed"):
                conn.execute(f"UPDATE note SET {assignment} WHERE id = %s", [note_id])


def test_marking_an_unknown_note_is_refused(dr_alice, cast):
    with refused("HM022"):
        dr_alice.execute(MARK, [999_999, cast.alice, "Wrong patient"])


def test_a_raw_mark_is_the_verified_users_whatever_it_says(dr_alice, owner, cast):
    # who and when are filled from the verified session (0033), not taken from the UPDATE
    note_id, _ = given.signed_note(dr_alice, cast)
    dr_alice.execute(
        "UPDATE note SET entered_in_error_at = now() - interval '3 days', entered_in_error_by = %s, "
        "entered_in_error_reason = 'Wrong patient' WHERE id = %s",
        [cast.bob, note_id],
    )
    row = owner.execute(
        "SELECT entered_in_error_by, entered_in_error_at > now() - interval '1 minute' AS now_ish FROM note "
        "WHERE id = %s",
        [note_id],
    ).fetchone()
    assert row == {"entered_in_error_by": cast.alice, "now_ish": True}


def test_a_raw_mark_needs_a_reason(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    with refused("23514", "note_in_error_complete"):
        dr_alice.execute(
            "UPDATE note SET entered_in_error_at = now(), entered_in_error_by = %s WHERE id = %s",
            [cast.alice, note_id],
        )
