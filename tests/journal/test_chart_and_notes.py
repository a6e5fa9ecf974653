"""The journal as a doctor and a nurse use it: chart, encounters, notes, vitals."""

import re

from tests.conftest import login


def chart_url(cast) -> str:
    return f"/patients/{cast.greta_patient}/journal"


def test_doctor_writes_signs_and_amends_a_note_and_history_keeps_both(client, cast, owner):
    # given Dr Alice on the medical ward
    token = login(client, "alice")
    # when she writes and signs a progress note
    response = client.post(
        f"{chart_url(cast)}/notes/new",
        data={
            "csrf_token": token,
            "kind": "progress",
            "care_unit_id": cast.unit_med,
            "section_1": "Feber sedan två dagar.",
            "section_3": "Trolig pneumoni.",
            "action": "sign",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    note_url = response.headers["location"].split("?")[0]
    # and then amends it with a reason
    response = client.post(
        f"{note_url}/amend", data={"csrf_token": token, "reason": "Fel sida angiven"}, follow_redirects=False
    )
    assert response.headers["location"].endswith("/edit")
    response = client.post(
        f"{note_url}/edit",
        data={
            "csrf_token": token,
            "section_1": "Feber sedan tre dagar.",
            "section_3": "Trolig pneumoni.",
            "action": "sign",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    # then the note shows the new text and its history keeps both versions
    page = client.get(note_url).text
    assert "Feber sedan tre dagar." in page and "Feber sedan två dagar." in page
    assert "Fel sida angiven" in page
    versions = owner.execute("SELECT version, status FROM note_version ORDER BY version").fetchall()
    assert [(v["version"], v["status"]) for v in versions] == [(1, "signed"), (2, "signed")]
    # and the chart's timeline lists the note once, at its current version
    chart = client.get(chart_url(cast)).text
    assert chart.count("Feber sedan tre dagar.") == 1


def test_amendment_without_a_reason_is_refused_and_nothing_is_added(client, cast, owner):
    token = login(client, "alice")
    response = client.post(
        f"{chart_url(cast)}/notes/new",
        data={
            "csrf_token": token,
            "kind": "phone",
            "care_unit_id": cast.unit_med,
            "section_1": "Ringde om provsvar.",
            "action": "sign",
        },
        follow_redirects=False,
    )
    note_url = response.headers["location"].split("?")[0]
    response = client.post(f"{note_url}/amend", data={"csrf_token": token, "reason": "kort"})
    assert response.status_code == 422
    assert 'class="error"' in response.text
    assert owner.execute("SELECT count(*) AS n FROM note_version").fetchone()["n"] == 1


def test_a_draft_is_not_in_the_timeline_until_signed_and_only_its_author_sees_it(client, cast):
    token = login(client, "alice")
    response = client.post(
        f"{chart_url(cast)}/notes/new",
        data={
            "csrf_token": token,
            "kind": "progress",
            "care_unit_id": cast.unit_med,
            "section_1": "Utkast om buksmärta",
            "action": "save",
        },
        follow_redirects=False,
    )
    note_url = response.headers["location"].split("?")[0]
    assert "Utkast om buksmärta" in client.get(note_url).text
    assert "Utkast om buksmärta" not in client.get(chart_url(cast)).text
    client.post("/logout", data={"csrf_token": token})
    login(client, "bob")
    assert client.get(note_url).status_code == 404


def test_signing_an_empty_note_gives_a_message_and_keeps_it_a_draft(client, cast, owner):
    token = login(client, "alice")
    response = client.post(
        f"{chart_url(cast)}/notes/new",
        data={"csrf_token": token, "kind": "progress", "care_unit_id": cast.unit_med, "action": "sign"},
    )
    assert response.status_code == 422
    assert 'class="form-errors"' in response.text
    assert owner.execute("SELECT count(*) AS n FROM note").fetchone()["n"] == 0


def test_nurse_records_vitals_and_sees_the_news2_band(client, cast):
    token = login(client, "bob")
    response = client.post(
        f"{chart_url(cast)}/vitals",
        data={
            "csrf_token": token,
            "care_unit_id": cast.unit_med,
            "systolic": "95",
            "diastolic": "60",
            "pulse": "118",
            "respiratory_rate": "24",
            "spo2": "93",
            "temperature": "38,6",
            "consciousness": "A",
        },
    )
    assert response.status_code == 200
    latest = re.search(r'id="latest-news2">(.*?)</p>', response.text, re.S).group(1)
    # RR 24 → 2, SpO2 93 → 2, BP 95 → 2, pulse 118 → 2, temp 38.6 → 1: NEWS2 9, high
    assert "<strong>9</strong>" in latest and "band-high" in response.text


def test_implausible_vitals_are_refused_with_the_typed_values_kept(client, cast, owner):
    token = login(client, "bob")
    response = client.post(
        f"{chart_url(cast)}/vitals",
        data={"csrf_token": token, "care_unit_id": cast.unit_med, "systolic": "400", "pulse": "80"},
    )
    assert response.status_code == 422
    assert 'value="400"' in response.text and 'value="80"' in response.text
    assert owner.execute("SELECT count(*) AS n FROM vital_signs").fetchone()["n"] == 0


def test_admission_takes_a_bed_and_discharge_frees_it(client, cast, owner):
    token = login(client, "alice")
    response = client.post(
        f"{chart_url(cast)}/encounters/new",
        data={
            "csrf_token": token,
            "kind": "admission",
            "care_unit_id": cast.unit_med,
            "bed_id": cast.bed_a,
            "reason": "Pneumoni",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    occupant = owner.execute("SELECT patient_id FROM bed_status WHERE bed_id = %s", [cast.bed_a]).fetchone()
    assert occupant["patient_id"] == cast.greta_patient
    # the patient appears on the home page of a clinician on the unit
    assert "Gustafsson" in client.get("/").text
    encounter_id = owner.execute("SELECT id FROM encounter").fetchone()["id"]
    summary = {"course": "Treated with IV antibiotics.", "follow_up": "Chest X-ray in six weeks."}
    response = client.post(
        f"{chart_url(cast)}/encounters/{encounter_id}/discharge",
        data={"csrf_token": token, "action": "review", **summary},
        follow_redirects=False,
    )
    assert response.status_code == 200  # the confirmation first: nothing happened yet
    occupant = owner.execute("SELECT patient_id FROM bed_status WHERE bed_id = %s", [cast.bed_a]).fetchone()
    assert occupant["patient_id"] == cast.greta_patient
    response = client.post(
        f"{chart_url(cast)}/encounters/{encounter_id}/discharge",
        data={"csrf_token": token, "action": "confirm", **summary},
        follow_redirects=False,
    )
    assert response.status_code == 303
    occupant = owner.execute("SELECT patient_id FROM bed_status WHERE bed_id = %s", [cast.bed_a]).fetchone()
    assert occupant["patient_id"] is None


def test_a_second_admission_to_an_occupied_bed_is_refused_with_a_message(client, cast, owner):
    token = login(client, "alice")
    owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('198507099805', 'Åsa', 'Jönsson', '1985-07-09', 'female')"
    )
    other = owner.execute("SELECT id FROM patient WHERE family_name = 'Jönsson'").fetchone()["id"]
    owner.execute(
        "SELECT encounter_admit(%s, %s, %s, 'Fall', %s)", [other, cast.unit_med, cast.bed_a, cast.alice]
    )
    response = client.post(
        f"{chart_url(cast)}/encounters/new",
        data={
            "csrf_token": token,
            "kind": "admission",
            "care_unit_id": cast.unit_med,
            "bed_id": cast.bed_a,
            "reason": "Pneumoni",
        },
    )
    assert response.status_code == 422
    assert 'class="form-errors"' in response.text
    assert 'value="Pneumoni"' in response.text
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM encounter WHERE patient_id = %s", [cast.greta_patient]
        ).fetchone()["n"]
        == 0
    )


def test_timeline_pages_with_keyset_and_filters_by_type(client, cast, owner):
    for i in range(60):
        owner.execute(
            "INSERT INTO vital_signs (patient_id, care_unit_id, measured_at, pulse, recorded_by) "
            "VALUES (%s, %s, now() - make_interval(hours => %s), %s, %s)",
            [cast.greta_patient, cast.unit_med, i, 60 + i, cast.bob],
        )
    login(client, "alice")
    first = client.get(chart_url(cast)).text
    assert "before_at=" in first
    link = re.search(r'href="(\?[^"]*before_at=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(chart_url(cast) + link).text
    assert "P 60" not in second and "P 119" in second
    assert 'class="timeline"' not in client.get(chart_url(cast) + "?kind=note").text


def test_receptionist_cannot_open_the_journal(client, cast):
    login(client, "rita")
    assert client.get(chart_url(cast)).status_code == 403


def test_a_diagnosis_is_resolved_and_another_marked_in_error_and_both_stay_listed(client, cast, owner):
    token = login(client, "alice")
    client.cookies.set("hms_lang", "en")
    ids = [
        owner.execute(
            "INSERT INTO diagnosis (patient_id, care_unit_id, code, recorded_by) VALUES (%s, %s, %s, %s) RETURNING id",
            [cast.greta_patient, cast.unit_med, code, cast.alice],
        ).fetchone()["id"]
        for code in ("J18.9", "I10")
    ]
    url = f"{chart_url(cast)}/diagnoses"
    response = client.post(
        f"{url}/{ids[0]}/resolve",
        data={"csrf_token": token, "resolved_date": "2026-11-20", "confirmed": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    response = client.post(f"{url}/{ids[1]}/error", data={"csrf_token": token, "reason": "kort"})
    assert response.status_code == 422
    response = client.post(
        f"{url}/{ids[1]}/error",
        data={"csrf_token": token, "reason": "Fel patient vald", "confirmed": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    rows = owner.execute(
        "SELECT code, resolved_date, entered_in_error_reason FROM diagnosis ORDER BY id"
    ).fetchall()
    assert str(rows[0]["resolved_date"]) == "2026-11-20"
    assert rows[1]["entered_in_error_reason"] == "Fel patient vald"
    page = client.get(url).text
    assert 'id="resolved"' in page and "J18.9" in page and 'id="in-error"' in page
    # the chart's problem list no longer shows either
    chart = client.get(chart_url(cast)).text
    assert (
        "Active problems" in chart
        and "Pneumonia, unspecified" not in chart.split("Active problems")[1].split("</section>")[0]
    )


def test_a_care_plan_is_completed_from_the_chart_and_leaves_the_summary(client, cast, owner):
    token = login(client, "bob")
    plan = owner.execute(
        "INSERT INTO care_plan (patient_id, care_unit_id, title, goals, actions, responsible_id, review_date, "
        "recorded_by) VALUES (%s, %s, 'Mobilisering', 'Gå själv', 'Sjukgymnastik', %s, current_date + 7, %s) "
        "RETURNING id",
        [cast.greta_patient, cast.unit_med, cast.bob, cast.bob],
    ).fetchone()["id"]
    assert "Mobilisering" in client.get(chart_url(cast)).text.split('class="timeline"')[0]
    response = client.post(
        f"{chart_url(cast)}/care-plans/{plan}/status",
        data={"csrf_token": token, "status": "completed", "confirmed": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert (
        owner.execute("SELECT status FROM care_plan WHERE id = %s", [plan]).fetchone()["status"]
        == "completed"
    )
    assert (
        "Mobilisering"
        not in client.get(chart_url(cast)).text.split('class="timeline"')[0].split("Care plans")[-1]
    )
