"""The registry's JSON API: the same search and registration as the pages,
the same rules, the same audit rows; errors as {"errors": {field: message}}."""

import pytest

from tests.conftest import login
from tests.patients.registry import add_patient, audit_rows, count

NEW_PATIENT = {
    "personal_number": "19850709-9805",
    "given_name": "Åsa",
    "family_name": "Jönsson",
    "sex": "female",
    "phone": "070-123 45 67",
    "city": "Lund",
}


def post(client, csrf: str | None, body: dict):
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    return client.post("/api/patients", json=body, headers=headers)


def test_search_returns_matching_patients_as_json_and_audits_them(client, rita, owner, cast):
    asa = add_patient(owner, "Åsa", "Jönsson", "19850709", serial="980")
    response = client.get("/api/patients", params={"q": "jonsson"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": asa,
            "personal_number": "198507099805",
            "given_name": "Åsa",
            "family_name": "Jönsson",
            "date_of_birth": "1985-07-09",
            "sex": "female",
            "protected_identity": False,
        }
    ]
    [audit] = audit_rows(owner, "patient.search")
    assert (audit["user_id"], audit["patient_id"]) == (cast.rita, asa)


def test_search_by_number_works_as_on_the_page(client, rita, cast):
    assert [p["id"] for p in client.get("/api/patients", params={"q": "420214-2388"}).json()] == [
        cast.greta_patient
    ]


def test_a_too_short_search_returns_nothing(client, rita):
    assert client.get("/api/patients", params={"q": "g"}).json() == []


def test_search_without_q_is_a_422(client, rita):
    assert client.get("/api/patients").status_code == 422


def test_a_patient_is_registered_through_the_api(client, rita, owner, cast):
    response = post(client, rita, NEW_PATIENT)
    assert response.status_code == 201
    body = response.json()
    assert body["personal_number"] == "198507099805"
    assert body["date_of_birth"] == "1985-07-09"
    assert body["city"] == "Lund" and body["contact_hidden"] is False
    row = owner.execute("SELECT created_by FROM patient WHERE id = %s", [body["id"]]).fetchone()
    assert row["created_by"] == cast.rita
    assert [r["patient_id"] for r in audit_rows(owner, "patient.create")] == [body["id"]]


def test_one_patient_is_read_through_the_api_and_audited(client, rita, owner, cast):
    response = client.get(f"/api/patients/{cast.greta_patient}")
    assert response.status_code == 200
    assert response.json()["family_name"] == "Gustafsson"
    assert [r["patient_id"] for r in audit_rows(owner, "patient.read")] == [cast.greta_patient]


def test_an_unknown_patient_is_a_json_404(client, rita):
    response = client.get("/api/patients/999999")
    assert response.status_code == 404
    assert "error" in response.json()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"personal_number": "19850709-9806"}, "personal_number", "Not a valid personal identity number."),
        (
            {"personal_number": "19420214-2388"},
            "personal_number",
            "A patient with this personal identity number is already registered.",
        ),
        ({"given_name": ""}, "given_name", "This field is required."),
        ({"family_name": "x" * 101}, "family_name", "Too long."),
        ({"date_of_birth": "2023-02-30"}, "date_of_birth", "Enter a date as YYYY-MM-DD."),
        (
            {"date_of_birth": "1985-07-10"},
            "date_of_birth",
            "The date of birth does not match the personal identity number.",
        ),
        ({"sex": "woman"}, "sex", "Choose one of the options."),
    ],
)
def test_a_bad_registration_is_a_422_with_the_field_and_saves_nothing(
    client, rita, owner, cast, changes, field, message
):
    before = (count(owner, "patient"), count(owner, "audit_log"))
    response = post(client, rita, {**NEW_PATIENT, **changes})
    assert response.status_code == 422
    assert response.json()["errors"][field] == message
    assert (count(owner, "patient"), count(owner, "audit_log")) == before


def test_registration_needs_the_csrf_header(client, rita, owner):
    assert post(client, None, NEW_PATIENT).status_code == 403
    assert post(client, "forged-token", NEW_PATIENT).status_code == 403
    assert count(owner, "patient") == 1  # Greta only


def test_the_api_needs_a_session(client, cast):
    assert client.get("/api/patients", params={"q": "greta"}).status_code == 401
    assert client.post("/api/patients", json=NEW_PATIENT).status_code == 401


def test_a_pharmacist_may_search_but_not_register(client, cast, owner):
    csrf = login(client, "petra")
    assert client.get("/api/patients", params={"q": "greta"}).status_code == 200
    assert post(client, csrf, NEW_PATIENT).status_code == 403
    assert count(owner, "patient") == 1
