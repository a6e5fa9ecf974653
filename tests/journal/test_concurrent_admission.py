"""Two nurses admit two patients to the last free bed at the same moment:
the exclusion constraint lets exactly one of them have it."""

import pytest

from tests.journal.waiting import Background, wait_until_blocked

ADMIT = "SELECT encounter_admit(%s, %s, %s, 'Sepsis', %s) AS id"


@pytest.mark.parametrize("first_commits", [True, False], ids=["first-commits", "first-rolls-back"])
def test_concurrent_admissions_to_one_bed_let_exactly_one_in(acting_as, owner, cast, asa, first_commits):
    nurse_1, nurse_2 = acting_as(cast.bob, "nurse"), acting_as(cast.bob, "nurse")

    # Given nurse 1 has admitted Greta to bed A but not yet committed,
    nurse_1.execute("BEGIN")
    nurse_1.execute(ADMIT, [cast.greta_patient, cast.unit_med, cast.bed_a, cast.bob])
    # when nurse 2 admits Åsa to the same bed, she has to wait for nurse 1,
    second = Background(nurse_2, ADMIT, [asa, cast.unit_med, cast.bed_a, cast.bob])
    assert wait_until_blocked(owner, second.pid), "the second admission did not wait for the first"
    nurse_1.execute("COMMIT" if first_commits else "ROLLBACK")
    second.join()

    # then exactly one of them is in the bed, and the loser left no encounter behind.
    if first_commits:
        assert second.error is not None and second.error.sqlstate == "HM010"
        winner = cast.greta_patient
    else:
        assert second.error is None
        winner = asa
    occupants = owner.execute(
        "SELECT patient_id FROM bed_occupancy WHERE bed_id = %s", [cast.bed_a]
    ).fetchall()
    assert [r["patient_id"] for r in occupants] == [winner]
    encounters = owner.execute("SELECT patient_id FROM encounter").fetchall()
    assert [r["patient_id"] for r in encounters] == [winner]


def test_same_patient_admitted_concurrently_to_two_beds_gets_one(acting_as, owner, cast):
    nurse_1, nurse_2 = acting_as(cast.bob, "nurse"), acting_as(cast.bob, "nurse")

    nurse_1.execute("BEGIN")
    nurse_1.execute(ADMIT, [cast.greta_patient, cast.unit_med, cast.bed_a, cast.bob])
    second = Background(nurse_2, ADMIT, [cast.greta_patient, cast.unit_med, cast.bed_b, cast.bob])
    assert wait_until_blocked(owner, second.pid)
    nurse_1.execute("COMMIT")
    second.join()

    assert second.error is not None and second.error.sqlstate == "HM013"
    beds = owner.execute(
        "SELECT bed_id FROM bed_occupancy WHERE patient_id = %s", [cast.greta_patient]
    ).fetchall()
    assert [r["bed_id"] for r in beds] == [cast.bed_a]
