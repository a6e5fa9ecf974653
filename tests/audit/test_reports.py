"""The access reports list reads outside the reader's units, of co-workers'
records and of patients sharing the reader's surname."""

from tests.conftest import login
from tests.db.pnr import number


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_the_emergency_read_is_listed_as_outside_the_readers_units(client, cast, emergency, adam, olle):
    page = client.get("/admin/audit/reports")
    assert page.status_code == 200
    outside = _section(page.text, "outside-units")
    assert "Dr Alice Andersson" in outside
    assert "Olsson, Olle" in outside
    assert "journal.read" in outside
    assert '<span class="tag warn">' in outside  # counted as under emergency access


def test_reads_within_a_care_assignment_are_not_listed(client, cast, adam):
    # Greta is assigned to Alice's unit (see the cast).
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "alice")
    assert client.get(f"/patients/{cast.greta_patient}/journal").status_code == 200
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "adam")
    outside = _section(client.get("/admin/audit/reports").text, "outside-units")
    assert "Gustafsson, Greta" not in outside


def test_reads_within_an_encounter_in_the_readers_unit_are_not_listed(client, cast, owner, olle):
    owner.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by, started_at) "
        "VALUES (%s, %s, 'outpatient', 'Check-up', %s, now() - interval '1 hour')",
        [olle, cast.unit_med, cast.alice],
    )
    login(client, "alice")
    assert client.get(f"/patients/{olle}/journal").status_code == 200
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "adam")
    outside = _section(client.get("/admin/audit/reports").text, "outside-units")
    assert "Olsson, Olle" not in outside


def test_a_co_workers_record_is_found_by_name(client, cast, owner):
    # Bob Berg, the nurse, is also a patient; Dr Charlie reads his registry page.
    bob = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, 'Bob', 'Berg', '1980-05-06', 'male') RETURNING id",
        [number("19800506")],
    ).fetchone()["id"]
    login(client, "charlie")
    assert client.get(f"/patients/{bob}").status_code == 200
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "adam")
    page = client.get("/admin/audit/reports")
    coworkers = _section(page.text, "coworkers")
    assert "Dr Charlie Carlsson" in coworkers
    assert "Berg, Bob" in coworkers
    assert "no personal identity number" in coworkers


def test_a_patient_sharing_the_readers_surname_is_listed(client, cast, owner):
    # Dr Charlie Carlsson reads the record of Karin Carlsson (accents and case ignored).
    karin = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, 'Karin', 'CARLSSON', '1955-01-02', 'female') RETURNING id",
        [number("19550102")],
    ).fetchone()["id"]
    login(client, "charlie")
    assert client.get(f"/patients/{karin}").status_code == 200
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, "adam")
    surname = _section(client.get("/admin/audit/reports").text, "same-surname")
    assert "Dr Charlie Carlsson" in surname
    assert "CARLSSON, Karin" in surname
    assert "Gustafsson" not in surname


def test_a_period_before_the_reads_reports_nothing(client, cast, emergency, adam):
    page = client.get("/admin/audit/reports", params={"from": "2001-01-01", "to": "2001-01-31"})
    assert "Olsson, Olle" not in page.text
    assert page.text.count("Nothing to report in this period.") == 3
