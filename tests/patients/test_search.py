"""Finding a patient: by part of a name whatever its case and accents, with a
small typo, or by personal identity number typed any usual way; every patient
shown or opened is written to the audit log with the acting user."""

import re

import pytest

from tests.conftest import login
from tests.patients.registry import add_patient, audit_rows


@pytest.fixture()
def registry(owner, cast) -> dict[str, int]:
    """Greta Gustafsson (cast) and Lars Gustavsson, both born 1942-02-14, and two more."""
    return {
        "greta": cast.greta_patient,
        "asa": add_patient(owner, "Åsa", "Jönsson", "19850709", serial="980"),
        "sven": add_patient(owner, "Sven", "Svensson", "19700101", sex="male"),
        "lars": add_patient(owner, "Lars", "Gustavsson", "19420214", serial="239", sex="male"),
    }


def found(client, q: str) -> set[int]:
    response = client.get("/patients", params={"q": q})
    assert response.status_code == 200
    return {int(i) for i in re.findall(r'<td><a href="/patients/(\d+)">', response.text)}


@pytest.mark.parametrize("q", ["jonsson", "JÖNSSON", "Jönsson", "jöns", "onsso", "åsa", "ASA JONSSON"])
def test_a_name_is_found_from_any_part_ignoring_case_and_accents(client, rita, registry, q):
    assert found(client, q) == {registry["asa"]}


def test_a_small_typo_still_finds_the_patient(client, rita, registry):
    assert registry["greta"] in found(client, "Gustafson")
    assert registry["sven"] in found(client, "Svenson")


def test_a_name_that_matches_nobody_finds_nobody(client, rita, registry):
    response = client.get("/patients", params={"q": "Zetterqvist"})
    assert "No patient matches" in response.text
    assert found(client, "Zetterqvist") == set()


def test_wildcards_typed_in_the_box_are_just_characters(client, rita, registry):
    assert found(client, "%%") == set()
    assert found(client, "__") == set()


def test_one_letter_is_too_little_to_search(client, rita, registry, owner):
    response = client.get("/patients", params={"q": "s"})
    assert "Type at least two letters" in response.text
    assert audit_rows(owner, "patient.search") == []


@pytest.mark.parametrize(
    "q", ["19420214-2388", "194202142388", "420214-2388", "4202142388", " 19420214-2388 "]
)
def test_a_full_personal_number_finds_exactly_that_patient(client, rita, registry, q):
    assert found(client, q) == {registry["greta"]}


@pytest.mark.parametrize("q", ["19420214", "1942021", "194202", "1942-02"])
def test_the_start_of_a_number_finds_everyone_born_then(client, rita, registry, q):
    assert found(client, q) == {registry["greta"], registry["lars"]}


def test_a_number_prefix_does_not_treat_wildcards_as_wildcards(client, rita, registry):
    assert found(client, "1942%") == set()


def test_results_show_the_number_name_and_birth_date(client, rita, registry):
    text = client.get("/patients", params={"q": "jonsson"}).text
    assert "19850709-9805" in text
    assert "Jönsson, Åsa" in text
    assert "1985-07-09" in text


# --- the audit trail -----------------------------------------------------------------------


def test_every_patient_in_a_search_result_is_audited_with_the_acting_user(
    client, rita, registry, owner, cast
):
    shown = found(client, "gus")
    assert shown == {registry["greta"], registry["lars"]}
    rows = audit_rows(owner, "patient.search")
    assert {r["patient_id"] for r in rows} == shown
    assert {(r["user_id"], r["user_role"], r["outcome"], r["detail"]) for r in rows} == {
        (cast.rita, "receptionist", "allowed", "name")
    }


def test_a_number_search_is_audited_as_such(client, rita, registry, owner):
    found(client, "19420214-2388")
    found(client, "194202")
    assert [r["detail"] for r in audit_rows(owner, "patient.search")] == [
        "number",
        "number_prefix",
        "number_prefix",
    ]


def test_a_search_that_shows_nobody_writes_no_audit_row(client, rita, registry, owner):
    found(client, "Zetterqvist")
    assert audit_rows(owner, "patient.search") == []


def test_opening_a_patient_is_audited_with_the_acting_user(client, cast, registry, owner):
    login(client, "alice")
    response = client.get(f"/patients/{registry['asa']}")
    assert response.status_code == 200
    assert "Jönsson, Åsa" in response.text
    [row] = audit_rows(owner, "patient.read")
    assert row == {
        "user_id": cast.alice,
        "user_role": "doctor",
        "patient_id": registry["asa"],
        "object_type": "patient",
        "object_id": registry["asa"],
        "outcome": "allowed",
        "detail": None,
    }


def test_a_patient_that_does_not_exist_is_a_404(client, rita, registry):
    assert client.get("/patients/999999").status_code == 404


# --- who may search ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["alice", "bob", "rita", "adam", "petra"])
def test_care_staff_reception_and_pharmacy_may_search(client, cast, registry, username):
    login(client, username)
    assert registry["greta"] in found(client, "greta")


@pytest.mark.parametrize("username", ["greta", "sven", "erik"])
def test_patients_relatives_and_external_specialists_may_not_search(client, cast, registry, owner, username):
    login(client, username)
    assert client.get("/patients", params={"q": "greta"}).status_code == 403
    assert client.get("/api/patients", params={"q": "greta"}).status_code == 403
    assert audit_rows(owner, "patient.search") == []
