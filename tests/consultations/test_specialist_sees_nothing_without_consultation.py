"""An external specialist reaches no patient until a consultation is opened
to them, and never another specialist's consultation."""

from tests.consultations.conftest import as_user, request_consultation


def test_erik_sees_nothing_of_greta_before_a_consultation(erik, cast, greta_diagnosis):
    # Given no consultation, when Erik asks for Greta's pages
    # then the journal is not his (JOURNAL_READ) and the patient does not exist for him.
    assert erik.get(f"/patients/{cast.greta_patient}/journal").status_code == 403
    assert erik.get(f"/patients/{cast.greta_patient}").status_code == 404
    assert "Gustafsson" not in erik.get("/").text
    assert "Gustafsson" not in erik.get("/consultations").text


def test_erik_cannot_read_a_consultation_sent_to_another_specialist(
    browser, alice, owner, acting_as, cast, greta_diagnosis
):
    # Given a consultation from Alice to another specialist, Dr Frida
    frida = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "SELECT 'frida', password_hash, 'external_specialist', 'Dr Frida Fors' FROM app_user WHERE id = %s "
        "RETURNING id",
        [cast.erik],
    ).fetchone()["id"]
    consultation = request_consultation(alice, cast, specialist_id=frida)
    # when Erik asks for it, then it does not exist for him
    erik = browser("erik")
    assert erik.get(f"/consultations/{consultation}").status_code == 404
    assert erik.post(f"/consultations/{consultation}/answer", {"answer": "Yes."}).status_code == 404
    # and Frida's consultation gives Erik no access to Greta's rows either
    assert as_user(acting_as, cast.erik, "external_specialist", "SELECT id FROM diagnosis") == []
