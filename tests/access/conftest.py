"""The access tests: the cast, Greta's journal (a signed note, an encounter,
vital signs, a diagnosis and an allergy from the medical ward), and Olle, a
patient nobody on the cast has any relation to. Each person reads the pages
in English through a browser of their own, logged in once per test."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login
from tests.db.pnr import number
from tests.journal import given
from tests.lab.given import given_orders
from tests.medication.conftest import given_prescription

OLLE_PNR = number("19500304")


@dataclass(frozen=True)
class Person:
    """A patient as the tests recognise them in a page: name and identity number."""

    patient_id: int
    given_name: str
    personal_number: str

    def shown_in(self, body: str) -> bool:
        pnr = self.personal_number
        return any(mark in body for mark in (self.given_name, pnr, f"{pnr[:8]}-{pnr[8:]}"))


@dataclass(frozen=True)
class World:
    cast: object
    greta: Person
    olle: Person
    notes: dict[int, int]  # patient id -> that patient's signed note
    prescriptions: dict[int, int]  # patient id -> that patient's prescription
    encounter: int  # Greta's open encounter on the medical ward
    lab_orders: dict[int, int] = field(default_factory=dict)  # patient id -> a lab order of the medical ward
    radiology: dict[int, int] = field(default_factory=dict)  # patient id -> an examination likewise

    def patients(self) -> list[Person]:
        return [self.greta, self.olle]


@pytest.fixture()
def world(owner, cast) -> World:
    olle = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, 'Olle', 'Olsson', '1950-03-04', 'male') RETURNING id",
        [OLLE_PNR],
    ).fetchone()["id"]
    greta_note, _ = given.signed_note(owner, cast)
    olle_note, _ = given.signed_note(owner, cast, patient=olle)
    encounter = given.visit(owner, cast)
    for table in ("vital_signs", "diagnosis", "allergy"):
        given.clinical(owner, cast, table)
    return World(
        cast=cast,
        greta=Person(cast.greta_patient, "Greta", "194202142388"),
        olle=Person(olle, "Olle", OLLE_PNR),
        notes={cast.greta_patient: greta_note, olle: olle_note},
        prescriptions={p: given_prescription(owner, cast, patient=p) for p in (cast.greta_patient, olle)},
        encounter=encounter,
        **_lab(owner, cast, [cast.greta_patient, olle]),
    )


def _lab(owner, cast, patients: list[int]) -> dict[str, dict[int, int]]:
    orders = {p: given_orders(owner, cast, patient=p) for p in patients}
    return {
        "lab_orders": {p: o[0] for p, o in orders.items()},
        "radiology": {p: o[1] for p, o in orders.items()},
    }


class Browser:
    """One logged-in person: their client and their session's CSRF token."""

    def __init__(self, client: TestClient, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def get(self, url: str):
        return self.client.get(url, follow_redirects=False)

    def post(self, url: str, data: dict | None = None, json: dict | None = None):
        headers = {"x-csrf-token": self.csrf}
        if json is not None:
            return self.client.post(url, json=json, headers=headers, follow_redirects=False)
        return self.client.post(
            url, data={**(data or {}), "csrf_token": self.csrf}, headers=headers, follow_redirects=False
        )


@pytest.fixture()
def browser(app, cast) -> Iterator[Callable[[str], Browser]]:
    """browser(username): that person's browser, logged in once per test."""
    opened: dict[str, Browser] = {}

    def open_as(username: str) -> Browser:
        if username not in opened:
            client = TestClient(app)
            client.__enter__()
            client.cookies.set("hms_lang", "en")
            opened[username] = Browser(client, login(client, username))
        return opened[username]

    yield open_as
    for each in opened.values():
        each.client.__exit__(None, None, None)


def grant_sven(owner, cast) -> None:
    """Greta grants her son Sven her record (scope record, from today)."""
    owner.execute(
        "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, granted_by) "
        "VALUES (%s, %s, '{record}', %s)",
        [cast.greta_patient, cast.sven, cast.greta],
    )


def surgical_care(owner, cast) -> None:
    """The surgical unit (Dr Charlie's) takes Greta into its care too."""
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 hour', NULL), 'Inför operation', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )


def block_medicine(owner, cast) -> None:
    """Greta blocks the medical ward's entries from staff of other units."""
    owner.execute(
        "INSERT INTO journal_block (patient_id, care_unit_id, created_by) VALUES (%s, %s, %s)",
        [cast.greta_patient, cast.unit_med, cast.greta],
    )


EMERGENCY_REASON = "Unconscious in the emergency room, needs history"


def break_the_glass(who: Browser, patient_id: int) -> None:
    response = who.post(f"/patients/{patient_id}/emergency-access", {"reason": EMERGENCY_REASON})
    assert response.status_code == 303, response.text
