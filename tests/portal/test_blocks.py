"""Spärr: Greta blocks the medical ward's entries from other units; emergency access still passes."""

from tests.conftest import login
from tests.portal import given

MED_NOTE = "Känslig uppgift från medicinavdelningen."


def surgical_care(owner, cast) -> None:
    """Charlie's surgical unit gets a care relationship with Greta of its own."""
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 hour', NULL), 'Inför operation', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )


def block_med(client, cast) -> None:
    token = login(client, "greta")
    assert f'<option value="{cast.unit_med}"' in client.get("/my/blocks").text
    response = client.post(
        "/my/blocks", data={"csrf_token": token, "care_unit_id": cast.unit_med}, follow_redirects=False
    )
    assert response.status_code == 303
    client.post("/logout", data={"csrf_token": token})


def chart(client, cast, who: str) -> str:
    token = login(client, who)
    page = client.get(f"/patients/{cast.greta_patient}/journal")
    client.post("/logout", data={"csrf_token": token})
    assert page.status_code == 200, who
    return page.text


def notes_seen_by(acting_as, user_id: int) -> list[int]:
    """The notes a user reaches through row-level security (the database's wall)."""
    return [r["id"] for r in acting_as(user_id).execute("SELECT id FROM note ORDER BY id")]


def test_block_hides_the_medical_wards_notes_from_surgery_in_the_database(client, cast, owner, acting_as):
    note_id = given.signed_note(owner, cast, MED_NOTE)
    surgical_care(owner, cast)
    assert notes_seen_by(acting_as, cast.charlie) == [note_id]
    # when Greta blocks the medical ward
    block_med(client, cast)
    # then Charlie (surgery) no longer reaches the note, Alice (medicine) still does
    assert notes_seen_by(acting_as, cast.charlie) == []
    assert notes_seen_by(acting_as, cast.alice) == [note_id]
    assert given.audit_rows(owner, user_id=cast.greta, action="journal_block.create")


def test_block_hides_the_medical_wards_notes_from_surgerys_chart(client, cast, owner):
    given.signed_note(owner, cast, MED_NOTE)
    surgical_care(owner, cast)
    block_med(client, cast)
    assert MED_NOTE in chart(client, cast, "alice")
    assert MED_NOTE not in chart(client, cast, "charlie")


def test_lifting_the_block_shows_the_notes_again(client, cast, owner):
    given.signed_note(owner, cast, MED_NOTE)
    surgical_care(owner, cast)
    block_med(client, cast)
    token = login(client, "greta")
    block_id = owner.execute("SELECT id FROM journal_block").fetchone()["id"]
    response = client.post(
        f"/my/blocks/{block_id}/revoke",
        data={"csrf_token": token, "confirmed": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    client.post("/logout", data={"csrf_token": token})
    assert MED_NOTE in chart(client, cast, "charlie")


def emergency_access(client, cast) -> None:
    token = login(client, "charlie")
    response = client.post(
        f"/patients/{cast.greta_patient}/emergency-access",
        data={"csrf_token": token, "reason": "Akut blödning, behöver tidigare anteckningar"},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_emergency_access_without_a_care_relationship_passes_the_block(client, cast, owner, acting_as):
    note_id = given.signed_note(owner, cast, MED_NOTE)
    block_med(client, cast)
    emergency_access(client, cast)
    assert notes_seen_by(acting_as, cast.charlie) == [note_id]


def test_emergency_access_passes_the_block_for_a_clinician_in_care_elsewhere(client, cast, owner, acting_as):
    note_id = given.signed_note(owner, cast, MED_NOTE)
    surgical_care(owner, cast)
    block_med(client, cast)
    emergency_access(client, cast)
    assert notes_seen_by(acting_as, cast.charlie) == [note_id]


def test_a_unit_without_entries_cannot_be_blocked_and_nothing_is_saved(client, cast, owner):
    given.signed_note(owner, cast, MED_NOTE)
    client.cookies.set("hms_lang", "en")
    token = login(client, "greta")
    response = client.post("/my/blocks", data={"csrf_token": token, "care_unit_id": cast.unit_surg})
    assert response.status_code == 422
    assert "Choose one of the care units in the list." in response.text
    assert owner.execute("SELECT count(*) AS n FROM journal_block").fetchone()["n"] == 0


def test_the_block_page_explains_emergency_access(client, cast):
    client.cookies.set("hms_lang", "en")
    login(client, "greta")
    assert "emergency access" in client.get("/my/blocks").text
