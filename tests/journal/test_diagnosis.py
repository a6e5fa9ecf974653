"""A diagnosis is an ICD-10 code from the WHO table, for the patient of its
encounter, resolved no earlier than it began."""

import pytest

from tests.journal import given
from tests.journal.refusal import refused


def test_a_known_icd10_code_is_accepted_and_titled(dr_alice, cast):
    diagnosis = given.clinical(dr_alice, cast, "diagnosis", code="J18.9")
    title = given.value(
        dr_alice, "SELECT title FROM journal_timeline WHERE kind = 'diagnosis' AND id = %s", [diagnosis]
    )
    assert title == "Pneumonia, unspecified"


@pytest.mark.parametrize("code", ["J18.99", "X99.9", "j18.9", "J189", "Pneumonia"])
def test_a_code_outside_icd10_is_refused(dr_alice, cast, code):
    with refused("23503", "diagnosis_code_fkey"):
        given.clinical(dr_alice, cast, "diagnosis", code=code)


def test_the_code_cannot_be_changed_to_an_unknown_one_later(dr_alice, cast):
    diagnosis = given.clinical(dr_alice, cast, "diagnosis")
    with refused("23503", "diagnosis_code_fkey"):
        dr_alice.execute("UPDATE diagnosis SET code = 'Z99.99' WHERE id = %s", [diagnosis])


def test_resolved_before_onset_is_refused(dr_alice, cast):
    with refused("23514", "diagnosis_resolved_after_onset"):
        given.clinical(dr_alice, cast, "diagnosis", onset_date="2024-03-10", resolved_date="2024-03-09")
    given.clinical(dr_alice, cast, "diagnosis", onset_date="2024-03-10", resolved_date="2024-03-10")


def test_a_diagnosis_belongs_to_the_patient_of_its_encounter(dr_alice, cast, asa):
    asas_visit = given.visit(dr_alice, cast, patient=asa)
    with refused("23503", "diagnosis_encounter_fk"):
        given.clinical(dr_alice, cast, "diagnosis", encounter_id=asas_visit)
    given.clinical(dr_alice, cast, "diagnosis", patient_id=asa, encounter_id=asas_visit)
