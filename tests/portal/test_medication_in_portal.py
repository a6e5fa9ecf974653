"""Greta reads her medication list in the portal; Sven reads it with a grant
of the medication scope alone, which shows him nothing else of her record;
without a grant he gets nothing."""

import pytest

from tests.access.conftest import grant_sven
from tests.medication.conftest import given_prescription


@pytest.fixture()
def paracetamol(owner, cast) -> int:
    return given_prescription(owner, cast)


def test_greta_reads_her_own_medication(browser, cast, paracetamol):
    page = browser("greta").get("/my/medication")
    assert page.status_code == 200 and "Paracetamol" in page.text and "Dr Alice Andersson" in page.text


def grant_medication_only(owner, cast) -> None:
    owner.execute(
        "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, basis, granted_by) "
        "VALUES (%s, %s, '{medication}', 'patient_portal', %s)",
        [cast.greta_patient, cast.sven, cast.greta],
    )


def test_sven_with_the_medication_scope_reads_the_list_and_not_the_record(browser, owner, cast, paracetamol):
    grant_medication_only(owner, cast)
    sven = browser("sven")
    assert "Paracetamol" in sven.get(f"/my/patients/{cast.greta_patient}/medication").text
    assert sven.get(f"/my/patients/{cast.greta_patient}").status_code == 404
    assert f"/my/patients/{cast.greta_patient}/medication" in sven.get("/my").text


def test_sven_with_the_record_scope_reads_it_too(browser, owner, cast, paracetamol):
    grant_sven(owner, cast)
    assert browser("sven").get(f"/my/patients/{cast.greta_patient}/medication").status_code == 200


def test_without_a_grant_sven_reads_nothing_and_is_logged(browser, owner, cast, paracetamol):
    response = browser("sven").get(f"/my/patients/{cast.greta_patient}/medication")
    assert response.status_code == 404 and "Paracetamol" not in response.text
    refused = owner.execute(
        "SELECT count(*) AS n FROM audit_log WHERE user_id = %s AND outcome = 'refused'", [cast.sven]
    ).fetchone()["n"]
    assert refused == 1
