"""The parts of the record Alice lets Erik read, his answer as a signed note
in Greta's journal, her notice of it, and withdrawing a consultation."""

from tests.consultations.conftest import QUESTION, request_consultation
from tests.journal import given

ANSWER = "Start apixaban 5 mg twice daily once the pneumonia has settled."
NOTE_TEXT = "Cough and fever for three days."


def test_erik_reads_only_the_parts_alice_chose(alice, erik, owner, cast, greta_diagnosis):
    given.signed_note(owner, cast)
    consultation = request_consultation(alice, cast, parts=["notes"])
    page = erik.get(f"/consultations/{consultation}")
    assert page.status_code == 200
    assert "Journal notes" in page.text and "Gustafsson, Greta" in page.text
    assert "J18.9" not in page.text and "Active problems" not in page.text
    assert "Current medication" not in page.text
    # Alice's page lists what she let him read
    assert "What the specialist may read" in alice.get(f"/consultations/{consultation}").text


def test_the_summary_part_shows_the_problem_list(alice, erik, cast, greta_diagnosis):
    consultation = request_consultation(alice, cast, parts=["summary"])
    page = erik.get(f"/consultations/{consultation}")
    assert "J18.9" in page.text and "Active problems" in page.text
    assert "Journal notes" not in page.text


def test_the_answer_is_a_signed_note_by_erik_on_gretas_chart(alice, erik, owner, cast):
    consultation = request_consultation(alice, cast, parts=["summary"])
    assert "signed consultation note in your name" in erik.get(f"/consultations/{consultation}").text
    assert erik.post(f"/consultations/{consultation}/answer", {"answer": ANSWER}).status_code == 303
    note = owner.execute("SELECT answer_note_id FROM consultation WHERE id = %s", [consultation]).fetchone()[
        "answer_note_id"
    ]
    # Alice's list says a new answer came; her page shows it with the note's link
    assert "New answer" in alice.get("/consultations").text
    page = alice.get(f"/consultations/{consultation}")
    assert ANSWER in page.text
    assert f"/patients/{cast.greta_patient}/journal/notes/{note}" in page.text
    # once she has opened it, it is no longer new
    assert "New answer" not in alice.get("/consultations").text
    # the note is Erik's, signed, on Greta's chart, and cannot be amended
    shown = alice.get(f"/patients/{cast.greta_patient}/journal/notes/{note}")
    assert shown.status_code == 200
    assert (
        "Dr Erik Ek" in shown.text and ANSWER in shown.text and "answer" in shown.text.split(ANSWER)[0][-300:]
    )
    assert "/amend" not in shown.text
    assert "Dr Erik Ek" in alice.get(f"/patients/{cast.greta_patient}/journal").text


def test_alice_withdraws_after_a_confirmation_and_erik_sees_nothing_more(
    alice, erik, owner, cast, greta_diagnosis
):
    consultation = request_consultation(alice, cast)
    page = alice.get(f"/consultations/{consultation}")
    assert f"/consultations/{consultation}/withdraw" in page.text
    confirm = alice.get(f"/consultations/{consultation}/withdraw")
    assert confirm.status_code == 200 and "This cannot be undone." in confirm.text
    response = alice.post(f"/consultations/{consultation}/withdraw", {"reason": "Resolved on the ward."})
    assert response.status_code == 303
    assert owner.execute(
        "SELECT status::text FROM consultation WHERE id = %s", [consultation]
    ).fetchone() == {"status": "withdrawn"}
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM audit_log WHERE action = 'consultation.withdraw' AND user_id = %s",
            [cast.alice],
        ).fetchone()["n"]
        == 1
    )
    seen = erik.get(f"/consultations/{consultation}")
    assert "your access to the patient's record has ended" in seen.text
    assert "J18.9" not in seen.text and "Gustafsson" not in seen.text
    assert erik.post(f"/consultations/{consultation}/answer", {"answer": ANSWER}).status_code == 422
    # withdrawing twice is refused beside the form
    assert alice.post(f"/consultations/{consultation}/withdraw", {}).status_code == 422


def test_only_the_requester_reaches_the_withdrawal(alice, erik, browser, cast):
    consultation = request_consultation(alice, cast)
    assert erik.get(f"/consultations/{consultation}/withdraw").status_code == 403
    assert erik.post(f"/consultations/{consultation}/withdraw", {}).status_code == 403
    charlie = browser("charlie")
    assert charlie.get(f"/consultations/{consultation}/withdraw").status_code == 404
    assert charlie.post(f"/consultations/{consultation}/withdraw", {}).status_code == 404
    assert QUESTION not in charlie.get("/consultations").text
