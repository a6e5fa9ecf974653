"""Diagnoses, procedures, allergies, past history, care plans and vital signs
are never deleted and never change whose, by whom or when; a mistake is
marked entered in error, and that mark is final."""

import pytest

from tests.journal import given
from tests.journal.given import CLINICAL_TABLES
from tests.journal.refusal import refused

# A correction each table allows while the entry is live.
CORRECTIONS = {
    "diagnosis": "resolved_date = '2024-03-20'",
    "procedure_record": "outcome = 'Uneventful recovery'",
    "allergy": "is_verified = true",
    "history_entry": "description = 'Former smoker, quit 2015.'",
    "care_plan": "status = 'completed'",
    "vital_signs": "consciousness = 'C'",
}
PROVENANCE = [
    "patient_id = %(asa)s",
    "recorded_by = %(bob)s",
    "recorded_at = recorded_at - interval '1 hour'",
]
MARK = (
    "UPDATE {table} SET entered_in_error_at = now(), entered_in_error_reason = 'Wrong patient' WHERE id = %s"
)


@pytest.mark.parametrize("table", CLINICAL_TABLES)
def test_clinical_rows_are_never_deleted(dr_alice, owner, cast, table):
    row = given.clinical(dr_alice, cast, table)

    with refused("42501"):  # the app holds no DELETE privilege at all
        dr_alice.execute(f"DELETE FROM {table} WHERE id = %s", [row])
    with refused("HM030", f"{table}_never_deleted"):
        owner.execute(f"DELETE FROM {table} WHERE id = %s", [row])
    owner.execute(MARK.format(table=table), [row])
    with refused("HM030", f"{table}_never_deleted"):
        owner.execute(f"DELETE FROM {table} WHERE id = %s", [row])
    assert given.value(owner, f"SELECT count(*) FROM {table}") == 1


@pytest.mark.parametrize("table", CLINICAL_TABLES)
def test_whose_by_whom_and_when_never_change(dr_alice, owner, cast, asa, table):
    row = given.clinical(dr_alice, cast, table)
    for conn in (dr_alice, owner):
        for assignment in PROVENANCE:
            with refused("HM030", f"{table}_provenance_fixed"):
                conn.execute(
                    f"UPDATE {table} SET {assignment} WHERE id = %(id)s",
                    {"asa": asa, "bob": cast.bob, "id": row},
                )


@pytest.mark.parametrize("table", CLINICAL_TABLES)
def test_a_live_entry_may_be_corrected_until_it_is_marked_in_error(dr_alice, owner, cast, table):
    row = given.clinical(dr_alice, cast, table)
    dr_alice.execute(f"UPDATE {table} SET {CORRECTIONS[table]} WHERE id = %s", [row])

    dr_alice.execute(MARK.format(table=table), [row])

    for conn in (dr_alice, owner):
        for assignment in (
            CORRECTIONS[table],
            "entered_in_error_at = NULL, entered_in_error_reason = NULL",
            "entered_in_error_reason = 'A better excuse'",
        ):
            with refused("HM030", f"{table}_error_mark_final"):
                conn.execute(f"UPDATE {table} SET {assignment} WHERE id = %s", [row])


@pytest.mark.parametrize("table", CLINICAL_TABLES)
def test_an_error_mark_comes_with_a_reason(dr_alice, cast, table):
    row = given.clinical(dr_alice, cast, table)
    with refused("23514", f"{table}_in_error_has_reason"):
        dr_alice.execute(f"UPDATE {table} SET entered_in_error_at = now() WHERE id = %s", [row])
    with refused("23514", f"{table}_in_error_has_reason"):
        dr_alice.execute(f"UPDATE {table} SET entered_in_error_reason = 'Wrong patient' WHERE id = %s", [row])


def test_an_error_mark_needs_a_reason_that_says_something(dr_alice, cast):
    for table in CLINICAL_TABLES:
        row = given.clinical(dr_alice, cast, table)
        with refused("23514", f"{table}_in_error_has_reason"):
            dr_alice.execute(
                f"UPDATE {table} SET entered_in_error_at = now(), entered_in_error_reason = '  ' WHERE id = %s",
                [row],
            )
