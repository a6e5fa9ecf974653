"""Forms about a patient preselect the user's care unit that has the patient
in care, not the first of the user's units by name."""

import re

import pytest

from tests.conftest import login


@pytest.fixture()
def dora(owner, cast):
    """Dr Dora works on both wards, and Greta is in the surgical ward's care:
    the medical ward, first of Dora's units by name, is the wrong one."""
    owner.execute(
        "UPDATE care_assignment SET care_unit_id = %s WHERE patient_id = %s",
        [cast.unit_surg, cast.greta_patient],
    )
    user = owner.execute(
        "INSERT INTO app_user (username, role, full_name, password_hash) "
        "SELECT 'dora', 'doctor', 'Dr Dora Dahl', password_hash FROM app_user WHERE username = 'alice' RETURNING id"
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO staff_profile (user_id, role, profession, licence_number) VALUES (%s, 'doctor', 'Physician', 'DOC-1009')",
        [user],
    )
    for unit in (cast.unit_med, cast.unit_surg):
        owner.execute("INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [user, unit])
    return user


def selected_unit(html: str) -> str | None:
    select = html.split('<select id="f-care_unit_id"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="(\d+)" selected>', select)
    return found.group(1) if found else None


@pytest.mark.parametrize(
    "path",
    [
        "journal/diagnoses/new",
        "journal/allergies/new",
        "journal/notes/new",
        "journal/vitals",
        "medication/new",
        "lab/new",
        "radiology/new",
    ],
)
def test_the_unit_in_care_is_preselected(client, cast, dora, path):
    login(client, "dora")
    page = client.get(f"/patients/{cast.greta_patient}/{path}")
    assert page.status_code == 200, path
    assert selected_unit(page.text) == str(cast.unit_surg), path


def test_an_open_encounter_wins_over_an_assignment(client, cast, dora, owner):
    owner.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, created_by) "
        "VALUES (%s, %s, 'outpatient', 'Kontroll', now() - interval '1 hour', %s)",
        [cast.greta_patient, cast.unit_med, cast.alice],
    )
    login(client, "dora")
    page = client.get(f"/patients/{cast.greta_patient}/journal/diagnoses/new")
    assert selected_unit(page.text) == str(cast.unit_med)
