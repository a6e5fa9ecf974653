"""Irreversible actions ask first. Posting the action's own form without the
confirmation step writes nothing: the answer is a page that names what will
happen, shows the details and carries the form on to a confirm button. Only
the confirmed post does the deed.

The appointment and lab order cancels are told in tests/scheduling/
test_pages.py and tests/lab/test_pages.py, beside the rest of their flows."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.access.conftest import block_medicine, grant_sven
from tests.conftest import login
from tests.journal import given


class Person:
    """One logged-in user's client and CSRF token."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.token = token

    def post(self, url: str, data: dict[str, str], *, confirmed: bool = False):
        extra = {"confirmed": "yes"} if confirmed else {}
        return self.client.post(url, data={**data, **extra, "csrf_token": self.token}, follow_redirects=False)


@pytest.fixture()
def person(app, cast) -> Iterator:
    opened: list[TestClient] = []

    def open_as(username: str, lang: str = "en") -> Person:
        client = TestClient(app)
        client.__enter__()
        client.cookies.set("hms_lang", lang)
        opened.append(client)
        return Person(client, login(client, username))

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)


def chart(cast) -> str:
    return f"/patients/{cast.greta_patient}/journal"


def asks(response, question: str, *carried: str) -> None:
    """The answer is the confirmation page: its question, and a form that
    posts the same fields again with confirmed=yes."""
    assert response.status_code == 200
    assert f'<h1 id="confirm-question">{question}</h1>' in response.text
    assert 'name="confirmed" value="yes"' in response.text
    for field in carried:
        assert field in response.text


def test_completing_a_care_plan_asks_first_and_then_completes_it(person, owner, cast):
    # given an active care plan on Greta's chart, and Nurse Bob of her ward
    plan = given.clinical(owner, cast, "care_plan")
    bob = person("bob")
    url = f"{chart(cast)}/care-plans/{plan}/status"

    # when he presses "Completed" without confirming, the plan stays active
    asks(bob.post(url, {"status": "completed"}), "Mark the care plan as completed?", 'value="completed"')
    status = owner.execute("SELECT status FROM care_plan WHERE id = %s", [plan]).fetchone()["status"]
    assert status == "active"

    # then the confirmed post completes it
    assert bob.post(url, {"status": "completed"}, confirmed=True).status_code == 303
    status = owner.execute("SELECT status FROM care_plan WHERE id = %s", [plan]).fetchone()["status"]
    assert status == "completed"


def test_cancelling_a_care_plan_asks_its_own_question(person, owner, cast):
    plan = given.clinical(owner, cast, "care_plan")
    response = person("bob").post(f"{chart(cast)}/care-plans/{plan}/status", {"status": "cancelled"})
    asks(response, "Cancel the care plan?")
    assert (
        owner.execute("SELECT status FROM care_plan WHERE id = %s", [plan]).fetchone()["status"] == "active"
    )


def test_marking_a_diagnosis_in_error_asks_with_the_reason_and_the_code(person, owner, cast):
    diagnosis = given.clinical(owner, cast, "diagnosis")
    alice = person("alice")
    url = f"{chart(cast)}/diagnoses/{diagnosis}/error"

    # a missing reason is told first, before anything is asked
    assert alice.post(url, {"reason": ""}).status_code == 422

    response = alice.post(url, {"reason": "Fel patient vald"})
    asks(response, "Mark the diagnosis as entered in error?", 'value="Fel patient vald"', "J18.9")
    row = owner.execute("SELECT entered_in_error_at FROM diagnosis WHERE id = %s", [diagnosis]).fetchone()
    assert row["entered_in_error_at"] is None

    assert alice.post(url, {"reason": "Fel patient vald"}, confirmed=True).status_code == 303
    row = owner.execute("SELECT entered_in_error_reason FROM diagnosis WHERE id = %s", [diagnosis]).fetchone()
    assert row["entered_in_error_reason"] == "Fel patient vald"


def test_resolving_a_diagnosis_asks_first(person, owner, cast):
    diagnosis = given.clinical(owner, cast, "diagnosis")
    alice = person("alice")
    url = f"{chart(cast)}/diagnoses/{diagnosis}/resolve"
    asks(alice.post(url, {"resolved_date": "2026-11-20"}), "Mark the diagnosis as resolved?", "2026-11-20")
    assert owner.execute("SELECT resolved_date FROM diagnosis WHERE id = %s", [diagnosis]).fetchone() == {
        "resolved_date": None
    }
    assert alice.post(url, {"resolved_date": "2026-11-20"}, confirmed=True).status_code == 303
    row = owner.execute("SELECT resolved_date FROM diagnosis WHERE id = %s", [diagnosis]).fetchone()
    assert str(row["resolved_date"]) == "2026-11-20"


def test_marking_a_note_in_error_asks_first(person, owner, cast):
    note, _ = given.signed_note(owner, cast)
    alice = person("alice")
    url = f"{chart(cast)}/notes/{note}/error"
    asks(alice.post(url, {"reason": "Fel patient"}), "Mark the note as entered in error?", "Fel patient")
    row = owner.execute("SELECT entered_in_error_at FROM note WHERE id = %s", [note]).fetchone()
    assert row["entered_in_error_at"] is None
    assert alice.post(url, {"reason": "Fel patient"}, confirmed=True).status_code == 303
    row = owner.execute("SELECT entered_in_error_reason FROM note WHERE id = %s", [note]).fetchone()
    assert row["entered_in_error_reason"] == "Fel patient"


def test_revoking_a_relatives_access_asks_first_in_swedish_too(person, owner, cast):
    # given Sven holds Greta's proxy, and Greta reads the portal in Swedish
    grant_sven(owner, cast)
    grant = owner.execute("SELECT id FROM proxy_grant").fetchone()["id"]
    greta = person("greta", lang="sv")
    url = f"/my/proxies/{grant}/revoke"

    # when she presses Revoke, the page asks in Swedish and names Sven
    response = greta.post(url, {})
    asks(response, "Återkalla den anhöriges åtkomst?", "Sven Gustafsson", "Ja, återkalla åtkomsten")
    assert owner.execute("SELECT revoked_at FROM proxy_grant").fetchone()["revoked_at"] is None

    # then only the confirmed post revokes it
    assert greta.post(url, {}, confirmed=True).status_code == 303
    assert owner.execute("SELECT revoked_at FROM proxy_grant").fetchone()["revoked_at"] is not None


def test_lifting_a_block_asks_first(person, owner, cast):
    block_medicine(owner, cast)
    block = owner.execute("SELECT id FROM journal_block").fetchone()["id"]
    greta = person("greta")
    url = f"/my/blocks/{block}/revoke"
    asks(greta.post(url, {}), "Lift the block?", "Medical ward 1")
    assert owner.execute("SELECT revoked_at FROM journal_block").fetchone()["revoked_at"] is None
    assert greta.post(url, {}, confirmed=True).status_code == 303
    assert owner.execute("SELECT revoked_at FROM journal_block").fetchone()["revoked_at"] is not None


def test_the_confirmation_page_shows_nothing_of_another_patients_entry(person, owner, cast):
    # given a diagnosis of another patient, Åsa, whom nobody on the ward treats
    asa = given.patient(owner)
    theirs = given.clinical(owner, cast, "diagnosis", patient_id=asa)
    # when Dr Alice posts its id under Greta's chart, nothing is asked or shown
    response = person("alice").post(f"{chart(cast)}/diagnoses/{theirs}/error", {"reason": "Fel patient vald"})
    assert response.status_code == 404
    assert "Åsa" not in response.text
