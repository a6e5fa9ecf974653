"""Row-level security is the last wall: with the app's own credentials and
plain SQL, a user reads only the rows the access policy gives them, and a
connection that declares no one reads nothing."""

import pytest

from tests.journal.refusal import refused

CLINICAL = (
    "note", "note_version", "note_section", "diagnosis", "vital_signs", "allergy", "encounter",
    "journal_timeline", "note_current",
)  # fmt: skip


def greta_rows(conn, table: str, greta: int) -> int:
    if table == "note_section":  # sections name their version, not the patient
        query = "SELECT count(*) AS n FROM note_section AS s JOIN note_version AS v ON v.id = s.version_id"
        return conn.execute(query).fetchone()["n"]
    return conn.execute(f"SELECT count(*) AS n FROM {table} WHERE patient_id = %s", [greta]).fetchone()["n"]  # noqa: S608


def test_the_owner_sees_greta_in_every_table(owner, world):
    assert {t: greta_rows(owner, t, world.greta.patient_id) > 0 for t in CLINICAL} == dict.fromkeys(
        CLINICAL, True
    )


def test_dr_alice_in_care_reads_gretas_rows(acting_as, world):
    alice = acting_as(world.cast.alice, "doctor")
    assert [t for t in CLINICAL if greta_rows(alice, t, world.greta.patient_id) == 0] == []


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("charlie", "doctor"),
        ("rita", "receptionist"),
        ("erik", "external_specialist"),
        ("petra", "pharmacist"),
    ],
)
def test_no_clinical_row_without_a_relation(acting_as, world, username, role):
    conn = acting_as(world.cast.ids[username], role)
    seen = {t: greta_rows(conn, t, world.greta.patient_id) for t in CLINICAL}
    if role == "pharmacist":  # allergies and vital signs are medication data (dosing), also in the timeline
        seen.pop("allergy"), seen.pop("vital_signs"), seen.pop("journal_timeline")
        kinds = {r["kind"] for r in conn.execute("SELECT kind FROM journal_timeline")}
        assert kinds == {"allergy", "vitals"}
    assert seen == dict.fromkeys(seen, 0)


def test_reception_sees_the_patient_row_but_the_specialist_does_not(acting_as, world):
    greta = world.greta.patient_id
    rita = acting_as(world.cast.rita, "receptionist")
    erik = acting_as(world.cast.erik, "external_specialist")
    assert rita.execute("SELECT id FROM patient WHERE id = %s", [greta]).fetchall() == [{"id": greta}]
    assert erik.execute("SELECT id FROM patient").fetchall() == []


def test_the_specialist_reads_the_journal_only_while_a_consultation_is_open(acting_as, owner, world):
    cast = world.cast
    owner.execute(
        "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts) "
        "VALUES (%s, %s, %s, %s, 'Is anticoagulation advisable now?', '{notes}') ",
        [cast.greta_patient, cast.unit_med, cast.alice, cast.erik],
    )
    erik = acting_as(cast.erik, "external_specialist")
    assert greta_rows(erik, "note", cast.greta_patient) == 1
    owner.execute("UPDATE consultation SET status = 'answered', answer = 'Yes.', answered_at = now()")
    erik = acting_as(cast.erik, "external_specialist")  # a new transaction: the decision is asked again
    assert greta_rows(erik, "note", cast.greta_patient) == 0


def test_a_connection_declaring_no_user_reads_nothing(app_conn, world):
    tables = ("patient", "next_of_kin", "patient_user", "audit_log", *CLINICAL)
    counts = {t: app_conn.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"] for t in tables}  # noqa: S608
    assert counts == dict.fromkeys(tables, 0)


def test_charlie_outside_the_care_cannot_insert_a_diagnosis(acting_as, world):
    cast = world.cast
    charlie = acting_as(cast.charlie, "doctor")
    with refused("42501"):
        charlie.execute(
            "INSERT INTO diagnosis (patient_id, care_unit_id, recorded_by, code, rank) "
            "VALUES (%s, %s, %s, 'J18.9', 'primary')",
            [cast.greta_patient, cast.unit_surg, cast.charlie],
        )
