"""The wall's tests act as someone who holds the app role's credentials and
types plain SQL: ``app_conn`` declares nobody, ``app_as`` proves a real
session. Greta has a signed note and a diagnosis from the medical ward."""

import pytest

from tests.journal import given


@pytest.fixture()
def greta_journal(owner, cast) -> dict[str, int]:
    """A signed progress note by Dr Alice and a diagnosis, both from the medical ward."""
    note_id, version_id = given.signed_note(owner, cast)
    diagnosis = given.clinical(owner, cast, "diagnosis")
    allergy = given.clinical(owner, cast, "allergy")
    return {"note": note_id, "version": version_id, "diagnosis": diagnosis, "allergy": allergy}


def claim(conn, **settings: str) -> None:
    """Set settings by hand, for the whole connection: what an attacker would try."""
    for name, value in settings.items():
        conn.execute("SELECT set_config(%s, %s, false)", [name, value])


def journal_rows(conn, patient_id: int) -> dict[str, int]:
    """How many of a patient's journal rows the connection reads."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM note WHERE patient_id = %(p)s) AS notes, "
        "(SELECT count(*) FROM note_version WHERE patient_id = %(p)s) AS versions, "
        "(SELECT count(*) FROM diagnosis WHERE patient_id = %(p)s) AS diagnoses, "
        "(SELECT count(*) FROM allergy WHERE patient_id = %(p)s) AS allergies",
        {"p": patient_id},
    ).fetchone()
    return dict(row)


NOTHING = {"notes": 0, "versions": 0, "diagnoses": 0, "allergies": 0}
