"""Rules the journal keeps even against raw SQL: one's own name, encounters that
end once, tables that are never emptied."""

import psycopg
import pytest

from tests.journal import given


def test_a_diagnosis_cannot_be_recorded_in_a_colleagues_name(acting_as, cast):
    alice = acting_as(cast.alice, "doctor")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        alice.execute(
            "INSERT INTO diagnosis (patient_id, care_unit_id, code, recorded_by) VALUES (%s, %s, 'I10', %s)",
            [cast.greta_patient, cast.unit_med, cast.bob],
        )


def test_an_admission_ends_only_by_discharge_and_a_closed_encounter_stays_closed(acting_as, cast):
    alice = acting_as(cast.alice, "doctor")
    encounter = alice.execute(
        "SELECT encounter_admit(%s, %s, %s, 'Pneumoni', %s) AS id",
        [cast.greta_patient, cast.unit_med, cast.bed_a, cast.alice],
    ).fetchone()["id"]
    with pytest.raises(psycopg.Error) as closed_in_bed:
        alice.execute("UPDATE encounter SET ended_at = now() WHERE id = %s", [encounter])
    assert closed_in_bed.value.sqlstate == "HM015"
    given.discharge(alice, cast, encounter)
    with pytest.raises(psycopg.Error) as reopened:
        alice.execute("UPDATE encounter SET ended_at = NULL WHERE id = %s", [encounter])
    assert reopened.value.sqlstate == "HM017"


def test_a_bed_cannot_be_taken_in_a_colleagues_name(acting_as, cast):
    alice = acting_as(cast.alice, "doctor")
    with pytest.raises(psycopg.Error) as refused:
        alice.execute(
            "SELECT encounter_admit(%s, %s, %s, 'Pneumoni', %s)",
            [cast.greta_patient, cast.unit_med, cast.bed_a, cast.bob],
        )
    assert refused.value.sqlstate == "HM042"


@pytest.mark.parametrize("table", ["note", "note_version", "diagnosis", "vital_signs", "bed_occupancy"])
def test_journal_tables_are_never_emptied_even_by_the_owner(owner, cast, table):
    with pytest.raises(psycopg.Error) as refused:
        owner.execute(f"TRUNCATE {table} CASCADE")
    assert refused.value.sqlstate in ("HM031", "HM001")
