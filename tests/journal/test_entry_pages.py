"""The journal entry pages: diagnoses with the ICD-10 picker, allergies,
procedures, past history, care plans and the printed journal copy."""

from datetime import UTC, datetime

from tests.conftest import login
from tests.journal import given


def journal(cast) -> str:
    return f"/patients/{cast.greta_patient}/journal"


def count(owner, table: str) -> int:
    return owner.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]  # noqa: S608


def test_alice_records_a_diagnosis_with_the_picker(client, cast, owner):
    token = login(client, "alice")
    broad = client.get(f"{journal(cast)}/diagnoses/new", params={"icd_q": "pneumoni"})
    assert broad.status_code == 200
    assert 'name="picked_code" value="J12.9"' in broad.text
    assert 'id="icd-refine"' in broad.text  # many matches: the user is asked to narrow the search
    found = client.get(f"{journal(cast)}/diagnoses/new", params={"icd_q": "pneumonia, unspecified"})
    assert 'name="picked_code" value="J18.9"' in found.text
    response = client.post(
        f"{journal(cast)}/diagnoses/new",
        data={
            "csrf_token": token,
            "icd_q": "pneumonia, unspecified",
            "picked_code": "J18.9",
            "code": "",
            "rank": "primary",
            "care_unit_id": str(cast.unit_med),
            "onset_date": "2026-01-10",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("/diagnoses?notice=diagnosis")
    listing = client.get(f"{journal(cast)}/diagnoses")
    assert listing.status_code == 200
    active = listing.text.split('id="active"')[1].split('id="resolved"')[0]
    assert "J18.9" in active and "Pneumoni, ospecificerad" in active
    row = owner.execute("SELECT code, rank, recorded_by FROM diagnosis").fetchone()
    assert row == {"code": "J18.9", "rank": "primary", "recorded_by": cast.alice}


def test_a_typed_code_works_and_resolved_diagnoses_are_listed_apart(client, cast):
    token = login(client, "alice")
    response = client.post(
        f"{journal(cast)}/diagnoses/new",
        data={
            "csrf_token": token,
            "code": "i10",
            "rank": "secondary",
            "care_unit_id": str(cast.unit_med),
            "onset_date": "2020-01-01",
            "resolved_date": "2021-01-01",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    listing = client.get(f"{journal(cast)}/diagnoses").text
    resolved = listing.split('id="resolved"')[1]
    assert "I10" in resolved
    assert "I10" not in listing.split('id="active"')[1].split('id="resolved"')[0]


def test_an_unknown_code_is_refused_beside_the_field(client, cast, owner):
    token = login(client, "alice")
    response = client.post(
        f"{journal(cast)}/diagnoses/new",
        data={
            "csrf_token": token,
            "code": "X99.9",
            "rank": "primary",
            "care_unit_id": str(cast.unit_med),
            "comment": "kept comment",
        },
    )
    assert response.status_code == 422
    assert 'id="e-code"' in response.text
    assert 'value="X99.9"' in response.text and "kept comment" in response.text
    assert count(owner, "diagnosis") == 0


def test_a_nurse_cannot_record_a_diagnosis(client, cast, owner):
    token = login(client, "bob")
    assert client.get(f"{journal(cast)}/diagnoses/new").status_code == 403
    response = client.post(
        f"{journal(cast)}/diagnoses/new",
        data={"csrf_token": token, "code": "J18.9", "rank": "primary", "care_unit_id": str(cast.unit_med)},
    )
    assert response.status_code == 403
    assert count(owner, "diagnosis") == 0
    # but may read the problem list
    assert client.get(f"{journal(cast)}/diagnoses").status_code == 200


def test_reception_cannot_open_journal_pages(client, cast):
    token = login(client, "rita")
    for path in (
        "/diagnoses",
        "/diagnoses/new",
        "/allergies/new",
        "/procedures/new",
        "/history/new",
        "/care-plans/new",
        "/print",
    ):
        assert client.get(journal(cast) + path).status_code == 403, path
    response = client.post(
        f"{journal(cast)}/allergies/new",
        data={
            "csrf_token": token,
            "substance": "Penicillin",
            "category": "medication",
            "severity": "severe",
            "care_unit_id": str(cast.unit_med),
        },
    )
    assert response.status_code == 403


def test_bob_records_an_allergy(client, cast, owner):
    token = login(client, "bob")
    form = client.get(f"{journal(cast)}/allergies/new")
    assert form.status_code == 200
    assert f'href="{journal(cast)}"' in form.text  # back to the chart
    response = client.post(
        f"{journal(cast)}/allergies/new",
        data={
            "csrf_token": token,
            "substance": "Penicillin",
            "category": "medication",
            "reaction": "Urticaria",
            "severity": "severe",
            "is_verified": "on",
            "care_unit_id": str(cast.unit_med),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{journal(cast)}?notice=allergy"
    row = owner.execute("SELECT substance, severity, is_verified, is_intolerance FROM allergy").fetchone()
    assert row == {
        "substance": "Penicillin",
        "severity": "severe",
        "is_verified": True,
        "is_intolerance": False,
    }
    chart = client.get(journal(cast))
    assert chart.status_code == 200
    assert "Penicillin" in chart.text


def test_an_allergy_form_with_errors_keeps_what_was_typed(client, cast, owner):
    token = login(client, "bob")
    response = client.post(
        f"{journal(cast)}/allergies/new",
        data={
            "csrf_token": token,
            "substance": "Nuts",
            "category": "food",
            "severity": "",
            "care_unit_id": str(cast.unit_surg),
        },
    )
    assert response.status_code == 422
    assert 'value="Nuts"' in response.text
    assert 'id="e-severity"' in response.text
    assert count(owner, "allergy") == 0


def test_alice_records_a_surgery_in_local_time(client, cast, owner):
    token = login(client, "alice")
    assert client.get(f"{journal(cast)}/procedures/new").status_code == 200
    response = client.post(
        f"{journal(cast)}/procedures/new",
        data={
            "csrf_token": token,
            "name": "Appendectomy",
            "code": "jea00",
            "is_surgery": "on",
            "performed_at": "2026-01-15T14:30",
            "anaesthesia": "general",
            "outcome": "Uneventful",
            "care_unit_id": str(cast.unit_med),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    row = owner.execute(
        "SELECT name, code, is_surgery, performed_at, performed_by FROM procedure_record"
    ).fetchone()
    assert row["code"] == "JEA00" and row["is_surgery"] and row["performed_by"] == cast.alice
    # 14:30 in Stockholm in January is 13:30 UTC
    assert row["performed_at"] == datetime(2026, 1, 15, 13, 30, tzinfo=UTC)


def test_a_procedure_with_a_bad_time_is_refused(client, cast, owner):
    token = login(client, "alice")
    response = client.post(
        f"{journal(cast)}/procedures/new",
        data={
            "csrf_token": token,
            "name": "Appendectomy",
            "performed_at": "yesterday",
            "care_unit_id": str(cast.unit_med),
        },
    )
    assert response.status_code == 422
    assert 'id="e-performed_at"' in response.text
    assert count(owner, "procedure_record") == 0


def test_past_history_is_recorded(client, cast, owner):
    token = login(client, "bob")
    assert client.get(f"{journal(cast)}/history/new?kind=family").status_code == 200
    response = client.post(
        f"{journal(cast)}/history/new",
        data={
            "csrf_token": token,
            "kind": "family",
            "description": "Mother had type 2 diabetes.",
            "care_unit_id": str(cast.unit_med),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    row = owner.execute("SELECT kind, description FROM history_entry").fetchone()
    assert row == {"kind": "family", "description": "Mother had type 2 diabetes."}
    audit = owner.execute("SELECT count(*) AS n FROM audit_log WHERE action = 'history.create'").fetchone()
    assert audit["n"] == 1


def test_a_care_plan_is_recorded_with_a_colleague_responsible(client, cast, owner):
    token = login(client, "bob")
    form = client.get(f"{journal(cast)}/care-plans/new")
    assert form.status_code == 200
    assert "Dr Alice Andersson" in form.text and "Bob Berg" in form.text
    assert "Dr Charlie Carlsson" not in form.text
    response = client.post(
        f"{journal(cast)}/care-plans/new",
        data={
            "csrf_token": token,
            "title": "Fall prevention",
            "goals": "No falls.",
            "actions": "Bed alarm, walking aid.",
            "responsible_id": str(cast.alice),
            "review_date": "2026-02-01",
            "care_unit_id": str(cast.unit_med),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    row = owner.execute("SELECT title, responsible_id, status FROM care_plan").fetchone()
    assert row == {"title": "Fall prevention", "responsible_id": cast.alice, "status": "active"}


def test_a_care_plan_cannot_name_staff_from_another_unit(client, cast, owner):
    token = login(client, "bob")
    response = client.post(
        f"{journal(cast)}/care-plans/new",
        data={
            "csrf_token": token,
            "title": "Fall prevention",
            "goals": "No falls.",
            "actions": "Bed alarm.",
            "responsible_id": str(cast.charlie),
            "review_date": "2026-02-01",
            "care_unit_id": str(cast.unit_med),
        },
    )
    assert response.status_code == 422
    assert 'id="e-responsible_id"' in response.text
    assert count(owner, "care_plan") == 0


def _history(owner, cast, text: str, at: str) -> None:
    owner.execute(
        "INSERT INTO history_entry (patient_id, care_unit_id, kind, description, recorded_by, recorded_at) "
        "VALUES (%s, %s, 'social', %s, %s, %s)",
        [cast.greta_patient, cast.unit_med, text, cast.alice, at],
    )


def test_the_journal_copy_lists_the_range_oldest_first_and_is_audited(client, cast, owner):
    _history(owner, cast, "Before the range", "2025-12-20 10:00+01")
    _history(owner, cast, "Lives alone", "2026-01-05 10:00+01")
    _history(owner, cast, "Retired teacher", "2026-01-08 10:00+01")
    _history(owner, cast, "After the range", "2026-01-20 10:00+01")
    note_id, version_id = given.note(
        owner, cast, sections=[("Anamnes", "A full anamnesis text that is longer than the timeline shows.")]
    )
    given.sign(owner, version_id, cast.alice)
    # move the signature into the range (a signed version is frozen; bypass its trigger here only)
    owner.execute("SET session_replication_role = replica")
    owner.execute("UPDATE note_version SET signed_at = '2026-01-06 09:00+01' WHERE id = %s", [version_id])
    owner.execute("SET session_replication_role = DEFAULT")
    login(client, "alice")
    response = client.get(f"{journal(cast)}/print", params={"from": "2026-01-01", "to": "2026-01-10"})
    assert response.status_code == 200
    text = response.text
    assert "Before the range" not in text and "After the range" not in text
    assert text.index("Lives alone") < text.index("A full anamnesis text") < text.index("Retired teacher")
    assert "Gustafsson, Greta" in text and "19420214-2388" in text
    assert "Dr Alice Andersson" in text
    audit = owner.execute(
        "SELECT user_id, patient_id FROM audit_log WHERE action = 'journal.print'"
    ).fetchall()
    assert audit == [{"user_id": cast.alice, "patient_id": cast.greta_patient}]


def test_recording_an_active_diagnosis_again_asks_first(client, cast, owner):
    token = login(client, "alice")
    client.cookies.set("hms_lang", "en")
    form = {
        "csrf_token": token,
        "code": "J18.9",
        "rank": "primary",
        "care_unit_id": str(cast.unit_med),
        "comment": "Höger underlob",
    }
    first = client.post(f"{journal(cast)}/diagnoses/new", data=form, follow_redirects=False)
    assert first.status_code == 303
    # the same code again: asked first, nothing saved, what was typed kept
    again = client.post(f"{journal(cast)}/diagnoses/new", data=form, follow_redirects=False)
    assert again.status_code == 422
    assert "already on the patient" in again.text and "active problem list" in again.text
    assert 'name="record_again"' in again.text
    assert "Höger underlob" in again.text
    assert count(owner, "diagnosis") == 1
    # ticked: recorded once more
    confirmed = client.post(
        f"{journal(cast)}/diagnoses/new", data={**form, "record_again": "true"}, follow_redirects=False
    )
    assert confirmed.status_code == 303
    assert count(owner, "diagnosis") == 2
    # a resolved one does not ask
    owner.execute("UPDATE diagnosis SET resolved_date = current_date")
    assert client.post(f"{journal(cast)}/diagnoses/new", data=form, follow_redirects=False).status_code == 303
