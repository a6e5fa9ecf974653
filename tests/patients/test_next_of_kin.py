"""Next of kin: added and removed from the patient page, one primary contact
at a time, each change audited; a bad form saves nothing."""

import re

import pytest

from tests.patients.registry import add_patient, audit_rows, field_error, input_keeps


@pytest.fixture()
def asa(owner, cast) -> int:
    return add_patient(owner, "Åsa", "Jönsson", "19850709", serial="980")


def add(client, csrf: str, patient_id: int, **fields: str):
    data = {"full_name": "Erik Jönsson", "relationship": "spouse", "phone": "070-222 33 44", **fields}
    return client.post(
        f"/patients/{patient_id}/next-of-kin", data={**data, "csrf_token": csrf}, follow_redirects=False
    )


def kin_of(owner, patient_id: int) -> list[dict]:
    return owner.execute(
        "SELECT id, full_name, relationship, phone, email, is_primary FROM next_of_kin "
        "WHERE patient_id = %s ORDER BY id",
        [patient_id],
    ).fetchall()


def test_a_next_of_kin_is_added_and_shown_on_the_patient_page(client, rita, owner, cast, asa):
    response = add(client, rita, asa, email="erik@example.se", is_primary="on")
    assert response.status_code == 303
    assert response.headers["location"] == f"/patients/{asa}?notice=kin_added#kin"
    [kin] = kin_of(owner, asa)
    assert kin | {"id": 0} == {
        "id": 0,
        "full_name": "Erik Jönsson",
        "relationship": "spouse",
        "phone": "070-222 33 44",
        "email": "erik@example.se",
        "is_primary": True,
    }
    [audit] = audit_rows(owner, "next_of_kin.create")
    assert (audit["user_id"], audit["patient_id"], audit["object_id"]) == (cast.rita, asa, kin["id"])

    page = client.get(response.headers["location"]).text
    assert "Erik Jönsson" in page and "Primary" in page and "The next of kin is added." in page


def test_a_next_of_kin_needs_a_phone_or_an_email(client, rita, owner, asa):
    response = add(client, rita, asa, full_name="Eva Ek", phone="")
    assert response.status_code == 422
    assert field_error(response.text, "email") == "Give a phone number or an e-mail address."
    assert input_keeps(response.text, "full_name", "Eva Ek")
    assert kin_of(owner, asa) == []
    assert audit_rows(owner, "next_of_kin.create") == []


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"full_name": "x" * 201}, "full_name", "Too long."),
        ({"relationship": "neighbour"}, "relationship", "Choose one of the options."),
        ({"phone": "ring"}, "phone", "The format is not valid."),
    ],
)
def test_a_bad_next_of_kin_form_saves_nothing(client, rita, owner, asa, fields, field, message):
    response = add(client, rita, asa, **fields)
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert kin_of(owner, asa) == []


def test_a_new_primary_contact_replaces_the_old_one(client, rita, owner, asa):
    add(client, rita, asa, is_primary="on")
    add(client, rita, asa, full_name="Eva Jönsson", relationship="child", is_primary="on")
    assert [(k["full_name"], k["is_primary"]) for k in kin_of(owner, asa)] == [
        ("Erik Jönsson", False),
        ("Eva Jönsson", True),
    ]


def test_a_next_of_kin_is_removed_and_the_removal_audited(client, rita, owner, cast, asa):
    add(client, rita, asa)
    [kin] = kin_of(owner, asa)
    page = client.get(f"/patients/{asa}").text
    assert re.search(rf'action="/patients/{asa}/next-of-kin/{kin["id"]}/delete"', page)

    response = client.post(
        f"/patients/{asa}/next-of-kin/{kin['id']}/delete", data={"csrf_token": rita}, follow_redirects=False
    )
    assert response.status_code == 303
    assert kin_of(owner, asa) == []
    [audit] = audit_rows(owner, "next_of_kin.delete")
    assert (audit["user_id"], audit["patient_id"], audit["object_id"]) == (cast.rita, asa, kin["id"])


def test_another_patients_next_of_kin_cannot_be_removed_through_this_patients_page(
    client, rita, owner, cast, asa
):
    add(client, rita, cast.greta_patient, full_name="Sven Gustafsson", relationship="child")
    [gretas] = kin_of(owner, cast.greta_patient)
    client.post(f"/patients/{asa}/next-of-kin/{gretas['id']}/delete", data={"csrf_token": rita})
    assert kin_of(owner, cast.greta_patient) == [gretas]
    assert audit_rows(owner, "next_of_kin.delete") == []


def test_removing_a_next_of_kin_needs_the_csrf_token(client, rita, owner, asa):
    add(client, rita, asa)
    [kin] = kin_of(owner, asa)
    response = client.post(f"/patients/{asa}/next-of-kin/{kin['id']}/delete", data={})
    assert response.status_code == 403
    assert len(kin_of(owner, asa)) == 1


def test_a_pharmacist_sees_next_of_kin_but_cannot_change_them(client, cast, owner, asa):
    from tests.conftest import login

    csrf = login(client, "petra")
    page = client.get(f"/patients/{asa}").text
    assert "Add next of kin" not in page
    assert add(client, csrf, asa).status_code == 403
    assert kin_of(owner, asa) == []
