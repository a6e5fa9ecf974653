"""Every refusal leaves an audit row: a note that does not exist, and a note
that a block hides, are logged as refused looks at that note."""

from tests.access.conftest import block_medicine, surgical_care
from tests.conftest import login


def refusals(owner) -> list[dict]:
    return owner.execute(
        "SELECT user_id, patient_id, action, object_type, object_id, outcome::text AS outcome "
        "FROM audit_log WHERE outcome = 'refused' ORDER BY id"
    ).fetchall()


def test_a_note_that_does_not_exist_leaves_a_refused_row(client, owner, cast):
    login(client, "alice")
    response = client.get(f"/patients/{cast.greta_patient}/journal/notes/987654")
    assert response.status_code == 404
    assert refusals(owner) == [{
        "user_id": cast.alice, "patient_id": cast.greta_patient, "action": "note.read",
        "object_type": "note", "object_id": 987654, "outcome": "refused",
    }]  # fmt: skip


def test_a_blocked_note_leaves_a_refused_row(client, owner, cast, greta_journal):
    surgical_care(owner, cast)
    block_medicine(owner, cast)
    login(client, "charlie")
    response = client.get(f"/patients/{cast.greta_patient}/journal/notes/{greta_journal['note']}")
    assert response.status_code == 404
    assert refusals(owner) == [{
        "user_id": cast.charlie, "patient_id": cast.greta_patient, "action": "note.read",
        "object_type": "note", "object_id": greta_journal["note"], "outcome": "refused",
    }]  # fmt: skip


def test_the_chart_tells_a_clinician_that_a_block_hides_entries(client, owner, cast, greta_journal):
    surgical_care(owner, cast)
    block_medicine(owner, cast)
    client.cookies.set("hms_lang", "en")
    login(client, "charlie")
    page = client.get(f"/patients/{cast.greta_patient}/journal")
    assert page.status_code == 200
    assert "Some information is blocked by the patient." in page.text
    assert "No known allergies recorded." not in page.text


def test_the_chart_says_no_known_allergies_only_when_nothing_is_hidden(client, owner, cast):
    client.cookies.set("hms_lang", "en")
    login(client, "alice")
    page = client.get(f"/patients/{cast.greta_patient}/journal")
    assert "No known allergies recorded." in page.text
    assert "blocked by the patient" not in page.text


def test_an_administrators_role_change_shows_in_the_audit_search_with_whom_it_concerned(client, owner, cast):
    token = login(client, "adam")
    response = client.post(
        f"/admin/staff/{cast.charlie}/role",
        data={"csrf_token": token, "role": "nurse", "care_unit_ids": str(cast.unit_surg)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/admin/audit?action=account")
    assert page.status_code == 200
    assert "account.role" in page.text
    assert "Dr Charlie Carlsson" in page.text
    assert "doctor -&gt; nurse" in page.text
