"""Blocks and care assignments are read only by those they concern: a block
by the patient (and administrators), a care assignment by the staff of its
unit (and administrators). Dr Charlie on surgery reads neither of Greta's."""

from tests.access.conftest import block_medicine


def count(conn, table: str) -> int:
    return conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def test_a_block_is_read_by_the_patient_not_by_clinicians(acting_as, owner, cast):
    block_medicine(owner, cast)
    assert count(acting_as(cast.greta), "journal_block") == 1
    assert count(acting_as(cast.adam), "journal_block") == 1
    for clinician in (cast.alice, cast.bob, cast.charlie, cast.rita):
        assert count(acting_as(clinician), "journal_block") == 0


def test_a_care_assignment_is_read_by_its_units_staff_only(acting_as, cast):
    assert count(acting_as(cast.alice), "care_assignment") == 1
    assert count(acting_as(cast.rita), "care_assignment") == 1
    assert count(acting_as(cast.adam), "care_assignment") == 1
    assert count(acting_as(cast.charlie), "care_assignment") == 0
