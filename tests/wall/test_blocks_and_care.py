"""Blocks (spärr) hold on every access basis but the patient's own and
emergency access; care relationships are made only by those entitled, in
their own units; and an encounter opened under emergency access gives care
only while that access lasts."""

import pytest

from tests.access.conftest import block_medicine, grant_sven
from tests.db.expect import refused
from tests.wall.conftest import NOTHING, journal_rows


@pytest.fixture()
def blocked(owner, cast, greta_journal) -> dict[str, int]:
    """Greta has blocked the medical ward, which wrote her whole journal."""
    block_medicine(owner, cast)
    return greta_journal


def open_consultation(owner, cast) -> None:
    owner.execute(
        "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts) "
        "VALUES (%s, %s, %s, %s, 'Atrial fibrillation: anticoagulate now or later?', "
        "'{summary,notes,diagnoses,vitals,medication}')",
        [cast.greta_patient, cast.unit_med, cast.alice, cast.erik],
    )


def test_a_pharmacist_does_not_see_a_blocked_units_allergy_entry(app_as, cast, blocked):
    petra = app_as(cast.petra)
    assert petra.execute("SELECT count(*) AS n FROM allergy").fetchone()["n"] == 0


def test_a_pharmacist_sees_the_allergy_without_a_block(app_as, cast, greta_journal):
    petra = app_as(cast.petra)
    assert petra.execute("SELECT count(*) AS n FROM allergy").fetchone()["n"] == 1


def test_an_outside_specialist_does_not_see_a_blocked_units_entries(app_as, owner, cast, blocked):
    open_consultation(owner, cast)
    assert journal_rows(app_as(cast.erik), cast.greta_patient) == NOTHING


def test_a_relative_does_not_see_a_blocked_units_entries(app_as, owner, cast, blocked):
    grant_sven(owner, cast)
    assert journal_rows(app_as(cast.sven), cast.greta_patient) == NOTHING


def test_the_patient_herself_still_sees_everything(app_as, cast, blocked):
    assert journal_rows(app_as(cast.greta), cast.greta_patient) == {
        "notes": 1, "versions": 1, "diagnoses": 1, "allergies": 1,
    }  # fmt: skip


def test_the_blocked_units_own_staff_still_see_their_entries(app_as, cast, blocked):
    assert journal_rows(app_as(cast.alice), cast.greta_patient)["notes"] == 1


def test_emergency_access_passes_the_block(app_as, owner, cast, blocked):
    owner.execute(
        "INSERT INTO emergency_access (user_id, patient_id, reason) VALUES (%s, %s, %s)",
        [cast.charlie, cast.greta_patient, "Unconscious in the emergency room, needs history"],
    )
    assert journal_rows(app_as(cast.charlie), cast.greta_patient)["notes"] == 1


def test_a_clinician_who_cannot_see_blocked_entries_is_told_so(app_as, owner, cast, blocked):
    from tests.access.conftest import surgical_care

    surgical_care(owner, cast)
    charlie = app_as(cast.charlie)
    assert journal_rows(charlie, cast.greta_patient) == NOTHING
    assert charlie.execute("SELECT hms_blocked_for_me(%s) AS b", [cast.greta_patient]).fetchone()["b"] is True
    alice = app_as(cast.alice)
    assert alice.execute("SELECT hms_blocked_for_me(%s) AS b", [cast.greta_patient]).fetchone()["b"] is False


# Care relationships ---------------------------------------------------------


def test_charlie_cannot_place_greta_in_another_units_care(app_as, cast):
    charlie = app_as(cast.charlie)
    refused(
        charlie,
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now(), NULL), 'Uppföljning', %s)",
        [cast.greta_patient, cast.unit_med, cast.charlie],
        sqlstate="42501",
    )


def test_charlie_cannot_open_an_encounter_on_another_unit(app_as, owner, cast):
    from tests.access.conftest import surgical_care

    surgical_care(owner, cast)
    refused(
        app_as(cast.charlie),
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by) "
        "VALUES (%s, %s, 'outpatient', 'Kontroll', %s)",
        [cast.greta_patient, cast.unit_med, cast.charlie],
        sqlstate="42501",
    )


def test_charlie_cannot_open_an_encounter_for_a_patient_out_of_his_reach(app_as, cast):
    """Opening an encounter needs the patient within reach (care or emergency):
    otherwise it would itself be the way in."""
    refused(
        app_as(cast.charlie),
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by) "
        "VALUES (%s, %s, 'outpatient', 'Kontroll', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
        sqlstate="42501",
    )


def test_an_encounter_opened_under_emergency_access_gives_care_only_while_it_lasts(app_as, owner, cast):
    access = owner.execute(
        "INSERT INTO emergency_access (user_id, patient_id, reason) VALUES (%s, %s, %s) RETURNING id",
        [cast.charlie, cast.greta_patient, "Unconscious in the emergency room, needs history"],
    ).fetchone()["id"]
    charlie = app_as(cast.charlie)
    encounter = charlie.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by) "
        "VALUES (%s, %s, 'emergency', 'Medvetslös', %s) RETURNING id, emergency_access_id",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    ).fetchone()
    assert encounter["emergency_access_id"] == access
    # when the four hours are over (moved back behind the record guard's back)
    owner.execute("ALTER TABLE emergency_access DISABLE TRIGGER emergency_access_guard")
    owner.execute(
        "UPDATE emergency_access SET starts_at = now() - interval '5 hours', "
        "expires_at = now() - interval '1 hour' WHERE id = %s",
        [access],
    )
    owner.execute("ALTER TABLE emergency_access ENABLE TRIGGER emergency_access_guard")
    # then neither Charlie nor anyone else on surgery has Greta in care through it
    assert (
        charlie.execute("SELECT hms_access_basis(%s, 'clinical') AS b", [cast.greta_patient]).fetchone()["b"]
        is None
    )


def test_an_encounter_opened_in_care_is_not_marked_as_emergency(app_as, cast):
    alice = app_as(cast.alice)
    row = alice.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by, emergency_access_id) "
        "VALUES (%s, %s, 'outpatient', 'Kontroll', %s, NULL) RETURNING emergency_access_id",
        [cast.greta_patient, cast.unit_med, cast.alice],
    ).fetchone()
    assert row["emergency_access_id"] is None


def test_unit_membership_is_changed_only_by_administrators(app_as, owner, cast):
    refused(
        app_as(cast.rita), "SELECT account_set_units(%s, %s)", [cast.rita, [cast.unit_surg]], sqlstate="42501"
    )
    app_as(cast.adam).execute("SELECT account_set_units(%s, %s)", [cast.rita, [cast.unit_surg]])
    units = owner.execute(
        "SELECT care_unit_id FROM staff_care_unit WHERE user_id = %s", [cast.rita]
    ).fetchall()
    assert [u["care_unit_id"] for u in units] == [cast.unit_surg]


@pytest.mark.parametrize("table", ["department", "care_unit", "ward", "room", "bed"])
def test_only_administrators_change_the_organisation(app_as, cast, table):
    from tests.journal.refusal import refused_or_unseen

    column = {"department": "name", "care_unit": "name", "ward": "name", "room": "name", "bed": "label"}[
        table
    ]
    refused_or_unseen(app_as(cast.alice), f"UPDATE {table} SET {column} = {column} || ' x'", [], "42501")
