"""The allergy banner stands on every page about a patient, for those who
treat or dispense, with the blocked marker when a block hides entries."""

import pytest

from tests.conftest import login
from tests.journal import given

PAGES = [
    "journal",
    "journal/notes/new",
    "journal/vitals",
    "journal/diagnoses",
    "journal/diagnoses/new",
    "journal/allergies/new",
    "journal/procedures/new",
    "journal/history/new",
    "journal/care-plans/new",
    "journal/encounters/new",
    "journal/print",
    "medication",
    "medication/new",
    "",  # the registry page
]


@pytest.fixture()
def penicillin(owner, cast) -> None:
    given.clinical(owner, cast, "allergy")


@pytest.mark.parametrize("path", PAGES)
def test_the_banner_names_the_allergy_on_every_page(client, cast, penicillin, path):
    login(client, "alice")
    client.cookies.set("hms_lang", "en")
    page = client.get(f"/patients/{cast.greta_patient}/{path}".rstrip("/"))
    assert page.status_code == 200, path
    banner = page.text.split('id="allergy-banner"', 1)[1].split("</div>", 1)[0]
    assert "has-allergies" in page.text.split('id="allergy-banner"', 1)[0][-80:]
    assert "Penicillin" in banner


def test_a_page_with_its_own_audit_row_adds_none_for_the_banner(client, cast, penicillin, owner):
    login(client, "alice")
    client.get(f"/patients/{cast.greta_patient}/journal/vitals")
    rows = owner.execute(
        "SELECT action FROM audit_log WHERE user_id = %s AND patient_id = %s",
        [cast.alice, cast.greta_patient],
    ).fetchall()
    assert [r["action"] for r in rows] == ["vitals.read"]


def test_reception_gets_no_banner(client, cast, penicillin):
    login(client, "rita")
    page = client.get(f"/patients/{cast.greta_patient}")
    assert page.status_code == 200
    assert 'id="allergy-banner"' not in page.text


def test_a_block_shows_its_marker_in_the_banner(client, cast, owner, acting_as):
    # given an allergy recorded by the surgical ward, which Greta blocks from the medical ward
    given.clinical(owner, cast, "allergy", care_unit_id=cast.unit_surg, recorded_by=cast.charlie)
    owner.execute(
        "INSERT INTO journal_block (patient_id, care_unit_id, created_by) VALUES (%s, %s, %s)",
        [cast.greta_patient, cast.unit_surg, cast.greta],
    )
    login(client, "alice")
    client.cookies.set("hms_lang", "en")
    page = client.get(f"/patients/{cast.greta_patient}/journal/notes/new")
    banner = page.text.split('id="allergy-banner"', 1)[1].split("</div>", 1)[0]
    assert "Some information is blocked by the patient." in banner
    assert "Penicillin" not in banner
