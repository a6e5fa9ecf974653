"""The medical ward's inbox, as Nurse Bob and Dr Alice use it: new threads
of their unit, opened (read by the unit), given to a colleague, answered,
closed, and a patient's message filed into the journal as a signed note.
Dr Charlie (surgery) and Rita (the ward's desk) are not the ward's clinicians."""

from tests.messaging.conftest import PDF


def thread_row(owner, thread: int) -> dict:
    return owner.execute(
        "SELECT status, assigned_to, unit_read_at, unit_read_by, answered_at, closed_by "
        "FROM message_thread WHERE id = %s",
        [thread],
    ).fetchone()


def audited(owner, user: int) -> set[str]:
    return {r["action"] for r in owner.execute("SELECT action FROM audit_log WHERE user_id = %s", [user])}


def test_the_inbox_lists_the_units_threads_to_its_clinicians_only(browser, cast, greta_thread, owner):
    inbox = browser("bob").get("/messages")
    assert inbox.status_code == 200 and "Fråga om provsvar" in inbox.text and "Greta" in inbox.text
    assert "message.read_inbox" in audited(owner, cast.bob)
    assert "Fråga om provsvar" not in browser("charlie").get("/messages").text
    assert browser("rita").get("/messages").status_code == 403
    assert browser("greta").get("/messages").status_code == 403


def test_the_inbox_filters_by_status_unit_and_who_holds_it(browser, cast, greta_thread, acting_as):
    bob = browser("bob")
    assert "Fråga om provsvar" in bob.get("/messages?status=new").text
    assert "Fråga om provsvar" not in bob.get("/messages?status=closed").text
    assert "Fråga om provsvar" not in bob.get("/messages?mine=1").text
    assert "Fråga om provsvar" not in bob.get(f"/messages?care_unit_id={cast.unit_surg}").text
    acting_as(cast.bob).execute("SELECT message_thread_assign(%s, %s)", [greta_thread["thread"], cast.bob])
    assert "Fråga om provsvar" in bob.get("/messages?mine=1&status=assigned").text


def test_opening_a_thread_marks_it_read_by_the_unit_once(browser, cast, greta_thread, owner):
    page = browser("bob").get(f"/messages/{greta_thread['thread']}")
    assert page.status_code == 200 and "Hej! Har mina prover kommit?" in page.text
    first = thread_row(owner, greta_thread["thread"])
    assert first["unit_read_by"] == cast.bob and first["unit_read_at"] is not None
    browser("alice").get(f"/messages/{greta_thread['thread']}")
    assert thread_row(owner, greta_thread["thread"])["unit_read_by"] == cast.bob
    assert {"message.read", "message.mark_read"} <= audited(owner, cast.bob)


def test_a_thread_is_given_to_a_colleague_answered_and_closed(browser, cast, greta_thread, owner):
    bob, thread = browser("bob"), greta_thread["thread"]
    assert bob.post(f"/messages/{thread}/assign", {"assignee_id": str(cast.alice)}).status_code == 303
    assert thread_row(owner, thread)["status"] == "assigned"
    assert thread_row(owner, thread)["assigned_to"] == cast.alice
    refused = bob.post(f"/messages/{thread}/assign", {"assignee_id": str(cast.charlie)})
    assert refused.status_code == 422 and "Choose a doctor or nurse of the care unit." in refused.text
    empty = bob.post(f"/messages/{thread}/reply", {"body": " "})
    assert empty.status_code == 422 and "Write a message." in empty.text
    assert bob.post(f"/messages/{thread}/reply", {"body": "Proverna är bra."}).status_code == 303
    assert thread_row(owner, thread)["status"] == "answered"
    assert bob.post(f"/messages/{thread}/close").status_code == 303
    row = thread_row(owner, thread)
    assert row["status"] == "closed" and row["closed_by"] == cast.bob
    assert {"message.assign", "message.post", "message.close"} <= audited(owner, cast.bob)
    assert 'name="body"' not in bob.get(f"/messages/{thread}").text


def test_a_patients_message_is_filed_into_the_journal_as_a_signed_note(browser, cast, greta_thread, owner):
    bob, thread = browser("bob"), greta_thread["thread"]
    response = bob.post(f"/messages/{thread}/messages/{greta_thread['message']}/file")
    assert response.status_code == 303
    note = owner.execute(
        "SELECT n.id, n.kind, n.care_unit_id, n.created_by, v.status, s.heading, s.body "
        "FROM message_filing AS f JOIN note AS n ON n.id = f.note_id "
        "JOIN note_version AS v ON v.note_id = n.id JOIN note_section AS s ON s.version_id = v.id "
        "WHERE f.message_id = %s",
        [greta_thread["message"]],
    ).fetchone()
    assert (
        note["status"] == "signed"
        and note["created_by"] == cast.bob
        and note["care_unit_id"] == cast.unit_med
    )
    assert note["heading"] == "Meddelande från patient"
    assert "Hej! Har mina prover kommit?" in note["body"] and "Fråga om provsvar" in note["body"]
    assert {"note.create", "note.sign", "message.file"} <= audited(owner, cast.bob)
    page = bob.get(f"/messages/{thread}").text
    assert f"/patients/{cast.greta_patient}/journal/notes/{note['id']}" in page
    again = bob.post(f"/messages/{thread}/messages/{greta_thread['message']}/file")
    assert again.status_code == 422 and "already filed" in again.text


def test_filing_needs_the_patient_in_the_clinicians_care(browser, cast, greta_thread, owner):
    """The ward's care assignment has ended: the thread is still the ward's,
    but its clinicians no longer write in Greta's journal."""
    owner.execute("UPDATE care_assignment SET during = tstzrange(lower(during), now() - interval '1 minute')")
    response = browser("bob").post(
        f"/messages/{greta_thread['thread']}/messages/{greta_thread['message']}/file"
    )
    assert response.status_code == 422
    assert "A message is filed in the journal of a patient in your care." in response.text
    assert owner.execute("SELECT count(*) AS n FROM note").fetchone()["n"] == 0


def test_an_attachment_downloads_as_its_stored_type_and_is_audited(browser, cast, greta_thread, owner):
    response = browser("alice").get(f"/messages/attachments/{greta_thread['attachment']}")
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('attachment; filename="remiss.pdf"')
    assert "nosniff" in response.headers["x-content-type-options"]
    assert "message.read_attachment" in audited(owner, cast.alice)
    assert browser("greta").get(f"/my/messages/attachments/{greta_thread['attachment']}").content == PDF


def test_staff_of_another_unit_get_404_for_every_address(browser, cast, greta_thread):
    charlie = browser("charlie")
    for url in (f"/messages/{greta_thread['thread']}", f"/messages/attachments/{greta_thread['attachment']}"):
        assert charlie.get(url).status_code == 404, url
    for url in (f"/messages/{greta_thread['thread']}/reply", f"/messages/{greta_thread['thread']}/close"):
        assert charlie.post(url, {"body": "x"}).status_code == 404, url
