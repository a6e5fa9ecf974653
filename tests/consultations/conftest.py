"""The consultation tests: Dr Alice asks Dr Erik, external specialist, about
Greta, who is in her medical ward's care; Dr Charlie, on the surgical unit,
has no care relationship with Greta. Each person has their own browser
(a test client of their own), reading the pages in English."""

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login
from tests.journal import given


class Browser:
    """One logged-in person: their client and their session's CSRF token."""

    def __init__(self, client: TestClient, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def get(self, url: str):
        return self.client.get(url)

    def post(self, url: str, data: dict | None = None):
        return self.client.post(url, data={**(data or {}), "csrf_token": self.csrf}, follow_redirects=False)


@pytest.fixture()
def browser(app, cast) -> Iterator[Callable[[str], Browser]]:
    opened: list[TestClient] = []

    def open_as(username: str) -> Browser:
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        client.cookies.set("hms_lang", "en")
        return Browser(client, login(client, username))

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture()
def alice(browser) -> Browser:
    return browser("alice")


@pytest.fixture()
def erik(browser) -> Browser:
    return browser("erik")


@pytest.fixture()
def greta_diagnosis(owner, cast) -> int:
    """Greta's pneumonia on the problem list, recorded on the medical ward."""
    return given.clinical(owner, cast, "diagnosis", code="J18.9")


QUESTION = "Atrial fibrillation with pneumonia: is anticoagulation advisable now?"


ALL_PARTS = ["summary", "notes", "diagnoses", "vitals", "medication"]


def request_consultation(alice: Browser, cast, parts: list[str] | None = None, **fields) -> int:
    """Alice asks Erik about Greta through the form, letting him read the
    parts named (every part unless told); returns the consultation's id."""
    data = {
        "specialist_id": cast.erik,
        "care_unit_id": cast.unit_med,
        "question": QUESTION,
        "parts": ALL_PARTS if parts is None else parts,
        **fields,
    }
    response = alice.post(f"/consultations/new?patient_id={cast.greta_patient}", data)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[2].split("?")[0])


def as_user(acting_as, user_id: int, role: str, query: str, params: list | None = None) -> list[dict]:
    """Run one query as the app role acting for this user through a live
    session (what RLS keys on)."""
    return acting_as(user_id, role).execute(query, params or []).fetchall()
