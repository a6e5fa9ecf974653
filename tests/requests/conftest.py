"""Care request tests: Greta's signed note by Dr Alice on the medical ward,
a paracetamol prescription of Alice's, and helpers that file and handle
requests with plain SQL as the app's role acting for a user, the way the app
does. Greta is in the medical ward's care (the cast), so that unit has had
contact with her; the surgical ward has not."""

from typing import Any

import pytest

from tests.journal import given
from tests.medication.conftest import given_prescription

FILE = "SELECT care_request_file(%s, %s, %s, %s, %s, %s, %s) AS id"
TAKE = "SELECT care_request_take(%s)"
DECIDE = "SELECT care_request_decide(%s, %s, %s, %s, %s, %s)"
WITHDRAW = "SELECT care_request_withdraw(%s)"


@pytest.fixture()
def note(owner, cast) -> dict[str, int]:
    """A signed progress note by Dr Alice from the medical ward, about Greta."""
    note_id, version_id = given.signed_note(owner, cast)
    return {"note": note_id, "version": version_id}


@pytest.fixture()
def prescription(owner, cast) -> int:
    return given_prescription(owner, cast)


def file(
    conn: Any,
    patient: int,
    kind: str,
    *,
    unit: int | None = None,
    prescription: int | None = None,
    note: int | None = None,
    body: str = "Please help with this.",
    proposed: str | None = None,
) -> int:
    """File a request as the connection's user; returns its id."""
    return conn.execute(FILE, [patient, kind, unit, prescription, note, body, proposed]).fetchone()["id"]


def decide(
    conn: Any,
    request: int,
    outcome: str,
    answer: str | None = None,
    *,
    prescription_version: int | None = None,
    amended_version: int | None = None,
    appointment: int | None = None,
) -> None:
    conn.execute(DECIDE, [request, outcome, answer, prescription_version, amended_version, appointment])


def grant(owner: Any, cast: Any, scopes: list[str], **extra: Any) -> int:
    """Greta's grant to her son Sven (as the owner writes it)."""
    columns = ["patient_id", "relative_user_id", "scopes", "granted_by", *extra]
    return owner.execute(
        f"INSERT INTO proxy_grant ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        "RETURNING id",
        [cast.greta_patient, cast.sven, scopes, cast.greta, *extra.values()],
    ).fetchone()["id"]


def status(owner: Any, request: int) -> str:
    return owner.execute("SELECT status FROM care_request WHERE id = %s", [request]).fetchone()["status"]


# Each person's browser (tests.access: logged in once per test, English pages).
from tests.access.conftest import browser  # noqa: E402,F401
