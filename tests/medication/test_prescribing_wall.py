"""Prescriptions against plain SQL from the app's role: who prescribes is the
verified user, versions are never overwritten, changes follow the rules, and
no warning is passed over without a reason."""

import pytest

from tests.db.expect import refused
from tests.journal import given
from tests.medication.conftest import change, prescribe


@pytest.fixture()
def alice(acting_as, cast):
    return acting_as(cast.alice)


def test_a_doctor_in_care_prescribes_and_the_database_keeps_the_header(alice, owner, cast, drugs):
    row = prescribe(alice, cast, drugs["Paracetamol tablet"])
    assert (row["version_no"], row["status"], row["written_by"]) == (1, "active", cast.alice)
    head = owner.execute(
        "SELECT patient_id, drug_id, prescribed_by, current_version_id, status, review_state "
        "FROM prescription WHERE id = %s",
        [row["prescription_id"]],
    ).fetchone()
    assert head == {
        "patient_id": cast.greta_patient, "drug_id": drugs["Paracetamol tablet"], "prescribed_by": cast.alice,
        "current_version_id": row["id"], "status": "active", "review_state": "pending",
    }  # fmt: skip


def test_the_prescriber_cannot_be_named_by_the_writer(alice, cast, drugs):
    refused(
        alice,
        "INSERT INTO prescription_version (patient_id, drug_id, change, care_unit_id, dose, dose_unit, route, "
        "schedule, times_of_day, starts_at, written_by) VALUES (%s, %s, 'prescribed', %s, 500, 'mg', 'oral', "
        "'times', '{08:00}', now(), %s)",
        [cast.greta_patient, drugs["Paracetamol tablet"], cast.unit_med, cast.charlie],
        sqlstate="42501",
    )


def test_a_nurse_does_not_prescribe(acting_as, cast, drugs):
    with pytest.raises(Exception) as caught:
        prescribe(acting_as(cast.bob), cast, drugs["Paracetamol tablet"])
    assert caught.value.diag.constraint_name == "prescription_version_by_doctor"


def test_a_doctor_without_care_does_not_prescribe(acting_as, owner, cast, drugs):
    charlie = acting_as(cast.charlie)
    with pytest.raises(Exception) as caught:
        prescribe(charlie, cast, drugs["Paracetamol tablet"], care_unit_id=cast.unit_surg)
    assert caught.value.sqlstate == "42501"
    assert owner.execute("SELECT count(*) AS n FROM prescription").fetchone()["n"] == 0


def test_a_doctor_prescribes_only_from_their_own_unit(alice, cast, drugs):
    with pytest.raises(Exception) as caught:
        prescribe(alice, cast, drugs["Paracetamol tablet"], care_unit_id=cast.unit_surg)
    assert caught.value.diag.constraint_name == "prescription_version_own_unit"


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"dose": 0}, "prescription_version_dose_positive"),
        ({"dose": -5}, "prescription_version_dose_positive"),
        ({"dose_unit": "ml"}, "prescription_version_unit_of_drug"),
        ({"route": "iv"}, "prescription_version_route_of_drug"),
        ({"ends_at": "2020-01-01"}, "prescription_version_period_ordered"),
        ({"schedule": "as_needed"}, "prescription_version_schedule_shape"),
        ({"times_of_day": []}, "prescription_version_times_count"),
    ],
)
def test_a_malformed_prescription_is_refused_whole(alice, owner, cast, drugs, values, constraint):
    with pytest.raises(Exception) as caught:
        prescribe(alice, cast, drugs["Paracetamol tablet"], **values)
    assert caught.value.diag.constraint_name == constraint
    assert owner.execute("SELECT count(*) AS n FROM prescription").fetchone()["n"] == 0


def test_an_unknown_unit_is_refused(alice, cast, drugs):
    with pytest.raises(Exception) as caught:
        prescribe(alice, cast, drugs["Paracetamol tablet"], dose_unit="mgs")
    assert caught.value.sqlstate == "22P02"


def test_a_retired_drug_is_not_prescribed(alice, owner, cast, drugs):
    owner.execute("UPDATE drug SET retired_at = now() WHERE id = %s", [drugs["Naproxen tablet"]])
    with pytest.raises(Exception) as caught:
        prescribe(alice, cast, drugs["Naproxen tablet"], dose=250)
    assert caught.value.diag.constraint_name == "prescription_version_drug_current"
    owner.execute("UPDATE drug SET retired_at = NULL WHERE id = %s", [drugs["Naproxen tablet"]])


def test_versions_and_the_header_are_never_rewritten(alice, owner, cast, drugs):
    row = prescribe(alice, cast, drugs["Paracetamol tablet"])
    refused(alice, "UPDATE prescription_version SET dose = 5000 WHERE id = %s", [row["id"]], sqlstate="42501")
    refused(alice, "DELETE FROM prescription_version WHERE id = %s", [row["id"]], sqlstate="42501")
    refused(alice, "UPDATE prescription SET status = 'discontinued'", sqlstate="42501")
    refused(alice, "DELETE FROM prescription", sqlstate="42501")
    # Not even the owner by mistake.
    refused(
        owner, "UPDATE prescription_version SET dose = 5000", constraint="prescription_version_never_changed"
    )


def test_a_change_is_a_new_version_and_the_old_one_stays(alice, owner, cast, drugs):
    first = prescribe(alice, cast, drugs["Paracetamol tablet"])
    second = change(
        alice,
        cast,
        first,
        first["id"],
        "changed",
        dose=1000,
        dose_unit="mg",
        route="oral",
        schedule="times",
        times_of_day=["08:00", "14:00", "20:00"],
        starts_at="now",
    )
    assert (second["version_no"], second["status"]) == (2, "active")
    doses = owner.execute(
        "SELECT version_no, dose FROM prescription_version WHERE prescription_id = %s ORDER BY version_no",
        [first["prescription_id"]],
    ).fetchall()
    assert [(d["version_no"], int(d["dose"])) for d in doses] == [(1, 500), (2, 1000)]


def test_a_change_against_an_old_version_is_refused(alice, cast, drugs):
    first = prescribe(alice, cast, drugs["Paracetamol tablet"])
    change(alice, cast, first, first["id"], "paused", reason="Fasting before surgery")
    with pytest.raises(Exception) as caught:
        change(alice, cast, first, first["id"], "discontinued", reason="No longer needed")
    assert caught.value.diag.constraint_name == "prescription_version_based_on_current"


def test_pause_resume_and_discontinue_follow_the_rules(alice, owner, cast, drugs):
    first = prescribe(alice, cast, drugs["Paracetamol tablet"])
    with pytest.raises(Exception) as caught:
        change(alice, cast, first, first["id"], "paused")
    assert caught.value.diag.constraint_name == "prescription_version_stop_has_reason"
    paused = change(alice, cast, first, first["id"], "paused", reason="Fasting before surgery")
    with pytest.raises(Exception) as caught:
        change(alice, cast, first, paused["id"], "paused", reason="Again")
    assert caught.value.diag.constraint_name == "prescription_version_transition"
    resumed = change(alice, cast, first, paused["id"], "resumed")
    ended = change(alice, cast, first, resumed["id"], "discontinued", reason="Pain resolved")
    with pytest.raises(Exception) as caught:
        change(alice, cast, first, ended["id"], "resumed")
    assert caught.value.diag.constraint_name == "prescription_version_transition"
    status = owner.execute(
        "SELECT status FROM prescription WHERE id = %s", [first["prescription_id"]]
    ).fetchone()
    assert status["status"] == "discontinued"
    # A pause copies the dosing it pauses.
    copied = owner.execute(
        "SELECT dose, times_of_day FROM prescription_version WHERE id = %s", [paused["id"]]
    )
    assert int(copied.fetchone()["dose"]) == 500


def test_the_indication_is_one_of_the_patients_own_diagnoses(alice, owner, cast, drugs):
    mine = given.clinical(owner, cast, "diagnosis")
    prescribe(alice, cast, drugs["Paracetamol tablet"], indication_id=mine)
    other_patient = given.patient(owner)
    theirs = given.clinical(owner, cast, "diagnosis", patient_id=other_patient)
    with pytest.raises(Exception) as caught:
        prescribe(
            alice, cast, drugs["Warfarin tablet"], dose=5, indication_id=theirs, override_reason="Known"
        )
    assert caught.value.diag.constraint_name == "prescription_version_indication_fk"


def test_nobody_writes_a_warning_or_the_header_by_hand(alice, cast, drugs):
    row = prescribe(alice, cast, drugs["Paracetamol tablet"])
    refused(
        alice,
        "INSERT INTO prescription_warning (prescription_id, patient_id, version_id, kind, severity, subject, "
        "detail_en, detail_sv, override_reason, overridden_by) VALUES (%s, %s, %s, 'dose', 'major', 'x', 'x', "
        "'x', 'Because I say so', %s)",
        [row["prescription_id"], cast.greta_patient, row["id"], cast.alice],
        sqlstate="42501",
    )
    refused(
        alice,
        "INSERT INTO prescription (patient_id, drug_id, care_unit_id, prescribed_by) VALUES (%s, %s, %s, %s)",
        [cast.greta_patient, drugs["Paracetamol tablet"], cast.unit_med, cast.alice],
        sqlstate="42501",
    )
