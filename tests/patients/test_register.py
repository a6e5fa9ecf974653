"""Registering a patient at reception: a good form saves one patient and its
audit row; a bad one comes back with a message beside each wrong field, every
typed value still in place, and nothing saved."""

import pytest

from tests.cast import PASSWORD
from tests.patients.registry import audit_rows, count, field_error, input_keeps

NOT_A_NUMBER = "Not a valid personal identity number."
REQUIRED = "This field is required."
TOO_LONG = "Too long."


def form(**changes: str) -> dict[str, str]:
    base = {
        "personal_number": "19850709-9805",
        "date_of_birth": "",
        "given_name": "Åsa",
        "family_name": "Jönsson",
        "sex": "female",
        "phone": "070-123 45 67",
        "email": "asa@example.se",
        "street_address": "Storgatan 1",
        "postal_code": "222 22",
        "city": "Lund",
    }
    return {**base, **changes}


def register(client, csrf: str, data: dict[str, str]):
    return client.post("/patients/new", data={**data, "csrf_token": csrf}, follow_redirects=False)


def test_the_registration_form_opens_for_reception(client, rita):
    page = client.get("/patients/new")
    assert page.status_code == 200
    assert 'name="personal_number"' in page.text


def test_a_receptionist_registers_a_patient(client, rita, cast, owner):
    response = register(client, rita, form(protected_identity="on"))

    assert response.status_code == 303
    patient = owner.execute(
        "SELECT id, personal_number, date_of_birth::text AS born, given_name, family_name, sex, phone, "
        "email, street_address, postal_code, city, protected_identity, created_by "
        "FROM patient WHERE family_name = 'Jönsson'"
    ).fetchone()
    assert response.headers["location"] == f"/patients/{patient['id']}?notice=registered"
    assert patient == {
        "id": patient["id"],
        "personal_number": "198507099805",
        "born": "1985-07-09",
        "given_name": "Åsa",
        "family_name": "Jönsson",
        "sex": "female",
        "phone": "070-123 45 67",
        "email": "asa@example.se",
        "street_address": "Storgatan 1",
        "postal_code": "222 22",
        "city": "Lund",
        "protected_identity": True,
        "created_by": cast.rita,
    }
    [audit] = audit_rows(owner, "patient.create")
    assert audit["user_id"] == cast.rita and audit["patient_id"] == patient["id"]

    shown = client.get(response.headers["location"])
    assert "The patient is registered." in shown.text


@pytest.mark.parametrize(
    "typed",
    [
        "19850709-9805",
        "198507099805",
        "850709-9805",
        "8507099805",
        " 19850709-9805 ",
        "19850709 - 9805",
        "850709 9805",
    ],
)
def test_a_number_is_stored_as_twelve_digits_however_it_is_typed(client, rita, owner, typed):
    assert register(client, rita, form(personal_number=typed)).status_code == 303
    assert (
        owner.execute("SELECT personal_number FROM patient WHERE family_name = 'Jönsson'").fetchone()[
            "personal_number"
        ]
        == "198507099805"
    )


def test_a_coordination_number_is_registered_with_its_real_birth_date(client, rita, owner):
    assert register(client, rita, form(personal_number="19850769-2385")).status_code == 303
    row = owner.execute(
        "SELECT date_of_birth::text AS born, is_coordination_number FROM patient WHERE family_name = 'Jönsson'"
    ).fetchone()
    assert row == {"born": "1985-07-09", "is_coordination_number": True}


def test_a_matching_date_of_birth_may_be_typed(client, rita, owner):
    assert register(client, rita, form(date_of_birth="1985-07-09")).status_code == 303


def test_only_the_required_fields_are_enough(client, rita, owner):
    data = {"personal_number": "198507099805", "given_name": "Åsa", "family_name": "Ek", "sex": "female"}
    assert register(client, rita, data).status_code == 303
    row = owner.execute(
        "SELECT phone, email, street_address, postal_code, city FROM patient WHERE family_name = 'Ek'"
    ).fetchone()
    assert set(row.values()) == {None}


# --- bad input: 422, the message beside the field, the values kept, nothing saved ------


def refused(client, csrf: str, owner, data: dict[str, str], field: str, message: str) -> str:
    """Post a bad form and check the answer; returns the page."""
    before = (count(owner, "patient"), count(owner, "audit_log"))
    response = register(client, csrf, data)
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert "The form has errors. Nothing was saved" in response.text
    for name, value in data.items():
        if name == "sex" and value:
            assert f'<option value="{value}" selected>' in response.text
        elif value.strip():
            assert input_keeps(response.text, name, value), f"{name} lost {value!r}"
    assert (count(owner, "patient"), count(owner, "audit_log")) == before
    return response.text


@pytest.mark.parametrize(
    "typed",
    [
        "19850709-9806",  # check digit wrong
        "20230230-2386",  # 30 February
        "19851309-9805",  # month 13
        "1985070998",  # too short
        "1985070998051",  # too long
        "abc",
    ],
    ids=["luhn", "feb-30", "month-13", "short", "long", "letters"],
)
def test_an_invalid_personal_number_is_refused(client, rita, owner, typed):
    refused(client, rita, owner, form(personal_number=typed), "personal_number", NOT_A_NUMBER)


def test_a_number_already_registered_is_refused(client, rita, cast, owner):
    page = refused(
        client,
        rita,
        owner,
        form(personal_number="19420214-2388", given_name="Greta", family_name="Gustafsson"),
        "personal_number",
        "A patient with this personal identity number is already registered.",
    )
    assert 'aria-invalid="true" aria-describedby="e-personal_number"' in page


@pytest.mark.parametrize("missing", ["personal_number", "given_name", "family_name", "sex"])
def test_a_required_field_left_empty_is_refused(client, rita, owner, missing):
    refused(client, rita, owner, form(**{missing: ""}), missing, REQUIRED)


def test_a_name_of_only_spaces_counts_as_empty(client, rita, owner):
    refused(client, rita, owner, form(given_name="   "), "given_name", REQUIRED)


@pytest.mark.parametrize(
    "field, length",
    [("given_name", 101), ("family_name", 101), ("street_address", 201), ("city", 101), ("email", 255)],
)
def test_over_long_text_is_refused(client, rita, owner, field, length):
    value = "a" * length if field != "email" else "a" * (length - 13) + "@example.se.x"
    assert len(value) == length
    refused(client, rita, owner, form(**{field: value}), field, TOO_LONG)


def test_an_impossible_date_of_birth_is_refused(client, rita, owner):
    refused(
        client, rita, owner, form(date_of_birth="2023-02-30"), "date_of_birth", "Enter a date as YYYY-MM-DD."
    )


def test_a_date_of_birth_that_does_not_match_the_number_is_refused(client, rita, owner):
    refused(
        client,
        rita,
        owner,
        form(date_of_birth="1985-07-10"),
        "date_of_birth",
        "The date of birth does not match the personal identity number.",
    )


@pytest.mark.parametrize(
    "field, value",
    [("phone", "call me"), ("email", "asa.example.se"), ("postal_code", "1234"), ("sex", "f")],
)
def test_badly_formatted_contact_details_are_refused(client, rita, owner, field, value):
    message = "Choose one of the options." if field == "sex" else "The format is not valid."
    before = count(owner, "patient")
    page = register(client, rita, form(**{field: value}))
    assert page.status_code == 422
    assert field_error(page.text, field) == message
    assert count(owner, "patient") == before


def test_several_mistakes_are_all_shown_at_once(client, rita, owner):
    page = register(client, rita, form(personal_number="19850709-9806", given_name="", postal_code="1"))
    assert page.status_code == 422
    assert field_error(page.text, "personal_number") == NOT_A_NUMBER
    assert field_error(page.text, "given_name") == REQUIRED
    assert field_error(page.text, "postal_code") == "The format is not valid."
    assert input_keeps(page.text, "city", "Lund")


def test_typed_markup_comes_back_escaped(client, rita, owner):
    page = register(client, rita, form(given_name='<script>alert("x")</script>', personal_number="x"))
    assert page.status_code == 422
    assert "<script>alert" not in page.text
    assert input_keeps(page.text, "given_name", '<script>alert("x")</script>')


def test_staff_without_the_right_cannot_register(client, cast, owner):
    from tests.conftest import csrf_of, login

    login(client, "petra", PASSWORD)  # a pharmacist searches and reads, but does not register
    assert client.get("/patients/new").status_code == 403
    token = csrf_of(client.get("/").text)
    assert register(client, token, form()).status_code == 403
    assert count(owner, "patient") == 1  # Greta only
