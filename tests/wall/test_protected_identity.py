"""A protected identity's address and phone are hidden by the database: the
app's role cannot read them from the patient table at all, and the directory
shows them only to a clinician with a care need and to the patient."""

import pytest

from tests.db.expect import refused


@pytest.fixture()
def protected(owner, cast) -> int:
    owner.execute(
        "UPDATE patient SET protected_identity = true, street_address = 'Hemlig väg 1', phone = '070-999 99 99' "
        "WHERE id = %s",
        [cast.greta_patient],
    )
    return cast.greta_patient


def contact(conn, patient_id: int) -> dict:
    return conn.execute(
        "SELECT street_address, phone FROM patient_directory WHERE id = %s", [patient_id]
    ).fetchone()


def test_the_app_role_cannot_read_contact_details_from_the_patient_table(app_as, cast, protected):
    for who in (cast.rita, cast.alice, cast.greta):
        refused(app_as(who), "SELECT street_address, phone FROM patient", sqlstate="42501")


@pytest.mark.parametrize("who", ["rita", "adam", "petra", "charlie"])
def test_without_a_care_need_the_directory_blanks_them(app_as, cast, protected, who):
    row = contact(app_as(cast.ids[who]), protected)
    assert row == {"street_address": None, "phone": None}


@pytest.mark.parametrize("who", ["alice", "bob", "greta"])
def test_with_a_care_need_or_as_the_patient_they_are_shown(app_as, cast, protected, who):
    row = contact(app_as(cast.ids[who]), protected)
    assert row == {"street_address": "Hemlig väg 1", "phone": "070-999 99 99"}


def test_the_directory_shows_nothing_to_nobody(app_conn, protected):
    assert app_conn.execute("SELECT count(*) AS n FROM patient_directory").fetchone()["n"] == 0
