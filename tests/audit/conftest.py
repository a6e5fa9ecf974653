"""The audit tests read the pages in English and usually act as Adam, the
administrator; Dr Alice breaks the glass on a patient outside her unit."""

import pytest

from tests.conftest import login
from tests.db.pnr import number


@pytest.fixture()
def client(client):
    """The test client, reading the pages in English (the catalogue's msgids)."""
    client.cookies.set("hms_lang", "en")
    return client


@pytest.fixture()
def olle(owner, cast) -> int:
    """Olle Olsson, a patient in no care unit's care: outside Dr Alice's units."""
    return owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, 'Olle', 'Olsson', '1950-03-04', 'male') RETURNING id",
        [number("19500304")],
    ).fetchone()["id"]


def break_the_glass(client, csrf: str, patient_id: int) -> None:
    """The logged-in clinician opens emergency access and reads the journal under it."""
    response = client.post(
        f"/patients/{patient_id}/emergency-access",
        data={"reason": "Unconscious in the emergency room, needs history", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert client.get(f"/patients/{patient_id}/journal").status_code == 200


@pytest.fixture()
def emergency(client, cast, olle, owner) -> int:
    """Dr Alice opened emergency access to Olle and read his journal; then she logged
    out. Returns the emergency access id."""
    csrf = login(client, "alice")
    break_the_glass(client, csrf, olle)
    client.post("/logout", data={"csrf_token": csrf})
    client.cookies.delete("hms_session")
    return owner.execute("SELECT id FROM emergency_access WHERE patient_id = %s", [olle]).fetchone()["id"]


@pytest.fixture()
def adam(client, cast) -> str:
    """Adam the administrator, logged in; his session's CSRF token."""
    return login(client, "adam")
