"""Discharge with a summary (epikris): the doctor's form comes prefilled with
the diagnoses active at discharge and the medication changes of the stay,
asks for confirmation, then signs the summary and discharges in one go; a
bad form keeps what was typed and saves nothing; the patient reads the
summary in the portal, in Swedish and in English. Other encounters close
after a confirmation page."""

import pytest
from fastapi.testclient import TestClient

from tests.conftest import login
from tests.journal import given
from tests.medication.conftest import change, ensure_drugs, prescribe

COURSE = "Pneumoni behandlad med bensylpenicillin i.v., feberfri sedan dag två."
FOLLOW_UP = "Lungröntgen om sex veckor via vårdcentralen."


def sign_in(client, username: str) -> str:
    """Log in with the pages in English; returns the CSRF token."""
    client.cookies.set("hms_lang", "en")
    return login(client, username)


def url(cast, encounter: int, what: str = "discharge") -> str:
    return f"/patients/{cast.greta_patient}/journal/encounters/{encounter}/{what}"


def summaries(owner) -> list[dict]:
    return owner.execute(
        "SELECT n.id, n.encounter_id, n.created_by, v.status, v.author_id FROM note AS n "
        "JOIN note_version AS v ON v.note_id = n.id WHERE n.kind = 'discharge_summary'"
    ).fetchall()


def ended(owner, encounter: int):
    return given.value(owner, "SELECT ended_at FROM encounter WHERE id = %s", [encounter])


@pytest.fixture()
def stay(acting_as, owner, cast) -> int:
    """Greta's admission two days ago, with her problem list and her
    prescriptions: paracetamol from before the stay, paused during it, and
    penicillin started during it; a resolved diagnosis besides the active one."""
    alice = acting_as(cast.alice, "doctor")
    drugs = ensure_drugs(owner)
    before = prescribe(alice, cast, drugs["Paracetamol tablet"], override_reason="Known")
    encounter = given.admit(alice, cast)
    change(alice, cast, before, before["id"], "paused", reason="Fasting before surgery")
    prescribe(
        alice,
        cast,
        drugs["Fenoximetylpenicillin tablet"],
        dose=1,
        dose_unit="g",
        times_of_day=["08:00", "14:00", "20:00"],
        starts_at="now",
    )
    given.clinical(owner, cast, "diagnosis")  # J18.9, active
    given.clinical(owner, cast, "diagnosis", code="I10", rank="secondary", resolved_date="2024-03-05")
    return encounter


def test_the_form_is_prefilled_with_active_diagnoses_and_the_stays_medication_changes(
    client, cast, owner, stay
):
    sign_in(client, "alice")
    page = client.get(url(cast, stay))
    assert page.status_code == 200
    text = page.text
    # the active diagnosis, not the resolved one
    assert "J18.9" in text and "I10 " not in text
    # the changes written during the stay, not the prescription from before it
    assert "Pausad: Paracetamol 500 mg (Fasting before surgery)" in text
    assert "Insatt: Fenoximetylpenicillin 1 g — 1 g p.o. kl 08:00, 14:00, 20:00" in text
    assert "Insatt: Paracetamol" not in text
    # course of care and follow-up are the doctor's to type
    assert 'name="course"' in text and 'name="follow_up"' in text
    # reading the problem list and the medication changes is audited
    actions = {
        r["action"]
        for r in owner.execute(
            "SELECT action FROM audit_log WHERE user_id = %s AND patient_id = %s",
            [cast.alice, cast.greta_patient],
        ).fetchall()
    }
    assert {"encounter.read", "diagnosis.list", "medication.list"} <= actions
    assert summaries(owner) == []


def test_a_summary_without_course_of_care_is_refused_keeps_the_text_and_saves_nothing(
    client, cast, owner, stay
):
    token = sign_in(client, "alice")
    for action in ("review", "confirm"):
        response = client.post(
            url(cast, stay),
            data={
                "csrf_token": token,
                "action": action,
                "course": "  ",
                "diagnoses": "J18.9 Pneumoni, ospecificerad",
                "medication": "Utsatt: Paracetamol (egen text)",
                "follow_up": FOLLOW_UP,
            },
            follow_redirects=False,
        )
        assert response.status_code == 422
        assert FOLLOW_UP in response.text and "Utsatt: Paracetamol (egen text)" in response.text
        assert 'id="e-course"' in response.text
    assert summaries(owner) == []
    assert ended(owner, stay) is None


def test_review_asks_for_confirmation_then_the_summary_is_signed_and_the_patient_discharged(
    client, cast, owner, stay
):
    token = sign_in(client, "alice")
    form = {
        "csrf_token": token,
        "course": COURSE,
        "diagnoses": "J18.9",
        "medication": "",
        "follow_up": FOLLOW_UP,
    }
    # the review is a server-rendered confirmation page: nothing is written yet
    review = client.post(url(cast, stay), data={**form, "action": "review"}, follow_redirects=False)
    assert review.status_code == 200
    assert "Sign and discharge" in review.text and COURSE in review.text
    assert f'value="{COURSE}"' in review.text  # carried in the form to be confirmed
    assert summaries(owner) == [] and ended(owner, stay) is None
    # back to the summary keeps the text
    back = client.post(url(cast, stay), data={**form, "action": "edit"}, follow_redirects=False)
    assert back.status_code == 200 and COURSE in back.text and "Review and discharge" in back.text
    # the confirmation signs and discharges together
    done = client.post(url(cast, stay), data={**form, "action": "confirm"}, follow_redirects=False)
    assert done.status_code == 303 and "notice=discharged" in done.headers["location"]
    [summary] = summaries(owner)
    assert summary["encounter_id"] == stay
    assert summary["status"] == "signed" and summary["author_id"] == cast.alice
    sections = owner.execute(
        "SELECT s.heading, s.body FROM note_section AS s JOIN note_version AS v ON v.id = s.version_id "
        "WHERE v.note_id = %s ORDER BY s.position",
        [summary["id"]],
    ).fetchall()
    assert [(s["heading"], s["body"]) for s in sections] == [
        ("Vårdförlopp", COURSE),
        ("Diagnoser", "J18.9"),
        ("Uppföljning", FOLLOW_UP),
    ]
    assert ended(owner, stay) is not None
    assert given.value(owner, "SELECT patient_id FROM bed_status WHERE bed_id = %s", [cast.bed_a]) is None
    actions = [
        r["action"]
        for r in owner.execute(
            "SELECT action FROM audit_log WHERE user_id = %s AND action IN ('note.sign', 'encounter.discharge')",
            [cast.alice],
        ).fetchall()
    ]
    assert sorted(actions) == ["encounter.discharge", "note.sign"]
    # a second confirmation (a double click) discharges nothing twice
    again = client.post(url(cast, stay), data={**form, "action": "confirm"}, follow_redirects=False)
    assert again.status_code == 422
    assert len(summaries(owner)) == 1


def test_a_nurse_is_not_offered_the_discharge_and_is_refused_it(client, cast, owner, stay):
    token = sign_in(client, "bob")
    chart = client.get(f"/patients/{cast.greta_patient}/journal").text
    assert "A doctor discharges with a discharge summary." in chart
    assert url(cast, stay) not in chart
    assert client.get(url(cast, stay)).status_code == 403
    response = client.post(
        url(cast, stay),
        data={"csrf_token": token, "action": "confirm", "course": COURSE, "follow_up": FOLLOW_UP},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert summaries(owner) == [] and ended(owner, stay) is None


def test_the_discharge_of_another_patients_encounter_is_not_reached(client, cast, owner, acting_as, asa):
    alice = acting_as(cast.alice, "doctor")
    asas_stay = given.admit(alice, cast, patient=asa, bed=cast.bed_b)
    token = sign_in(client, "alice")
    assert client.get(url(cast, asas_stay)).status_code == 404
    response = client.post(
        url(cast, asas_stay),
        data={"csrf_token": token, "action": "confirm", "course": COURSE, "follow_up": FOLLOW_UP},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert summaries(owner) == [] and ended(owner, asas_stay) is None


def test_the_patient_reads_the_epikris_in_the_portal_in_swedish_and_english(app, client, cast, owner, stay):
    token = sign_in(client, "alice")
    form = {"csrf_token": token, "course": COURSE, "diagnoses": "J18.9", "follow_up": FOLLOW_UP}
    client.post(url(cast, stay), data={**form, "action": "confirm"}, follow_redirects=False)
    with TestClient(app) as greta:
        login(greta, "greta")
        greta.cookies.set("hms_lang", "sv")
        swedish = greta.get("/my").text
        assert "Epikriser" in swedish and COURSE in swedish and FOLLOW_UP in swedish
        assert "Vårdförlopp" in swedish and "Uppföljning" in swedish
        greta.cookies.set("hms_lang", "en")
        english = greta.get("/my").text
        assert "Discharge summaries" in english and "Course of care" in english and "Follow-up" in english
        assert COURSE in english
        # shown first, above the diagnoses and the other notes
        assert english.index("Discharge summaries") < english.index("<h2>Diagnoses</h2>")


def test_closing_a_visit_asks_first_and_a_nurse_may_close_it(acting_as, client, cast, owner):
    visit = given.visit(acting_as(cast.alice, "doctor"), cast)
    token = sign_in(client, "bob")
    chart = client.get(f"/patients/{cast.greta_patient}/journal").text
    assert url(cast, visit, "close") in chart
    confirm = client.get(url(cast, visit, "close"))
    assert confirm.status_code == 200 and "Closing cannot be undone." in confirm.text
    # a post without the confirmation's answer shows the question again
    unconfirmed = client.post(url(cast, visit, "close"), data={"csrf_token": token}, follow_redirects=False)
    assert unconfirmed.status_code == 200 and ended(owner, visit) is None
    done = client.post(
        url(cast, visit, "close"), data={"csrf_token": token, "confirmed": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303 and ended(owner, visit) is not None


def test_closing_an_admission_in_its_bed_shows_the_chart_with_the_refusal(acting_as, client, cast, owner):
    stay = given.admit(acting_as(cast.alice, "doctor"), cast)
    token = sign_in(client, "alice")
    refused = client.post(
        url(cast, stay, "close"), data={"csrf_token": token, "confirmed": "yes"}, follow_redirects=False
    )
    # The database refuses (HM015): the chart again, with the reason, and nothing closed.
    assert refused.status_code == 422
    assert "An admission is closed by discharging the patient." in refused.text
    assert 'class="timeline"' in refused.text and 'name="unit"' in refused.text
    assert ended(owner, stay) is None
