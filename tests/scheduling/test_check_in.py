"""Check-in starts care. A patient reception has just registered is in nobody's
care; once a receptionist or nurse of the unit checks them in for their
appointment, the encounter is open in that unit and its nurses and doctors
reach the journal, open a visit or admit, without emergency access."""

import pytest

from tests.db.expect import refused
from tests.scheduling.conftest import appointment_now, at, book, new_patient

CHECK_IN = "SELECT appointment_check_in(%s) AS encounter"


def test_check_in_opens_the_encounter_in_the_appointments_unit(app_as, owner, cast, clinic):
    asa = new_patient(owner)
    bob = app_as(cast.bob)
    # before: a registered patient is in nobody's care, so no visit can be opened
    assert bob.execute("SELECT hms_access_basis(%s, 'clinical') AS b", [asa]).fetchone()["b"] is None
    refused(
        bob,
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by) "
        "VALUES (%s, %s, 'outpatient', 'Visit', %s)",
        [asa, cast.unit_med, cast.bob],
        sqlstate="42501",
    )
    appointment = appointment_now(owner, cast, clinic, patient=asa)
    encounter = app_as(cast.rita).execute(CHECK_IN, [appointment]).fetchone()["encounter"]
    row = owner.execute("SELECT * FROM encounter WHERE id = %s", [encounter]).fetchone()
    assert (row["patient_id"], row["care_unit_id"], row["created_by"]) == (asa, cast.unit_med, cast.rita)
    assert row["kind"] == "outpatient" and row["emergency_access_id"] is None
    appt = owner.execute(
        "SELECT status, encounter_id, checked_in_by FROM appointment WHERE id = %s", [appointment]
    ).fetchone()
    assert dict(appt) == {"status": "arrived", "encounter_id": encounter, "checked_in_by": cast.rita}
    # after: the unit's nurse is in care and admits the patient to a bed, no emergency access needed
    assert bob.execute("SELECT hms_access_basis(%s, 'clinical') AS b", [asa]).fetchone()["b"] == "care"
    admission = bob.execute(
        "SELECT encounter_admit(%s, %s, %s, 'Pneumonia, needs IV antibiotics', %s) AS id",
        [asa, cast.unit_med, cast.bed_a, cast.bob],
    ).fetchone()["id"]
    assert (
        owner.execute("SELECT emergency_access_id FROM encounter WHERE id = %s", [admission]).fetchone()[
            "emergency_access_id"
        ]
        is None
    )
    assert owner.execute("SELECT count(*) AS n FROM emergency_access").fetchone()["n"] == 0
    # and surgery still is not in care
    assert (
        app_as(cast.charlie).execute("SELECT hms_access_basis(%s, 'clinical') AS b", [asa]).fetchone()["b"]
        is None
    )


@pytest.mark.parametrize("who", ["alice", "charlie", "petra", "adam", "greta"])
def test_only_a_receptionist_or_nurse_of_the_unit_checks_in(app_as, owner, cast, clinic, who):
    appointment = appointment_now(owner, cast, clinic, patient=cast.greta_patient)
    refused(app_as(getattr(cast, who)), CHECK_IN, [appointment], constraint="appointment_check_in_by_unit")
    assert app_as(cast.bob).execute(CHECK_IN, [appointment]).fetchone()["encounter"]


def test_check_in_is_once_and_on_the_day(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    later = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    refused(rita, CHECK_IN, [later], constraint="appointment_check_in_today")
    today = appointment_now(owner, cast, clinic, patient=new_patient(owner))
    rita.execute(CHECK_IN, [today])
    refused(rita, CHECK_IN, [today], constraint="appointment_check_in_booked")
    refused(
        rita,
        "SELECT appointment_cancel(%s, 'Changed my mind')",
        [today],
        constraint="appointment_change_booked",
    )


def test_a_walk_in_at_the_emergency_department_is_registered_and_checked_in_at_once(
    app_as, owner, cast, clinic
):
    asa = new_patient(owner)
    elin = app_as(clinic.elin)
    appointment = elin.execute("SELECT appointment_walk_in(%s, %s) AS id", [asa, clinic.er_type]).fetchone()[
        "id"
    ]
    row = owner.execute(
        "SELECT a.status, a.walk_in, e.kind, e.care_unit_id, e.created_by FROM appointment AS a "
        "JOIN encounter AS e ON e.id = a.encounter_id WHERE a.id = %s",
        [appointment],
    ).fetchone()
    assert dict(row) == {
        "status": "arrived", "walk_in": True, "kind": "emergency", "care_unit_id": clinic.er_unit,
        "created_by": clinic.elin,
    }  # fmt: skip
    assert elin.execute("SELECT hms_access_basis(%s, 'clinical') AS b", [asa]).fetchone()["b"] == "care"
    # not at a ward's reception, and not by someone of another unit
    refused(
        app_as(cast.rita),
        "SELECT appointment_walk_in(%s, %s)",
        [asa, clinic.visit],
        constraint="appointment_walk_in_emergency",
    )
    refused(
        app_as(cast.bob),
        "SELECT appointment_walk_in(%s, %s)",
        [asa, clinic.er_type],
        constraint="appointment_check_in_by_unit",
    )


def test_a_no_show_is_marked_once_the_time_has_begun(app_as, owner, cast, clinic):
    rita = app_as(cast.rita)
    later = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(2, 10))
    refused(rita, "SELECT appointment_no_show(%s)", [later], constraint="appointment_no_show_after_start")
    begun = appointment_now(owner, cast, clinic, patient=new_patient(owner), minutes_from_now=-5)
    refused(
        app_as(cast.charlie),
        "SELECT appointment_no_show(%s)",
        [begun],
        constraint="appointment_no_show_by_unit",
    )
    app_as(cast.alice).execute("SELECT appointment_no_show(%s)", [begun])
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [begun]).fetchone()["status"]
        == "no_show"
    )
