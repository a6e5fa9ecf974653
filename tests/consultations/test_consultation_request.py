"""A doctor asks an external specialist about a patient in their care; bad
input is shown beside the fields and nothing is saved; a doctor without a
care relationship is refused."""

from tests.consultations.conftest import QUESTION, request_consultation


def _count(owner) -> int:
    return owner.execute("SELECT count(*) AS n FROM consultation").fetchone()["n"]


def test_alice_requests_a_consultation_about_greta(alice, owner, cast):
    # Given Alice on the request form for Greta
    form = alice.get(f"/consultations/new?patient_id={cast.greta_patient}")
    assert form.status_code == 200
    assert "Dr Erik Ek" in form.text and "Medical ward 1" in form.text
    # when she sends it
    consultation = request_consultation(alice, cast)
    # then it is open, to Erik, from her unit, and audited
    row = owner.execute(
        "SELECT patient_id, specialist_id, requested_by, care_unit_id, status::text, question "
        "FROM consultation WHERE id = %s",
        [consultation],
    ).fetchone()
    assert row == {
        "patient_id": cast.greta_patient,
        "specialist_id": cast.erik,
        "requested_by": cast.alice,
        "care_unit_id": cast.unit_med,
        "status": "open",
        "question": QUESTION,
    }
    audit = owner.execute(
        "SELECT user_id, patient_id FROM audit_log WHERE action = 'consultation.create' AND object_type = 'consultation' AND object_id = %s",
        [consultation],
    ).fetchall()
    assert audit == [{"user_id": cast.alice, "patient_id": cast.greta_patient}]
    page = alice.get(f"/consultations/{consultation}")
    assert (
        "The consultation is sent to the specialist."
        in alice.get(f"/consultations/{consultation}?notice=requested").text
    )
    assert QUESTION in page.text and "Awaiting answer" in page.text
    assert QUESTION[:40] in alice.get("/consultations").text


def test_bad_input_is_shown_beside_the_fields_and_nothing_is_saved(alice, owner, cast):
    response = alice.post(
        f"/consultations/new?patient_id={cast.greta_patient}",
        {"specialist_id": cast.charlie, "care_unit_id": cast.unit_surg, "question": "  Help?  "},
    )
    assert response.status_code == 422
    assert 'id="e-question"' in response.text
    assert "Write the question in at least 10 characters." in response.text
    assert _count(owner) == 0
    # A doctor is no specialist, and the surgical ward is not Alice's.
    response = alice.post(
        f"/consultations/new?patient_id={cast.greta_patient}",
        {
            "specialist_id": cast.charlie,
            "care_unit_id": cast.unit_surg,
            "question": QUESTION,
            "parts": ["notes"],
        },
    )
    assert response.status_code == 422
    assert "Choose a specialist from the list." in response.text
    assert "Choose one of your care units." in response.text
    assert QUESTION in response.text  # what she typed is kept
    assert 'value="notes" checked' in response.text
    assert _count(owner) == 0
    # Without any part of the record chosen, nothing is sent either.
    response = alice.post(
        f"/consultations/new?patient_id={cast.greta_patient}",
        {"specialist_id": cast.erik, "care_unit_id": cast.unit_med, "question": QUESTION},
    )
    assert response.status_code == 422
    assert 'id="e-parts"' in response.text
    assert "Choose at least one part of the record the specialist may read." in response.text
    assert _count(owner) == 0


def test_charlie_without_a_care_relationship_cannot_request_one_for_greta(browser, owner, cast):
    # Given Dr Charlie on the surgical unit, with no care relationship with Greta
    charlie = browser("charlie")
    # when he asks for the form or sends it, then he is refused
    assert charlie.get(f"/consultations/new?patient_id={cast.greta_patient}").status_code == 403
    response = charlie.post(
        f"/consultations/new?patient_id={cast.greta_patient}",
        {"specialist_id": cast.erik, "care_unit_id": cast.unit_surg, "question": QUESTION},
    )
    assert response.status_code == 403
    assert _count(owner) == 0
    refused = owner.execute(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'consultation.create' AND outcome = 'refused' "
        "AND user_id = %s",
        [cast.charlie],
    ).fetchone()["n"]
    assert refused == 2


def test_the_specialist_cannot_request_a_consultation(erik, cast):
    assert erik.get(f"/consultations/new?patient_id={cast.greta_patient}").status_code == 403


def test_the_database_refuses_a_request_without_access_even_with_raw_sql(acting_as, cast):
    from tests.journal.refusal import refused

    charlie = acting_as(cast.charlie, "doctor")
    with refused("42501"), charlie.transaction():
        charlie.execute(
            "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question) "
            "VALUES (%s, %s, %s, %s, %s)",
            [cast.greta_patient, cast.unit_surg, cast.charlie, cast.erik, QUESTION],
        )
