"""The care request pages: Greta (and her son Sven) file requests in the
portal, the staff they are routed to take and answer them, a renewal's
approval renews the prescription and a correction's amendment amends the
note; bad input is shown beside its field, kept, and nothing is saved."""

import re

from tests.requests.conftest import grant


def count(owner) -> int:
    return owner.execute("SELECT count(*) AS n FROM care_request").fetchone()["n"]


def request_id(response) -> int:
    return int(re.search(r"/requests/(\d+)", response.headers["location"]).group(1))


def file_question(browser, cast, body="May I take ibuprofen with my pills?") -> None:
    response = browser("greta").post(
        "/my/requests/new",
        {
            "patient_id": str(cast.greta_patient),
            "kind": "question",
            "care_unit_id": str(cast.unit_med),
            "body": body,
        },
    )
    assert response.status_code == 303


def only_request(owner) -> int:
    return owner.execute("SELECT id FROM care_request").fetchone()["id"]


def test_the_portal_lists_the_requests_with_status_and_answer(browser, owner, cast):
    greta = browser("greta")
    form = greta.get("/my/requests/new")
    assert form.status_code == 200 and "Medical ward 1" in form.text
    file_question(browser, cast)
    listed = greta.get("/my/requests")
    assert "Ask a question" in listed.text and "Waiting" in listed.text
    request = only_request(owner)
    alice = browser("alice")
    assert alice.post(f"/requests/{request}/take").status_code == 303
    assert alice.post(f"/requests/{request}/answer", {"answer": "Yes, for a few days."}).status_code == 303
    listed = greta.get("/my/requests")
    assert "Answered" in listed.text and "Yes, for a few days." in listed.text
    shown = greta.get(f"/my/requests/{request}")
    assert "Dr Alice Andersson" in shown.text and "Withdraw" not in shown.text


def test_the_portal_in_swedish(browser, cast):
    greta = browser("greta")
    greta.client.cookies.set("hms_lang", "sv")
    page = greta.get("/my/requests")
    assert "Ärenden" in page.text
    form = greta.get("/my/requests/new")
    assert "Ställ en fråga" in form.text and "Förnya ett recept" in form.text


def test_a_request_is_withdrawn_while_open(browser, owner, cast):
    file_question(browser, cast)
    request = only_request(owner)
    greta = browser("greta")
    assert "Withdraw the request" in greta.get(f"/my/requests/{request}").text
    # she is asked first, and the request stays open until she confirms
    asked = greta.post(f"/my/requests/{request}/withdraw")
    assert asked.status_code == 200 and "Withdraw your request?" in asked.text
    assert owner.execute("SELECT status FROM care_request").fetchone()["status"] == "open"
    assert greta.post(f"/my/requests/{request}/withdraw", {"confirmed": "yes"}).status_code == 303
    assert owner.execute("SELECT status FROM care_request").fetchone()["status"] == "withdrawn"
    again = greta.post(f"/my/requests/{request}/withdraw")
    assert again.status_code == 200 and "Only an open request can be withdrawn." in again.text


def test_a_relative_without_the_medication_scope_is_told_beside_the_field(browser, owner, cast, prescription):
    grant(owner, cast, ["messages"])
    response = browser("sven").post(
        "/my/requests/new",
        {"patient_id": str(cast.greta_patient), "kind": "renewal", "prescription_id": str(prescription),
         "body": "Mother's pills run out on Friday."},
    )  # fmt: skip
    assert response.status_code == 422
    assert 'id="e-kind"' in response.text and "You may not ask for this for the patient" in response.text
    assert "Mother&#39;s pills run out on Friday." in response.text
    assert count(owner) == 0


def test_a_missing_choice_is_shown_beside_its_field(browser, owner, cast):
    response = browser("greta").post(
        "/my/requests/new",
        {"patient_id": str(cast.greta_patient), "kind": "correction", "body": "The year is wrong."},
    )
    assert response.status_code == 422
    assert 'id="e-note_id"' in response.text and "The year is wrong." in response.text
    assert count(owner) == 0


def test_a_unit_without_contact_is_refused_beside_the_unit(browser, owner, cast):
    response = browser("greta").post(
        "/my/requests/new",
        {"patient_id": str(cast.greta_patient), "kind": "question", "care_unit_id": str(cast.unit_surg),
         "body": "Hello surgery"},
    )  # fmt: skip
    assert response.status_code == 422 and 'id="e-care_unit_id"' in response.text
    assert count(owner) == 0


def test_the_queue_shows_each_role_its_own(browser, owner, cast, prescription):
    file_question(browser, cast)
    greta = browser("greta")
    booking = {"patient_id": str(cast.greta_patient), "kind": "booking", "care_unit_id": str(cast.unit_med),
               "body": "A time next week, please."}  # fmt: skip
    assert greta.post("/my/requests/new", booking).status_code == 303
    renewal = {"patient_id": str(cast.greta_patient), "kind": "renewal", "prescription_id": str(prescription),
               "body": "Please renew."}  # fmt: skip
    assert greta.post("/my/requests/new", renewal).status_code == 303
    alice, bob, rita, charlie = (
        browser(u).get("/requests").text for u in ("alice", "bob", "rita", "charlie")
    )
    assert "Ask a question" in alice and "Renew a prescription" in alice and "Ask for a booking" not in alice
    assert "Ask a question" in bob and "Renew a prescription" not in bob
    assert "Ask for a booking" in rita and "Ask a question" not in rita
    assert "Greta" not in charlie and "No requests to handle." in charlie
    assert browser("petra").get("/requests").status_code == 403
    assert browser("greta").get("/requests").status_code == 403


def test_a_refusal_without_a_reason_is_shown_beside_the_reason(browser, owner, cast):
    file_question(browser, cast)
    request = only_request(owner)
    alice = browser("alice")
    alice.post(f"/requests/{request}/take")
    response = alice.post(f"/requests/{request}/refuse", {"reason": "no"})
    assert response.status_code == 422 and 'id="e-reason"' in response.text
    assert owner.execute("SELECT status FROM care_request").fetchone()["status"] == "in_progress"
    assert alice.post(f"/requests/{request}/refuse", {"reason": "Please call the ward."}).status_code == 303
    assert owner.execute("SELECT status, answer FROM care_request").fetchone() == {
        "status": "refused",
        "answer": "Please call the ward.",
    }


def test_staff_cannot_answer_a_request_not_routed_to_them(browser, owner, cast):
    file_question(browser, cast)
    request = only_request(owner)
    for who in ("charlie", "rita"):
        assert browser(who).post(f"/requests/{request}/take").status_code == 404
        assert browser(who).get(f"/requests/{request}").status_code == 404
    assert owner.execute("SELECT status FROM care_request").fetchone()["status"] == "open"


def test_approving_a_renewal_renews_the_prescription(browser, owner, cast, prescription):
    greta = browser("greta")
    renewal = {"patient_id": str(cast.greta_patient), "kind": "renewal", "prescription_id": str(prescription),
               "body": "Please renew."}  # fmt: skip
    assert greta.post("/my/requests/new", renewal).status_code == 303
    request = only_request(owner)
    alice = browser("alice")
    page = alice.get(f"/requests/{request}")
    assert "Paracetamol" in page.text
    alice.post(f"/requests/{request}/take")
    response = alice.post(
        f"/requests/{request}/approve",
        {"ends_at": "2030-01-31T00:00", "override_reason": "Known and accepted"},
    )
    assert response.status_code == 303, response.text
    row = owner.execute(
        "SELECT r.status, v.change, v.written_by, v.prescription_id FROM care_request AS r "
        "JOIN prescription_version AS v ON v.id = r.prescription_version_id"
    ).fetchone()
    assert row == {
        "status": "approved",
        "change": "renewed",
        "written_by": cast.alice,
        "prescription_id": prescription,
    }
    assert "The prescription is renewed." in greta.get("/my/requests").text


def test_amending_a_note_for_a_correction(browser, owner, cast, note):
    greta = browser("greta")
    correction = {"patient_id": str(cast.greta_patient), "kind": "correction", "note_id": str(note["note"]),
                  "body": "The note says three days.", "proposed_text": "It was three weeks."}  # fmt: skip
    assert greta.post("/my/requests/new", correction).status_code == 303
    request = only_request(owner)
    alice = browser("alice")
    alice.post(f"/requests/{request}/take")
    page = alice.get(f"/requests/{request}")
    assert "Cough and fever for three days." in page.text
    response = alice.post(
        f"/requests/{request}/amend",
        {"section_1": "Cough and fever for three weeks.", "section_2": "Community-acquired pneumonia.",
         "answer": "Corrected as you asked."},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    row = owner.execute(
        "SELECT r.status, v.status AS version_status, v.version, v.amends_version_id FROM care_request AS r "
        "JOIN note_version AS v ON v.id = r.amended_version_id"
    ).fetchone()
    assert row == {
        "status": "approved",
        "version_status": "signed",
        "version": 2,
        "amends_version_id": note["version"],
    }
    shown = greta.get(f"/my/requests/{request}")
    assert "Corrected as you asked." in shown.text and "Cough and fever for three weeks." in shown.text


def test_every_step_is_audited(browser, owner, cast):
    file_question(browser, cast)
    request = only_request(owner)
    alice = browser("alice")
    alice.get("/requests")
    alice.post(f"/requests/{request}/take")
    alice.post(f"/requests/{request}/answer", {"answer": "Yes."})
    browser("greta").get(f"/my/requests/{request}")
    actions = {
        r["action"]
        for r in owner.execute(
            "SELECT action FROM audit_log WHERE patient_id = %s AND action LIKE 'request.%%'",
            [cast.greta_patient],
        )
    }
    assert {"request.file", "request.queue", "request.take", "request.answered", "request.read"} <= actions
