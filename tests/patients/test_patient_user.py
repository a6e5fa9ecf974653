"""A patient logged in to the portal (Greta) is refused the registry: no search,
and no other patient's page, whether or not that patient exists."""

from tests.conftest import login
from tests.patients.registry import add_patient, audit_rows


def test_a_patient_cannot_search_the_registry(client, cast, owner):
    login(client, "greta")
    assert client.get("/patients", params={"q": "gustafsson"}).status_code == 403
    assert client.get("/api/patients", params={"q": "gustafsson"}).status_code == 403
    assert audit_rows(owner, "patient.search") == []


def test_a_patient_cannot_open_another_patients_page_nor_learn_whether_it_exists(client, cast, owner):
    other = add_patient(owner, "Åsa", "Jönsson", "19850709", serial="980")
    login(client, "greta")

    existing = client.get(f"/patients/{other}")
    missing = client.get("/patients/999999")
    assert existing.status_code in (403, 404)
    assert existing.status_code == missing.status_code
    assert "Jönsson" not in existing.text and "198507099805" not in existing.text

    api = client.get(f"/api/patients/{other}")
    assert api.status_code == client.get("/api/patients/999999").status_code
    assert "Jönsson" not in api.text
    # every attempt is in the audit log, as a refusal by greta
    rows = audit_rows(owner, "patient.read")
    assert len(rows) == 4
    assert {(r["user_id"], r["outcome"]) for r in rows} == {(cast.greta, "refused")}


def test_a_patient_cannot_register_edit_or_add_next_of_kin(client, cast, owner):
    csrf = login(client, "greta")
    other = add_patient(owner, "Åsa", "Jönsson", "19850709", serial="980")
    assert client.get("/patients/new").status_code == 403
    forged = {"csrf_token": csrf, "given_name": "X", "family_name": "Y", "sex": "other"}
    assert client.post(f"/patients/{other}/edit", data=forged).status_code == 403
    kin = {"csrf_token": csrf, "full_name": "Z", "relationship": "friend", "phone": "070-000 00 00"}
    assert client.post(f"/patients/{other}/next-of-kin", data=kin).status_code == 403
    assert owner.execute("SELECT count(*) AS n FROM next_of_kin").fetchone()["n"] == 0
    assert owner.execute("SELECT family_name FROM patient WHERE id = %s", [other]).fetchone()[
        "family_name"
    ] == ("Jönsson")
