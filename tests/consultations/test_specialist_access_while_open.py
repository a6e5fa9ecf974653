"""The specialist sees the patient of an open consultation, and only while
it is open: answering ends the access, and closing keeps it ended. The
database's row-level security holds the same line for raw SQL."""

from tests.consultations.conftest import QUESTION, as_user, request_consultation
from tests.journal.refusal import refused

DIAGNOSES = "SELECT id, code FROM diagnosis WHERE patient_id = %s"
ANSWER = "Start apixaban 5 mg twice daily once the pneumonia has settled."


def test_erik_sees_the_open_consultation_on_his_home_page_and_greta_s_journal(
    alice, erik, cast, greta_diagnosis
):
    # Given Alice's consultation to Erik about Greta
    consultation = request_consultation(alice, cast)
    # when Erik opens his home page, then it lists the consultation
    home = erik.get("/")
    assert "Gustafsson, Greta" in home.text
    assert f"/consultations/{consultation}" in home.text
    # and the consultation shows the question and Greta's journal summary
    page = erik.get(f"/consultations/{consultation}")
    assert page.status_code == 200
    assert QUESTION in page.text
    assert "The patient's record (read-only)" in page.text
    assert "J18.9" in page.text and "Pneumonia, unspecified" in page.text
    assert "When you send your answer, your access to the patient ends." in page.text
    # but the chart itself stays the clinicians' (JOURNAL_READ)
    assert erik.get(f"/patients/{cast.greta_patient}/journal").status_code == 403


def test_erik_reads_greta_s_rows_with_raw_sql_only_while_open(alice, acting_as, cast, greta_diagnosis):
    # Given no consultation, Erik's declared transaction sees no row of Greta's
    assert as_user(acting_as, cast.erik, "external_specialist", DIAGNOSES, [cast.greta_patient]) == []
    # when Alice opens a consultation to him, he sees her diagnosis
    consultation = request_consultation(alice, cast)
    rows = as_user(acting_as, cast.erik, "external_specialist", DIAGNOSES, [cast.greta_patient])
    assert rows == [{"id": greta_diagnosis, "code": "J18.9"}]
    # and once it is answered and Alice closes it, none again
    _answer(acting_as, cast, consultation)
    alice.post(f"/consultations/{consultation}/close")
    assert as_user(acting_as, cast.erik, "external_specialist", DIAGNOSES, [cast.greta_patient]) == []


def _answer(acting_as, cast, consultation: int) -> None:
    as_user(
        acting_as,
        cast.erik,
        "external_specialist",
        "SELECT consultation_answer(%s, %s) AS note",
        [consultation, ANSWER],
    )


def test_answering_ends_erik_s_access(alice, erik, owner, acting_as, cast, greta_diagnosis):
    # Given an open consultation to Erik
    consultation = request_consultation(alice, cast)
    # when he answers
    response = erik.post(f"/consultations/{consultation}/answer", {"answer": ANSWER})
    assert response.status_code == 303
    # then it is answered, with the time, and audited
    row = owner.execute(
        "SELECT status::text, answer, answered_at IS NOT NULL AS has_time FROM consultation WHERE id = %s",
        [consultation],
    ).fetchone()
    assert row == {"status": "answered", "answer": ANSWER, "has_time": True}
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM audit_log WHERE action = 'consultation.answer' AND user_id = %s",
            [cast.erik],
        ).fetchone()["n"]
        == 1
    )
    # and his access is over: the page keeps his answer but no journal or name
    page = erik.get(f"/consultations/{consultation}?notice=answered")
    assert page.status_code == 200
    assert "Your access to the patient's journal has ended." in page.text
    assert ANSWER in page.text
    assert "Pneumonia" not in page.text and "Gustafsson" not in page.text
    assert "Gustafsson" not in erik.get("/").text
    assert erik.get(f"/patients/{cast.greta_patient}").status_code == 404
    assert as_user(acting_as, cast.erik, "external_specialist", DIAGNOSES, [cast.greta_patient]) == []
    # and he cannot answer twice
    again = erik.post(f"/consultations/{consultation}/answer", {"answer": "Second thoughts."})
    assert again.status_code == 422
    assert (
        owner.execute("SELECT answer FROM consultation WHERE id = %s", [consultation]).fetchone()["answer"]
        == ANSWER
    )


def test_an_empty_answer_is_refused_and_nothing_changes(alice, erik, owner, cast):
    consultation = request_consultation(alice, cast)
    response = erik.post(f"/consultations/{consultation}/answer", {"answer": "   "})
    assert response.status_code == 422
    assert 'id="e-answer"' in response.text
    assert owner.execute(
        "SELECT status::text FROM consultation WHERE id = %s", [consultation]
    ).fetchone() == {"status": "open"}


def test_alice_closes_the_answered_consultation(alice, erik, owner, cast):
    consultation = request_consultation(alice, cast)
    # Given an open consultation, closing it is refused: it has no answer yet
    assert alice.post(f"/consultations/{consultation}/close").status_code == 422
    erik.post(f"/consultations/{consultation}/answer", {"answer": ANSWER})
    # when Alice reads the answer and closes it
    assert ANSWER in alice.get(f"/consultations/{consultation}").text
    assert alice.post(f"/consultations/{consultation}/close").status_code == 303
    # then it is closed with the time, and Erik cannot close what is not his to close
    row = owner.execute(
        "SELECT status::text, closed_at IS NOT NULL AS has_time FROM consultation WHERE id = %s",
        [consultation],
    ).fetchone()
    assert row == {"status": "closed", "has_time": True}
    assert erik.post(f"/consultations/{consultation}/close").status_code == 403
    assert "Closed" in erik.get("/consultations").text


def test_the_database_refuses_closing_a_consultation_without_an_answer(alice, acting_as, cast):
    consultation = request_consultation(alice, cast)
    with refused("HM244", "consultation_close_answered"):
        as_user(acting_as, cast.alice, "doctor", "SELECT consultation_close(%s)", [consultation])


def test_the_app_role_updates_no_consultation_itself(alice, acting_as, cast):
    consultation = request_consultation(alice, cast)
    with refused("42501"):
        as_user(
            acting_as,
            cast.alice,
            "doctor",
            "UPDATE consultation SET status = 'closed', closed_at = now() WHERE id = %s",
            [consultation],
        )


def test_the_database_refuses_reopening_an_answered_consultation(alice, acting_as, owner, cast):
    consultation = request_consultation(alice, cast)
    _answer(acting_as, cast, consultation)
    with refused("HM041", "consultation_moves_forward"):
        owner.execute("UPDATE consultation SET status = 'open' WHERE id = %s", [consultation])


def test_the_pages_read_in_swedish(alice, erik, cast, greta_diagnosis):
    consultation = request_consultation(alice, cast)
    erik.client.cookies.set("hms_lang", "sv")
    page = erik.get(f"/consultations/{consultation}")
    assert page.status_code == 200
    assert "Frågeställning" in page.text and "Patientens journal (endast läsning)" in page.text
    assert "Väntar på svar" in erik.get("/").text
