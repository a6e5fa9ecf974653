"""Bed occupancy is history: never deleted, its bed, patient and start never
moved, not even by the schema's owner. Only the end of a current stay may be
set, once (that is how a discharge frees the bed)."""

import psycopg
import pytest

from tests.journal import given
from tests.journal.refusal import refused


@pytest.fixture()
def stay(dr_alice, cast) -> int:
    """Greta in bed A since 1 March, 08:00."""
    encounter = given.admit(dr_alice, cast, bed=cast.bed_a, at="2024-03-01T08:00Z")
    return given.value(dr_alice, "SELECT id FROM bed_occupancy WHERE encounter_id = %s", [encounter])


def test_occupancy_is_never_deleted(dr_alice, owner, stay):
    with refused("42501"):  # the app holds no DELETE privilege at all
        dr_alice.execute("DELETE FROM bed_occupancy WHERE id = %s", [stay])
    with refused("HM016"):
        owner.execute("DELETE FROM bed_occupancy WHERE id = %s", [stay])
    assert given.value(owner, "SELECT count(*) FROM bed_occupancy") == 1


def test_bed_patient_and_start_of_a_stay_never_change(dr_alice, owner, cast, asa, stay):
    other_encounter = given.visit(dr_alice, cast, patient=asa)
    params = {"id": stay, "bed_b": cast.bed_b, "asa": asa, "other": other_encounter}
    for conn in (dr_alice, owner):
        for assignment in (
            "during = tstzrange('2024-02-28T08:00Z', NULL)",
            "during = tstzrange('2024-03-01T09:00Z', '2024-03-02T08:00Z')",
            "bed_id = %(bed_b)s",
            "patient_id = %(asa)s, encounter_id = %(other)s",
        ):
            with refused("HM016"):
                conn.execute(f"UPDATE bed_occupancy SET {assignment} WHERE id = %(id)s", params)
        with pytest.raises(psycopg.Error) as unbounded:
            conn.execute("UPDATE bed_occupancy SET during = tstzrange(NULL, NULL) WHERE id = %(id)s", params)
        # today the CHECK catches it; a guard that compares NULL-safely catches it first
        assert unbounded.value.sqlstate in {"HM016", "23514"}


def test_an_ended_stay_is_final(dr_alice, owner, stay):
    dr_alice.execute(
        "UPDATE bed_occupancy SET during = tstzrange(lower(during), '2024-03-03T08:00Z') WHERE id = %s",
        [stay],
    )
    for conn in (dr_alice, owner):
        for end in ("2024-03-09T08:00Z", None):
            with refused("HM016"):
                conn.execute(
                    "UPDATE bed_occupancy SET during = tstzrange(lower(during), %s) WHERE id = %s",
                    [end, stay],
                )


def test_a_stay_cannot_be_emptied_to_erase_when_it_began(dr_alice, owner, stay):
    for conn in (dr_alice, owner):
        with refused("HM016"):
            conn.execute("UPDATE bed_occupancy SET during = 'empty' WHERE id = %s", [stay])
