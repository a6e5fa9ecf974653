"""A patient reads her own record: signed notes only, and nobody else's."""

from tests.conftest import login
from tests.portal import given


def test_patient_sees_her_signed_notes_but_not_a_draft(client, cast, owner):
    # given a signed note and an unsigned draft in Greta's journal
    given.signed_note(owner, cast, "Trolig pneumoni, antibiotika insatt.")
    given.signed_note(owner, cast, "Utkast som inte är klart.", sign=False)
    # when Greta opens her record
    login(client, "greta")
    page = client.get("/my")
    # then the signed note is there and the draft is not
    assert page.status_code == 200
    assert "Trolig pneumoni, antibiotika insatt." in page.text
    assert "Utkast som inte är klart." not in page.text


def test_record_shows_diagnoses_allergies_and_encounters_and_is_audited(client, cast, owner):
    owner.execute(
        "INSERT INTO diagnosis (patient_id, care_unit_id, code, rank, recorded_by) VALUES (%s, %s, 'J18.9', 'primary', %s)",
        [cast.greta_patient, cast.unit_med, cast.alice],
    )
    owner.execute(
        "INSERT INTO allergy (patient_id, care_unit_id, substance, category, severity, recorded_by) "
        "VALUES (%s, %s, 'Penicillin', 'medication', 'severe', %s)",
        [cast.greta_patient, cast.unit_med, cast.alice],
    )
    owner.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by) "
        "VALUES (%s, %s, 'outpatient', 'Uppföljning av blodtryck', %s)",
        [cast.greta_patient, cast.unit_med, cast.alice],
    )
    client.cookies.set("hms_lang", "en")
    login(client, "greta")
    page = client.get("/my").text
    assert "J18.9" in page and "Penicillin" in page and "Uppföljning av blodtryck" in page
    assert "Appointments and medication are not shown here yet." in page
    rows = given.audit_rows(owner, user_id=cast.greta, action="portal.read_record")
    assert [(r["patient_id"], r["outcome"]) for r in rows] == [(cast.greta_patient, "allowed")]


def test_patient_cannot_open_another_patients_pages(client, cast, owner):
    other = given.other_patient(owner)
    login(client, "greta")
    assert client.get(f"/my/patients/{other}").status_code == 404
    assert client.get(f"/patients/{other}").status_code == 404
    # and the refusals are in the audit log
    refused = given.audit_rows(owner, user_id=cast.greta, outcome="refused")
    assert {r["patient_id"] for r in refused} == {other}


def test_home_page_links_to_the_portal(client, cast):
    login(client, "greta")
    home = client.get("/").text
    for href in ("/my", "/my/access-log", "/my/proxies", "/my/blocks"):
        assert f'href="{href}"' in home
