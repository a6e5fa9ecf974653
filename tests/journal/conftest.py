"""Fixtures of the journal tests: a faster way to start from empty tables, a
second patient, and extra app connections for the races."""

from collections.abc import Callable

import psycopg
import pytest
from psycopg import sql

from tests import cast as cast_module
from tests.acting import Acting
from tests.conftest import REFERENCE_TABLES
from tests.journal import given

# Reference rows written by migrations that the journal reads (LOINC codes of vitals).
JOURNAL_REFERENCE_TABLES = REFERENCE_TABLES | {"vital_sign_code"}


@pytest.fixture(autouse=True)
def clean(owner_url: str) -> None:
    """Empty every table but reference data before each test, like the
    suite's own fixture, but with DELETE: these tests are many and each writes
    a handful of rows, and deleting those is far cheaper than TRUNCATE, which
    gives every table new files. Replica mode skips the journal's guards and
    the foreign keys for this cleanup only."""
    with psycopg.connect(owner_url) as conn:
        conn.execute("SET LOCAL session_replication_role = replica")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename NOT LIKE '\\_yoyo%' AND tablename <> 'yoyo_lock'"
            )
            if r[0] not in JOURNAL_REFERENCE_TABLES
        ]
        conn.execute(sql.SQL("; ").join(sql.SQL("DELETE FROM {}").format(sql.Identifier(t)) for t in tables))


@pytest.fixture()
def cast(owner: psycopg.Connection) -> cast_module.Cast:
    """The suite's fixed cast, inserted in one transaction: one commit instead
    of one per row, which counts when a hundred tests each need it."""
    with owner.transaction():
        return cast_module.create(owner)


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
def acting_as(app_as) -> Callable[[int, str], Acting]:
    """Connections as the app's role acting for one user through a live
    session, as each request's transaction does, so row-level security lets
    them reach the patients in their care: the strongest position from which
    the app could try to break a rule."""
    return app_as


@pytest.fixture()
def dr_alice(acting_as, cast) -> psycopg.Connection:
    """The app acting for Dr Alice, attending on the medical ward, where Greta is cared for."""
    return acting_as(cast.alice, "doctor")


@pytest.fixture()
def nurse_bob(acting_as, cast) -> psycopg.Connection:
    """The app acting for Nurse Bob, on the same ward."""
    return acting_as(cast.bob, "nurse")
