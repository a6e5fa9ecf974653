"""The timeline lists every kind of journal entry of one patient, and nothing
of anyone else's."""

from tests.journal import given

KINDS = {"encounter", "note", "diagnosis", "procedure", "allergy", "history", "care_plan", "vitals"}


def journal_of(conn, cast, patient: int) -> dict[str, set[int]]:
    """One entry of every kind for `patient`; returns the ids by timeline kind."""
    encounter = given.admit(
        conn, cast, patient=patient, bed=cast.bed_a if patient == cast.greta_patient else cast.bed_b
    )
    note_id, _ = given.signed_note(conn, cast, patient=patient)
    given.note(conn, cast, patient=patient)  # a draft: not in the timeline until signed
    ids = {"encounter": {encounter}, "note": {note_id}}
    for table, kind in [
        ("diagnosis", "diagnosis"),
        ("procedure_record", "procedure"),
        ("allergy", "allergy"),
        ("history_entry", "history"),
        ("care_plan", "care_plan"),
        ("vital_signs", "vitals"),
    ]:
        ids[kind] = {given.clinical(conn, cast, table, patient_id=patient)}
    return ids


def timeline(conn, patient: int) -> dict[str, set[int]]:
    rows = conn.execute("SELECT kind, id FROM journal_timeline WHERE patient_id = %s", [patient]).fetchall()
    found: dict[str, set[int]] = {}
    for row in rows:
        found.setdefault(row["kind"], set()).add(row["id"])
    return found


def test_timeline_lists_every_kind_for_the_patient_and_none_of_another(dr_alice, cast, asa):
    greta = journal_of(dr_alice, cast, cast.greta_patient)
    asas = journal_of(dr_alice, cast, asa)

    assert set(greta) == KINDS
    assert timeline(dr_alice, cast.greta_patient) == greta
    assert timeline(dr_alice, asa) == asas


def test_amended_note_appears_once_with_its_current_text(dr_alice, cast):
    note_id, _ = given.signed_note(dr_alice, cast)
    v2 = given.amend(dr_alice, cast, note_id)
    dr_alice.execute(
        "UPDATE note_section SET body = 'Pneumonia, right lower lobe.' WHERE version_id = %s "
        "AND position = 2",
        [v2],
    )
    given.sign(dr_alice, v2, cast.alice)

    rows = dr_alice.execute(
        "SELECT title FROM journal_timeline WHERE kind = 'note' AND id = %s", [note_id]
    ).fetchall()
    assert len(rows) == 1
    assert "Bedömning: Pneumonia, right lower lobe." in rows[0]["title"]


def test_entries_in_error_stay_on_the_timeline_marked(dr_alice, cast):
    allergy = given.clinical(dr_alice, cast, "allergy")
    dr_alice.execute(
        "UPDATE allergy SET entered_in_error_at = now(), entered_in_error_reason = 'Wrong patient' WHERE id = %s",
        [allergy],
    )
    row = dr_alice.execute(
        "SELECT in_error FROM journal_timeline WHERE kind = 'allergy' AND id = %s", [allergy]
    )
    assert row.fetchone()["in_error"] is True


def test_the_app_declaring_no_user_reads_no_journal_through_the_views(app_conn, dr_alice, cast):
    journal_of(dr_alice, cast, cast.greta_patient)
    for view in ("journal_timeline", "note_current"):
        assert given.value(app_conn, f"SELECT count(*) FROM {view}") == 0, f"{view} shows rows to no one"


def test_a_clinician_outside_the_patients_care_sees_none_of_her_timeline(acting_as, dr_alice, cast):
    journal_of(dr_alice, cast, cast.greta_patient)
    dr_charlie = acting_as(cast.charlie, "doctor")  # surgical ward, no care relationship with Greta
    assert timeline(dr_charlie, cast.greta_patient) == {}
