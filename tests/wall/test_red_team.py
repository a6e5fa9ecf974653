"""Ways past the wall that a hostile review found, each now closed: a note's
latest version handed out to anyone, audit rows written by nobody, a
temporary table standing in for note_section while a note is signed, a care
assignment dated back, and audit rows whose hashes could not tell two
contents apart."""

import psycopg
import pytest

from tests.db.expect import refused
from tests.journal import given


def test_the_latest_version_of_a_note_is_handed_only_to_whoever_may_write_it(app_conn, app_as, owner, cast):
    note_id, _ = given.signed_note(owner, cast)
    query = "SELECT (note_version_latest(%s)).patient_id AS p"
    assert app_conn.execute(query, [note_id]).fetchone()["p"] is None
    assert app_as(cast.charlie).execute(query, [note_id]).fetchone()["p"] is None
    assert app_as(cast.alice).execute(query, [note_id]).fetchone()["p"] == cast.greta_patient


def test_nobody_writes_an_audit_row_in_nobodys_name(app_conn, cast):
    refused(
        app_conn,
        "INSERT INTO audit_log (patient_id, action, detail) VALUES (%s, 'note.read', 'read by Dr Alice')",
        [cast.greta_patient],
        sqlstate="42501",
    )


def test_a_temporary_note_section_cannot_make_an_empty_note_signable(app_as, owner, cast):
    _, draft = given.note(owner, cast, sections=[("Aktuellt", "   ")])
    alice = app_as(cast.alice)
    with pytest.raises(psycopg.Error) as refusal, alice.transaction():
        alice.execute("CREATE TEMP TABLE note_section (version_id bigint, body text)")
        alice.execute("INSERT INTO pg_temp.note_section VALUES (%s, 'Looks signed')", [draft])
        alice.execute("SET LOCAL search_path = pg_temp, public")
        alice.execute("SELECT note_sign(%s, %s)", [draft, cast.alice])
    assert refusal.value.sqlstate == "HM025"
    assert owner.execute("SELECT status::text AS s FROM note_version WHERE id = %s", [draft]).fetchone()[
        "s"
    ] == ("draft")


def test_a_care_assignment_cannot_be_dated_back(app_as, cast):
    refused(
        app_as(cast.bob),
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange('2001-01-01', NULL), 'Uppföljning', %s)",
        [cast.greta_patient, cast.unit_med, cast.bob],
        sqlstate="42501",
    )


def test_two_audit_rows_with_the_same_text_in_different_fields_hash_differently(owner):
    rows = owner.execute(
        "SELECT audit_log_row_hash(ROW(1, '2026-01-01', NULL, NULL, NULL, 1, 'note.read', NULL, NULL, NULL, "
        "'allowed', 'a', 'b|c', 1, NULL, NULL)::audit_log, NULL) AS first, "
        "audit_log_row_hash(ROW(1, '2026-01-01', NULL, NULL, 1, NULL, 'note.read', NULL, NULL, NULL, "
        "'allowed', 'a|b', 'c', 1, NULL, NULL)::audit_log, NULL) AS second"
    ).fetchone()
    assert rows["first"] != rows["second"]
