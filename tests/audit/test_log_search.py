"""An administrator searches the audit log, and the search is itself audited."""

from tests.conftest import login


def test_admin_finds_a_patients_accesses_by_personal_number(client, cast, owner):
    # given Dr Alice read Greta's record
    login(client, "alice")
    assert client.get(f"/patients/{cast.greta_patient}").status_code == 200
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    # when Adam searches the log for Greta
    login(client, "adam")
    page = client.get("/admin/audit", params={"patient": "19420214-2388"})
    # then he sees Alice's read, with her name and the action
    assert page.status_code == 200
    assert "Dr Alice Andersson" in page.text
    assert "patient.read" in page.text
    assert "Gustafsson, Greta" in page.text


def test_viewing_the_log_records_one_review_row_per_patient_shown(client, cast, owner):
    login(client, "alice")
    client.get(f"/patients/{cast.greta_patient}")
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "adam")
    client.get("/admin/audit", params={"user": "alice"})
    rows = owner.execute("SELECT patient_id, user_id FROM audit_log WHERE action = 'audit.review'").fetchall()
    assert rows == [{"patient_id": cast.greta_patient, "user_id": cast.adam}]


def test_filters_by_user_outcome_and_action(client, cast, owner):
    for username in ("alice", "charlie"):
        login(client, username)
        client.get(f"/patients/{cast.greta_patient}/journal")
        client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "adam")
    refused = client.get("/admin/audit", params={"outcome": "refused", "action": "journal."})
    assert "Dr Charlie Carlsson" in refused.text
    assert "Dr Alice Andersson" not in refused.text
    alice = client.get("/admin/audit", params={"user": "alice"})
    assert "Dr Alice Andersson" in alice.text
    assert "Dr Charlie Carlsson" not in alice.text


def test_unknown_patient_or_user_is_said_plainly(client, cast):
    login(client, "adam")
    page = client.get("/admin/audit", params={"patient": "19500304-0000", "user": "nobody"})
    assert page.status_code == 200
    assert "Enter a personal identity number" in page.text
    assert "No user has this username." in page.text


def test_a_period_outside_the_accesses_shows_nothing(client, cast):
    login(client, "alice")
    client.get(f"/patients/{cast.greta_patient}")
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "adam")
    page = client.get("/admin/audit", params={"from": "2001-01-01", "to": "2001-12-31"})
    assert "No entry in the audit log matches." in page.text


def test_actions_read_as_words_and_the_log_comes_in_pages(client, cast, owner):
    # given Dr Alice opened Greta's record 60 times
    login(client, "alice")
    for _ in range(60):
        client.get(f"/patients/{cast.greta_patient}")
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "adam")
    # when Adam searches the log for Alice
    first = client.get("/admin/audit", params={"user": "alice"})
    # then the action reads as words, with its code beside it
    assert "Personal details: read" in first.text
    assert "patient.read" in first.text
    # and one page holds 50 rows, with a link to the older ones
    assert first.text.count("<tr>") == 1 + 50
    assert "Older entries" in first.text
    assert "Newest entries" not in first.text
    older = first.text.split('href="?', 2)[-1].split('"', 1)[0].replace("&amp;", "&")
    second = client.get(f"/admin/audit?{older}")
    assert second.status_code == 200
    assert 1 < second.text.count("<tr>") <= 1 + 50
    assert "Newest entries" in second.text
