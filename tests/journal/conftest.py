"""Fixtures of the journal tests: a second patient, and Dr Alice and Nurse Bob
as the app acting for them. The cast, ``acting_as`` and the cleanup between
tests are the suite's own (tests/conftest.py)."""

import psycopg
import pytest

from tests.journal import given


@pytest.fixture()
def asa(owner, cast) -> int:
    """Åsa Ek, a second patient, also in the medical ward's care, whose
    entries must never show up in Greta's journal."""
    patient = given.patient(owner, given.ASA)
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Uppföljning', %s)",
        [patient, cast.unit_med, cast.alice],
    )
    return patient


@pytest.fixture()
def dr_alice(acting_as, cast) -> psycopg.Connection:
    """The app acting for Dr Alice, attending on the medical ward, where Greta is cared for."""
    return acting_as(cast.alice, "doctor")


@pytest.fixture()
def nurse_bob(acting_as, cast) -> psycopg.Connection:
    """The app acting for Nurse Bob, on the same ward."""
    return acting_as(cast.bob, "nurse")
