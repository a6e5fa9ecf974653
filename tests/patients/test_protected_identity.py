"""Skyddade personuppgifter: a protected patient's address and phone are shown
to no member of staff, in search, on the page, in the API or in the edit form,
and editing the patient never overwrites what the editor could not see."""

import pytest

from tests.conftest import login
from tests.patients.registry import add_patient, input_value

SECRET = {
    "phone": "070-999 88 77",
    "email": "hidden@example.se",
    "street_address": "Hemliga vägen 7",
    "postal_code": "999 99",
    "city": "Hemlingby",
}


@pytest.fixture()
def protected(owner, cast) -> int:
    return add_patient(owner, "Maja", "Hemlig", "19900315", protected_identity=True, **SECRET)


@pytest.fixture()
def open_patient(owner, cast) -> int:
    return add_patient(
        owner,
        "Olle",
        "Öppen",
        "19700101",
        sex="male",
        street_address="Strandgatan 2",
        city="Visby",
        phone="070-111 00 00",
    )


def assert_nothing_secret(text: str) -> None:
    for value in SECRET.values():
        assert value not in text


@pytest.mark.parametrize("username", ["rita", "alice", "bob", "petra"])
def test_search_results_hide_a_protected_patients_contact_details(client, cast, protected, username):
    login(client, username)
    response = client.get("/patients", params={"q": "hemlig"})
    assert f'href="/patients/{protected}"' in response.text
    assert "Protected identity" in response.text
    assert_nothing_secret(response.text)


@pytest.mark.parametrize("username", ["rita", "alice", "bob", "petra"])
def test_the_patient_page_hides_a_protected_patients_contact_details(client, cast, protected, username):
    login(client, username)
    response = client.get(f"/patients/{protected}")
    assert response.status_code == 200
    assert "Hidden: protected identity" in response.text
    assert_nothing_secret(response.text)


def test_the_api_hides_a_protected_patients_contact_details(client, rita, protected):
    listed = client.get("/api/patients", params={"q": "hemlig"})
    detail = client.get(f"/api/patients/{protected}")
    assert_nothing_secret(listed.text)
    assert_nothing_secret(detail.text)
    body = detail.json()
    assert body["contact_hidden"] is True
    assert body["phone"] is body["street_address"] is body["city"] is None


def test_an_unprotected_patients_contact_details_are_shown(client, rita, open_patient):
    assert "Visby" in client.get("/patients", params={"q": "olle"}).text
    page = client.get(f"/patients/{open_patient}").text
    assert "070-111 00 00" in page and "Strandgatan 2" in page and "Visby" in page


def test_a_city_without_a_street_address_is_shown(client, rita, owner):
    patient = add_patient(owner, "Stina", "Stad", "19900315", city="Visby")
    assert "Visby" in client.get(f"/patients/{patient}").text


def test_the_edit_form_of_a_protected_patient_has_no_contact_fields(client, rita, protected):
    response = client.get(f"/patients/{protected}/edit")
    assert response.status_code == 200
    assert "address and phone are hidden and stay as they are" in response.text
    assert input_value(response.text, "phone") is None
    assert input_value(response.text, "street_address") is None
    assert_nothing_secret(response.text)


def test_editing_a_protected_patient_keeps_the_hidden_address(client, rita, owner, protected):
    response = client.post(
        f"/patients/{protected}/edit",
        data={
            "csrf_token": rita,
            "given_name": "Maja-Lena",
            "family_name": "Hemlig",
            "sex": "female",
            "protected_identity": "on",
            # Whatever a forged form sends for fields the editor never saw is ignored.
            "phone": "",
            "street_address": "Overwritten 1",
            "city": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    row = owner.execute(
        "SELECT given_name, phone, email, street_address, postal_code, city FROM patient WHERE id = %s",
        [protected],
    ).fetchone()
    assert row == {"given_name": "Maja-Lena", **SECRET}


def test_editing_an_unprotected_patient_changes_the_contact_details(client, rita, owner, open_patient):
    response = client.post(
        f"/patients/{open_patient}/edit",
        data={
            "csrf_token": rita,
            "given_name": "Olle",
            "family_name": "Öppen",
            "sex": "male",
            "phone": "070-222 00 00",
            "city": "Slite",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    row = owner.execute("SELECT phone, city FROM patient WHERE id = %s", [open_patient]).fetchone()
    assert row == {"phone": "070-222 00 00", "city": "Slite"}


def test_an_edit_with_a_bad_value_saves_nothing_and_keeps_what_was_typed(client, rita, owner, open_patient):
    response = client.post(
        f"/patients/{open_patient}/edit",
        data={"csrf_token": rita, "given_name": "Olof", "family_name": "", "sex": "male", "city": "Slite"},
    )
    assert response.status_code == 422
    assert input_value(response.text, "given_name") == "Olof"
    assert input_value(response.text, "city") == "Slite"
    row = owner.execute("SELECT given_name, city FROM patient WHERE id = %s", [open_patient]).fetchone()
    assert row == {"given_name": "Olle", "city": "Visby"}
