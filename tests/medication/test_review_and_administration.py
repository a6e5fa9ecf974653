"""The pharmacist's review and the administration record, against plain SQL:
reviews follow their states and name the verified reviewer; doses are
recorded by the verified user, once per scheduled time, and never more
as-needed doses than the day allows."""

import pytest

from tests.db.expect import refused
from tests.journal import given
from tests.medication.conftest import change, prescribe


@pytest.fixture()
def alice(acting_as, cast):
    return acting_as(cast.alice)


@pytest.fixture()
def paracetamol(alice, cast, drugs) -> dict:
    return prescribe(alice, cast, drugs["Paracetamol tablet"])


def review(conn, row: dict, outcome: str, message: str | None = None):
    return conn.execute(
        "INSERT INTO prescription_review (prescription_id, version_id, outcome, message) "
        "VALUES (%s, %s, %s, %s) RETURNING reviewed_by",
        [row["prescription_id"], row["id"], outcome, message],
    ).fetchone()


def state(owner, row: dict) -> str:
    return owner.execute(
        "SELECT review_state FROM prescription WHERE id = %s", [row["prescription_id"]]
    ).fetchone()["review_state"]


def test_a_pharmacist_approves_in_their_own_name(acting_as, owner, cast, paracetamol):
    assert review(acting_as(cast.petra), paracetamol, "approved")["reviewed_by"] == cast.petra
    assert state(owner, paracetamol) == "approved"


def test_a_query_goes_to_the_prescriber_and_their_answer_back(acting_as, alice, owner, cast, paracetamol):
    petra = acting_as(cast.petra)
    review(petra, paracetamol, "queried", "Weight 41 kg: 1 g four times a day?")
    assert state(owner, paracetamol) == "queried"
    review(alice, paracetamol, "answered", "Yes, checked with the patient's weight.")
    assert state(owner, paracetamol) == "answered"
    review(petra, paracetamol, "approved")
    assert state(owner, paracetamol) == "approved"


def test_only_a_pharmacist_approves(acting_as, alice, cast, paracetamol):
    for who in (alice, acting_as(cast.bob)):
        with pytest.raises(Exception) as caught:
            review(who, paracetamol, "approved")
        assert caught.value.diag.constraint_name == "prescription_review_transition"


def test_a_query_needs_a_message(acting_as, cast, paracetamol):
    with pytest.raises(Exception) as caught:
        review(acting_as(cast.petra), paracetamol, "queried")
    assert caught.value.diag.constraint_name == "prescription_review_query_has_message"


def test_a_review_of_an_old_version_is_refused(acting_as, alice, cast, paracetamol):
    change(alice, cast, paracetamol, paracetamol["id"], "paused", reason="Fasting")
    with pytest.raises(Exception) as caught:
        review(acting_as(cast.petra), paracetamol, "approved")
    assert caught.value.diag.constraint_name == "prescription_review_of_current"


def test_a_change_sends_the_prescription_back_for_review(acting_as, alice, owner, cast, paracetamol):
    review(acting_as(cast.petra), paracetamol, "approved")
    change(
        alice,
        cast,
        paracetamol,
        paracetamol["id"],
        "changed",
        dose=1000,
        dose_unit="mg",
        route="oral",
        schedule="times",
        times_of_day=["08:00", "20:00"],
        starts_at="now",
    )
    assert state(owner, paracetamol) == "pending"


def give(conn, cast, row: dict, **values):
    record = {
        "prescription_id": row["prescription_id"], "care_unit_id": cast.unit_med, "outcome": "given",
        "administered_at": "now", "dose": 500, "dose_unit": "mg",
    } | values  # fmt: skip
    columns = ", ".join(record)
    marks = ", ".join(f"%({k})s" for k in record)
    return conn.execute(
        f"INSERT INTO medication_administration ({columns}) VALUES ({marks}) "  # noqa: S608 - fixed names
        "RETURNING id, recorded_by, version_id, patient_id",
        record,
    ).fetchone()


def test_a_nurse_records_a_scheduled_dose_in_her_own_name(acting_as, cast, paracetamol):
    row = give(acting_as(cast.bob), cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm")
    assert (row["recorded_by"], row["version_id"], row["patient_id"]) == (
        cast.bob,
        paracetamol["id"],
        cast.greta_patient,
    )


def test_a_scheduled_dose_is_recorded_once(acting_as, cast, paracetamol):
    bob = acting_as(cast.bob)
    give(bob, cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm")
    with pytest.raises(Exception) as caught:
        give(bob, cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm")
    assert caught.value.diag.constraint_name == "medication_administration_once_per_dose"


def test_a_dose_not_given_says_why(acting_as, cast, paracetamol):
    with pytest.raises(Exception) as caught:
        give(acting_as(cast.bob), cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm",
             outcome="refused", dose=None, dose_unit=None)  # fmt: skip
    assert caught.value.diag.constraint_name == "medication_administration_not_given_has_note"


def test_as_needed_doses_stop_at_the_days_maximum(acting_as, alice, cast, drugs):
    prn = prescribe(alice, cast, drugs["Paracetamol tablet"], schedule="as_needed", times_of_day=None,
                    max_doses_per_day=2)  # fmt: skip
    bob = acting_as(cast.bob)
    give(bob, cast, prn)
    give(bob, cast, prn)
    with pytest.raises(Exception) as caught:
        give(bob, cast, prn)
    assert caught.value.diag.constraint_name == "medication_administration_prn_max"


def test_no_dose_is_given_on_a_paused_prescription(acting_as, alice, cast, paracetamol):
    change(alice, cast, paracetamol, paracetamol["id"], "paused", reason="Fasting")
    with pytest.raises(Exception) as caught:
        give(acting_as(cast.bob), cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm")
    assert caught.value.diag.constraint_name == "medication_administration_prescription_active"


def test_staff_outside_the_care_relationship_record_nothing(acting_as, owner, cast, paracetamol):
    with pytest.raises(Exception) as caught:
        give(acting_as(cast.charlie), cast, paracetamol, care_unit_id=cast.unit_surg,
             scheduled_for="today 08:00 Europe/Stockholm")  # fmt: skip
    # Told only that there is no such prescription: nothing of its drug or doses.
    assert caught.value.diag.constraint_name == "medication_administration_prescription_fk"


def test_a_recorded_dose_is_only_ever_marked_in_error(acting_as, cast, paracetamol):
    bob = acting_as(cast.bob)
    row = give(bob, cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm")
    refused(
        bob, "UPDATE medication_administration SET dose = 1000 WHERE id = %s", [row["id"]], sqlstate="42501"
    )
    refused(bob, "DELETE FROM medication_administration WHERE id = %s", [row["id"]], sqlstate="42501")
    bob.execute(
        "UPDATE medication_administration SET entered_in_error_at = now(), "
        "entered_in_error_reason = 'Recorded on the wrong patient' WHERE id = %s",
        [row["id"]],
    )
    give(bob, cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm")


def test_the_mar_lists_the_wards_doses_from_the_schedule(acting_as, owner, cast, paracetamol):
    given.admit(owner, cast)
    bob = acting_as(cast.bob)
    give(bob, cast, paracetamol, scheduled_for="tomorrow 08:00 Europe/Stockholm")
    doses = bob.execute(
        "SELECT scheduled_for, outcome FROM mar_doses(%s, 'tomorrow 00:00 Europe/Stockholm', "
        "'tomorrow 23:59 Europe/Stockholm')",
        [cast.unit_med],
    ).fetchall()
    assert [d["outcome"] for d in doses] == ["given", None]
    assert (
        acting_as(cast.charlie)
        .execute("SELECT count(*) AS n FROM mar_doses(%s, now(), now() + interval '2 days')", [cast.unit_med])
        .fetchone()["n"]
        == 0
    )


def test_a_relative_with_the_medication_scope_sees_the_list_and_no_more(acting_as, owner, cast, paracetamol):
    owner.execute(
        "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, basis, granted_by) "
        "VALUES (%s, %s, '{medication}', 'patient_portal', %s)",
        [cast.greta_patient, cast.sven, cast.greta],
    )
    sven = acting_as(cast.sven)
    assert sven.execute("SELECT count(*) AS n FROM prescription").fetchone()["n"] == 1
    assert sven.execute("SELECT count(*) AS n FROM diagnosis").fetchone()["n"] == 0


def test_a_pharmacist_does_not_prescribe(acting_as, cast, drugs):
    with pytest.raises(Exception) as caught:
        prescribe(acting_as(cast.petra), cast, drugs["Paracetamol tablet"])
    assert caught.value.diag.constraint_name == "prescription_version_by_doctor"


def test_only_the_recorder_marks_a_dose_in_error(acting_as, owner, cast, paracetamol):
    row = give(acting_as(cast.bob), cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm")
    marked = acting_as(cast.alice).execute(
        "UPDATE medication_administration SET entered_in_error_at = now(), "
        "entered_in_error_reason = 'Not mine to mark' WHERE id = %s",
        [row["id"]],
    )
    assert marked.rowcount == 0
    assert (
        owner.execute("SELECT entered_in_error_at FROM medication_administration").fetchone()[
            "entered_in_error_at"
        ]
        is None
    )


def test_a_relative_records_no_dose(acting_as, owner, cast, paracetamol):
    from tests.access.conftest import grant_sven

    grant_sven(owner, cast)
    with pytest.raises(Exception) as caught:
        give(acting_as(cast.sven), cast, paracetamol, scheduled_for="today 08:00 Europe/Stockholm")
    assert caught.value.sqlstate in ("42501", "HM079")


def test_outside_care_nothing_of_the_medication_shows(acting_as, alice, cast, drugs):
    prescribe(alice, cast, drugs["Warfarin tablet"], dose=5)
    prescribe(alice, cast, drugs["Ibuprofen tablet"], dose=400, override_reason="Three days, INR Friday")
    charlie = acting_as(cast.charlie)
    for table in ("prescription", "prescription_version", "prescription_warning", "prescription_review"):
        assert charlie.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"] == 0, table  # noqa: S608
    found = charlie.execute(
        "SELECT count(*) AS n FROM medication_check(%s, %s, 400, 'mg', 3)",
        [cast.greta_patient, drugs["Ibuprofen tablet"]],
    ).fetchone()["n"]
    assert found == 0  # the check reveals no drug of a patient he does not reach


def test_the_app_role_without_a_session_sees_and_writes_nothing(app_conn, alice, cast, drugs):
    prescribe(alice, cast, drugs["Paracetamol tablet"])
    assert app_conn.execute("SELECT count(*) AS n FROM prescription").fetchone()["n"] == 0
    with pytest.raises(Exception) as caught:
        prescribe(app_conn, cast, drugs["Paracetamol tablet"])
    assert caught.value.diag.constraint_name == "prescription_version_by_doctor"
