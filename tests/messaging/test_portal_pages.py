"""The portal's messages, as Greta and her son Sven use them: write to the
medical ward with a file, see when the ward read and answered, and meet a
clear message (with nothing saved) for an empty message or a wrong file."""

import pytest

from tests.messaging.conftest import EXE, JPEG, PDF, PNG, grant, post


def new_thread(who, cast, *, body="Har mina prover kommit?", files=(), unit=None, subject="Provsvar"):
    data = {
        "patient_id": str(cast.greta_patient),
        "care_unit_id": str(unit or cast.unit_med),
        "subject": subject,
        "body": body,
        "csrf_token": who.csrf,
    }
    return who.client.post(
        "/my/messages/new",
        data=data,
        files=[("attachments", (name, content, "application/octet-stream")) for name, content in files],
        follow_redirects=False,
    )


def count(owner, table: str) -> int:
    return owner.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def test_greta_writes_to_the_ward_with_a_file_and_finds_it_in_her_list(browser, owner, cast):
    greta = browser("greta")
    response = new_thread(greta, cast, files=(("remiss.pdf", PDF), ("bild.png", PNG)))
    assert response.status_code == 303
    thread_page = greta.get(response.headers["location"])
    assert "Your message is sent to the care unit." in thread_page.text
    assert "remiss.pdf" in thread_page.text and "bild.png" in thread_page.text
    listing = greta.get("/my/messages").text
    assert "Provsvar" in listing and "Medical ward 1" in listing
    stored = owner.execute("SELECT content_type FROM message_attachment ORDER BY id").fetchall()
    assert [r["content_type"] for r in stored] == ["application/pdf", "image/png"]
    actions = {
        r["action"] for r in owner.execute("SELECT action FROM audit_log WHERE user_id = %s", [cast.greta])
    }
    assert {"message.start", "message.list", "message.read"} <= actions


def test_an_empty_message_is_refused_beside_the_field_and_nothing_is_saved(browser, owner, cast):
    response = new_thread(browser("greta"), cast, body="   ", subject="Kept as typed")
    assert response.status_code == 422
    assert "Write a message." in response.text and 'value="Kept as typed"' in response.text
    assert count(owner, "message_thread") == 0


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ((("virus.pdf", EXE),), "Attach PDF, PNG or JPEG files only."),
        ((("bild.png", PDF),), "name does not match its content (PDF, PNG or JPEG)."),
        (
            (("a.pdf", PDF), ("b.png", PNG), ("c.jpg", JPEG), ("d.pdf", PDF)),
            "A message has at most three attachments.",
        ),
        ((("stor.pdf", b"%PDF-" + bytes(5 * 1024 * 1024)),), "Each attachment may be at most 5 MB."),
    ],
)
def test_a_wrong_file_is_refused_with_a_clear_message_and_nothing_is_saved(
    browser, owner, cast, files, message
):
    response = new_thread(browser("greta"), cast, files=files)
    assert response.status_code == 422
    assert message in response.text
    assert count(owner, "message_thread") == 0


def test_only_units_that_have_seen_greta_are_offered_and_others_are_refused(browser, owner, cast):
    greta = browser("greta")
    form = greta.get(f"/my/messages/new?patient_id={cast.greta_patient}").text
    assert "Medical ward 1" in form and "Surgical ward 1" not in form
    response = new_thread(greta, cast, unit=cast.unit_surg)
    assert response.status_code == 422
    assert "Write to a care unit that has seen you" in response.text
    assert count(owner, "message_thread") == 0


def test_greta_sees_when_the_ward_read_and_answered(browser, acting_as, cast):
    greta = browser("greta")
    location = new_thread(greta, cast).headers["location"].split("?")[0]
    assert greta.get("/my/messages").text.count("Not yet") == 2
    thread = int(location.rsplit("/", 1)[1])
    bob = browser("bob")
    assert bob.get(f"/messages/{thread}").status_code == 200
    post(acting_as(cast.bob), thread, "Proverna är utan anmärkning.")
    listing = greta.get("/my/messages").text
    assert "New answer" in listing and "Not yet" not in listing
    page = greta.get(location).text
    assert "Proverna är utan anmärkning." in page and "Bob Berg" in page
    assert "New answer" not in greta.get("/my/messages").text


def test_a_closed_conversation_is_read_only_in_the_portal(browser, acting_as, owner, cast):
    greta = browser("greta")
    thread = int(new_thread(greta, cast).headers["location"].split("?")[0].rsplit("/", 1)[1])
    acting_as(cast.bob).execute("SELECT message_thread_close(%s)", [thread])
    page = greta.get(f"/my/messages/{thread}").text
    assert "The conversation is closed. Start a new one" in page and 'name="body"' not in page
    response = greta.post(f"/my/messages/{thread}/reply", {"body": "Hallå?"})
    assert response.status_code == 422 and "The conversation is closed; start a new one." in response.text
    assert count(owner, "thread_message") == 1


def test_sven_writes_for_his_mother_only_with_the_messages_scope(browser, owner, cast):
    sven = browser("sven")
    assert "There is no one you can write for here." in sven.get("/my/messages").text
    grant(owner, cast, ["record"])
    assert "There is no one you can write for here." in sven.get("/my/messages").text
    assert sven.get(f"/my/messages/new?patient_id={cast.greta_patient}").status_code == 404
    owner.execute("UPDATE proxy_grant SET revoked_at = now()")
    grant(owner, cast, ["record", "messages"])
    assert "Greta" in sven.get("/my/messages").text
    assert new_thread(sven, cast).status_code == 303
    assert owner.execute("SELECT started_by FROM message_thread").fetchone()["started_by"] == cast.sven


def test_the_portal_speaks_swedish(browser, cast):
    greta = browser("greta")
    greta.client.cookies.set("hms_lang", "sv")
    page = greta.get("/my/messages").text
    assert "Meddelanden" in page and "Skriv till en vårdenhet" in page


def test_a_flood_of_files_is_refused_before_it_is_read(browser, owner, cast):
    # a form with far more files than any message may carry never reaches the page
    response = new_thread(browser("greta"), cast, files=[(f"{n}.pdf", PDF) for n in range(40)])
    assert response.status_code == 400
    assert count(owner, "message_thread") == 0
