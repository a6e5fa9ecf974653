"""Attacks on laboratory orders and results by someone who holds the app
role's credentials and types plain SQL, acting through a real verified
session of one of the cast (or of nobody). Every test is an attack the
database refuses: a result on another patient's order or test, a forged
flag or writer, an acknowledgement by a doctor outside the ordering unit,
an order by a nurse or by a doctor without the patient in care, a status
moved back, a result changed or deleted."""

import pytest

from tests.db.expect import refused
from tests.journal import given
from tests.lab import conftest as lab
from tests.lab.conftest import HAEMOGLOBIN, POTASSIUM, SODIUM, line, order, result, sample

ASA_IN_CARE = given.ASA
# The lab tests' fixture, used here too.
sampled = lab.sampled


@pytest.fixture()
def asa(owner, cast) -> int:
    """Åsa, a second patient of the medical ward."""
    patient = given.patient(owner, ASA_IN_CARE)
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Uppföljning', %s)",
        [patient, cast.unit_med, cast.alice],
    )
    return patient


def _staff(owner, cast, username: str, role: str, unit: int) -> int:
    """Another member of staff (as the owner, like the cast)."""
    from tests.cast import password_hash

    user = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) VALUES (%s, %s, %s, %s) RETURNING id",
        [username, password_hash(), role, username.capitalize()],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO staff_profile (user_id, role, profession) VALUES (%s, %s, %s)",
        [user, role, role.capitalize()],
    )
    owner.execute("INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [user, unit])
    return user


def _surgery_cares_for_greta(owner, cast) -> None:
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Inför operation', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )


# --- Results belong to their order's patient and test ---------------------------------


def test_a_result_of_one_patient_on_anothers_order_is_refused(acting_as, cast, sampled, asa):
    alice = acting_as(cast.alice)
    # Greta's potassium line, written as Åsa's result
    refused(
        alice,
        "INSERT INTO lab_result (item_id, patient_id, loinc, value) VALUES (%s, %s, %s, 4.0)",
        [sampled["line"]["id"], asa, POTASSIUM],
        constraint="lab_result_line_fk",
    )
    # and a sodium value written on the potassium line
    refused(
        alice,
        "INSERT INTO lab_result (item_id, patient_id, loinc, value) VALUES (%s, %s, %s, 140)",
        [sampled["line"]["id"], cast.greta_patient, SODIUM],
        constraint="lab_result_line_fk",
    )
    assert alice.execute("SELECT count(*) AS n FROM lab_result").fetchone()["n"] == 0


def test_an_acknowledgement_names_its_results_patient(acting_as, cast, sampled, asa):
    alice = acting_as(cast.alice)
    made = result(alice, sampled["line"], 7.1)
    refused(
        alice,
        "INSERT INTO lab_result_ack (result_id, patient_id) VALUES (%s, %s)",
        [made["id"], asa],
        constraint="lab_result_ack_result_fk",
    )


# --- The database computes the flag ----------------------------------------------------


def test_the_flag_and_the_range_cannot_be_written_or_changed(acting_as, owner, cast, sampled):
    alice = acting_as(cast.alice)
    refused(
        alice,
        "INSERT INTO lab_result (item_id, patient_id, loinc, value, flag) VALUES (%s, %s, %s, 7.5, 'normal')",
        [sampled["line"]["id"], cast.greta_patient, POTASSIUM],
        sqlstate="42501",
    )
    refused(
        alice,
        "INSERT INTO lab_result (item_id, patient_id, loinc, value, ref_high) VALUES (%s, %s, %s, 7.5, 10)",
        [sampled["line"]["id"], cast.greta_patient, POTASSIUM],
        sqlstate="42501",
    )
    made = result(alice, sampled["line"], 7.5)
    assert made["flag"] == "critical_high"
    refused(alice, "UPDATE lab_result SET flag = 'normal' WHERE id = %s", [made["id"]], sqlstate="42501")
    # not even the owner rewrites a result
    refused(owner, "UPDATE lab_result SET flag = 'normal' WHERE id = %s", [made["id"]], sqlstate="HM269")


def test_the_writer_is_the_verified_user(acting_as, owner, cast, sampled):
    bob = acting_as(cast.bob)
    refused(
        bob,
        "INSERT INTO lab_result (item_id, patient_id, loinc, value, entered_by) VALUES (%s, %s, %s, 4.0, %s)",
        [sampled["line"]["id"], cast.greta_patient, POTASSIUM, cast.alice],
        sqlstate="42501",
    )
    made = result(bob, sampled["line"], 4.0)
    row = owner.execute("SELECT entered_by, flag FROM lab_result WHERE id = %s", [made["id"]]).fetchone()
    assert row == {"entered_by": cast.bob, "flag": "normal"}


# --- Acknowledgement ---------------------------------------------------------------------


def test_only_the_ordering_doctor_or_a_doctor_of_the_unit_acknowledges(acting_as, owner, cast, sampled):
    made = result(acting_as(cast.bob), sampled["line"], 2.5)
    _surgery_cares_for_greta(owner, cast)
    ack = "INSERT INTO lab_result_ack (result_id, patient_id) VALUES (%s, %s)"
    # Dr Charlie has Greta in care (surgery) but neither ordered nor works on the medical ward
    refused(
        acting_as(cast.charlie),
        ack,
        [made["id"], cast.greta_patient],
        constraint="lab_result_ack_by_ordering_doctor",
    )
    # Nurse Bob is of the unit, but not a doctor
    refused(
        acting_as(cast.bob),
        ack,
        [made["id"], cast.greta_patient],
        constraint="lab_result_ack_by_ordering_doctor",
    )
    # nor may anyone name the acknowledger
    refused(
        acting_as(cast.alice),
        "INSERT INTO lab_result_ack (result_id, patient_id, acknowledged_by) VALUES (%s, %s, %s)",
        [made["id"], cast.greta_patient, cast.charlie],
        sqlstate="42501",
    )
    # Dr Dora of the medical ward, who did not order it, may
    dora = _staff(owner, cast, "dora", "doctor", cast.unit_med)
    acting_as(dora).execute(ack, [made["id"], cast.greta_patient])
    row = owner.execute(
        "SELECT acknowledged_by FROM lab_result_ack WHERE result_id = %s", [made["id"]]
    ).fetchone()
    assert row["acknowledged_by"] == dora
    # once
    refused(acting_as(cast.alice), ack, [made["id"], cast.greta_patient], constraint="lab_result_ack_pkey")
    refused(
        acting_as(dora), "DELETE FROM lab_result_ack WHERE result_id = %s", [made["id"]], sqlstate="42501"
    )


def test_the_ordering_doctor_acknowledges_even_from_another_unit(acting_as, owner, cast):
    # Dr Charlie orders for Greta from surgery (in care there); Dr Alice of the
    # medical ward, in care too, is not of the ordering unit
    _surgery_cares_for_greta(owner, cast)
    order_id = order(acting_as(cast.charlie), cast, unit=cast.unit_surg)
    sara = _staff(owner, cast, "sara", "nurse", cast.unit_surg)
    sample(acting_as(sara), order_id)
    made = result(acting_as(sara), line(owner, order_id, POTASSIUM), 6.9)
    ack = "INSERT INTO lab_result_ack (result_id, patient_id) VALUES (%s, %s)"
    refused(
        acting_as(cast.alice),
        ack,
        [made["id"], cast.greta_patient],
        constraint="lab_result_ack_by_ordering_doctor",
    )
    acting_as(cast.charlie).execute(ack, [made["id"], cast.greta_patient])


# --- Who orders ------------------------------------------------------------------------------


def test_a_nurse_cannot_order(acting_as, cast):
    bob = acting_as(cast.bob)
    with pytest.raises(Exception) as caught:
        order(bob, cast)
    assert caught.value.sqlstate == "HM260"
    refused(
        bob,
        "INSERT INTO lab_order (patient_id, care_unit_id, ordered_by) VALUES (%s, %s, %s)",
        [cast.greta_patient, cast.unit_med, cast.alice],
        sqlstate="42501",
    )
    refused(
        bob,
        "SELECT radiology_order_place(%s, %s, 'xray', 'Thorax', 'Pneumoni?', 'routine')",
        [cast.greta_patient, cast.unit_med],
        constraint="lab_order_by_doctor",
    )


def test_a_doctor_without_the_patient_in_care_cannot_order(acting_as, cast):
    charlie = acting_as(cast.charlie)
    refused(
        charlie,
        "SELECT lab_order_place(%s, %s, 'routine', NULL, %s, '{}')",
        [cast.greta_patient, cast.unit_surg, [POTASSIUM]],
        constraint="lab_order_patient_in_care",
    )
    # nor from a unit that is not his, for a patient of that unit
    refused(
        charlie,
        "SELECT lab_order_place(%s, %s, 'routine', NULL, %s, '{}')",
        [cast.greta_patient, cast.unit_med, [POTASSIUM]],
        constraint="lab_order_own_unit",
    )
    refused(
        charlie,
        "SELECT radiology_order_place(%s, %s, 'ct', 'Buk', 'Appendicit?', 'urgent')",
        [cast.greta_patient, cast.unit_surg],
        constraint="lab_order_patient_in_care",
    )


def test_an_order_names_tests_of_the_catalogue(acting_as, cast):
    alice = acting_as(cast.alice)
    refused(
        alice,
        "SELECT lab_order_place(%s, %s, 'routine', NULL, '{99999-9}', '{}')",
        [cast.greta_patient, cast.unit_med],
        constraint="lab_order_has_tests",
    )
    refused(
        alice,
        "SELECT lab_order_place(%s, %s, 'routine', NULL, '{}', '{}')",
        [cast.greta_patient, cast.unit_med],
        constraint="lab_order_has_tests",
    )


# --- The status moves forward only ---------------------------------------------------------


def test_the_status_cannot_go_backwards(acting_as, owner, cast, sampled):
    order_id = sampled["order"]
    bob, alice = acting_as(cast.bob), acting_as(cast.alice)
    # the app's role changes no order by hand
    refused(bob, "UPDATE lab_order SET status = 'ordered' WHERE id = %s", [order_id], sqlstate="42501")
    # a second sampling would move the sample time
    refused(bob, "SELECT lab_order_sample(%s, now())", [order_id], constraint="lab_order_status_forward")
    # a sampled order is not cancelled
    refused(
        alice, "SELECT lab_order_cancel(%s, 'Fel patient')", [order_id], constraint="lab_order_status_forward"
    )
    result(alice, sampled["line"], 4.0)
    assert (
        owner.execute("SELECT status FROM lab_order WHERE id = %s", [order_id]).fetchone()["status"]
        == "resulted"
    )
    # not even the owner moves it back
    for status in ("sampled", "ordered", "cancelled"):
        refused(owner, "UPDATE lab_order SET status = %s WHERE id = %s", [status, order_id], sqlstate="HM268")
    refused(owner, "DELETE FROM lab_order WHERE id = %s", [order_id], sqlstate="HM268")


def test_only_a_nurse_of_the_ordering_unit_takes_the_sample(acting_as, owner, cast):
    order_id = order(acting_as(cast.alice), cast)
    refused(
        acting_as(cast.alice),
        "SELECT lab_order_sample(%s, now())",
        [order_id],
        constraint="lab_order_sampled_by_unit_nurse",
    )
    _surgery_cares_for_greta(owner, cast)
    sara = _staff(owner, cast, "sara", "nurse", cast.unit_surg)
    refused(
        acting_as(sara),
        "SELECT lab_order_sample(%s, now())",
        [order_id],
        constraint="lab_order_sampled_by_unit_nurse",
    )
    refused(
        acting_as(cast.bob),
        "SELECT lab_order_sample(%s, now() + interval '1 hour')",
        [order_id],
        constraint="lab_order_sampled_at_plausible",
    )
    sample(acting_as(cast.bob), order_id)
    row = owner.execute("SELECT status, sampled_by FROM lab_order WHERE id = %s", [order_id]).fetchone()
    assert row == {"status": "sampled", "sampled_by": cast.bob}


def test_no_result_before_the_sample(acting_as, owner, cast):
    order_id = order(acting_as(cast.alice), cast)
    refused(
        acting_as(cast.alice),
        "INSERT INTO lab_result (item_id, patient_id, loinc, value) VALUES (%s, %s, %s, 4.0)",
        [line(owner, order_id, POTASSIUM)["id"], cast.greta_patient, POTASSIUM],
        constraint="lab_result_after_sampling",
    )


# --- Results are append-only ----------------------------------------------------------------


def test_a_result_cannot_be_updated_or_deleted(acting_as, owner, cast, sampled):
    alice = acting_as(cast.alice)
    made = result(alice, sampled["line"], 4.0)
    refused(alice, "UPDATE lab_result SET value = 5.0 WHERE id = %s", [made["id"]], sqlstate="42501")
    refused(alice, "DELETE FROM lab_result WHERE id = %s", [made["id"]], sqlstate="42501")
    refused(owner, "UPDATE lab_result SET value = 5.0 WHERE id = %s", [made["id"]], sqlstate="HM269")
    refused(owner, "DELETE FROM lab_result WHERE id = %s", [made["id"]], sqlstate="HM269")
    refused(owner, "DELETE FROM lab_order_item WHERE id = %s", [sampled["line"]["id"]], sqlstate="HM269")


def test_a_correction_supersedes_the_current_result_and_both_are_kept(acting_as, owner, cast, sampled):
    alice = acting_as(cast.alice)
    first = result(alice, sampled["line"], 7.2)
    # a second result must say which one it replaces
    refused(
        alice,
        "INSERT INTO lab_result (item_id, patient_id, loinc, value) VALUES (%s, %s, %s, 4.2)",
        [sampled["line"]["id"], cast.greta_patient, POTASSIUM],
        constraint="lab_result_supersedes_current",
    )
    second = result(alice, sampled["line"], 4.2, supersedes=first["id"])
    # and only the current one
    refused(
        alice,
        "INSERT INTO lab_result (item_id, patient_id, loinc, value, supersedes) VALUES (%s, %s, %s, 4.3, %s)",
        [sampled["line"]["id"], cast.greta_patient, POTASSIUM, first["id"]],
        constraint="lab_result_supersedes_current",
    )
    kept = owner.execute("SELECT id, flag FROM lab_result ORDER BY id").fetchall()
    assert kept == [{"id": first["id"], "flag": "critical_high"}, {"id": second["id"], "flag": "normal"}]


# --- Who reads ---------------------------------------------------------------------------------


def test_only_those_with_the_patients_clinical_area_read_lab_rows(acting_as, app_conn, cast, sampled):
    result(acting_as(cast.alice), sampled["line"], 4.0)
    tables = ("lab_order", "lab_order_item", "lab_result")
    count = " + ".join(f"(SELECT count(*) FROM {t})" for t in tables)
    assert acting_as(cast.alice).execute(f"SELECT {count} AS n").fetchone()["n"] == 3
    for outsider in (cast.charlie, cast.petra, cast.rita, cast.erik, cast.sven):
        assert acting_as(outsider).execute(f"SELECT {count} AS n").fetchone()["n"] == 0, outsider
    assert app_conn.execute(f"SELECT {count} AS n").fetchone()["n"] == 0


def test_a_radiology_report_is_written_by_a_doctor_in_care_and_never_changed(acting_as, owner, cast):
    alice = acting_as(cast.alice)
    exam = alice.execute(
        "SELECT radiology_order_place(%s, %s, 'xray', 'Thorax', 'Pneumoni?', 'routine') AS id",
        [cast.greta_patient, cast.unit_med],
    ).fetchone()["id"]
    insert = "INSERT INTO radiology_report (order_id, patient_id, body) VALUES (%s, %s, %s)"
    refused(
        acting_as(cast.bob),
        insert,
        [exam, cast.greta_patient, "Ingen pneumoni."],
        constraint="radiology_report_by_doctor",
    )
    refused(acting_as(cast.charlie), insert, [exam, cast.greta_patient, "Ingen pneumoni."], sqlstate="HM274")
    refused(
        alice,
        "INSERT INTO radiology_report (order_id, patient_id, body, written_by) VALUES (%s, %s, 'Normal bild.', %s)",
        [exam, cast.greta_patient, cast.charlie],
        sqlstate="42501",
    )
    alice.execute(insert, [exam, cast.greta_patient, "Ingen pneumoni. Normal hjärtstorlek."])
    refused(alice, insert, [exam, cast.greta_patient, "Andra åsikten."], constraint="radiology_report_once")
    refused(owner, "UPDATE radiology_report SET body = 'Pneumoni.'", sqlstate="HM269")
    assert (
        owner.execute("SELECT status FROM radiology_order WHERE id = %s", [exam]).fetchone()["status"]
        == "reported"
    )


def test_a_haemoglobin_panel_line_takes_the_females_range(acting_as, owner, cast):
    # Greta (female, born 1942): Hb 125 is normal for her, 128 would be low for a man
    order_id = order(acting_as(cast.alice), cast, tests=[], panels=["BLOOD_COUNT"])
    sample(acting_as(cast.bob), order_id)
    made = result(acting_as(cast.bob), line(owner, order_id, HAEMOGLOBIN), 125)
    assert made["flag"] == "normal"


# --- Patients and relatives -----------------------------------------------------------------

LAB_ROWS = "SELECT (SELECT count(*) FROM lab_order) + (SELECT count(*) FROM lab_result) AS n"


@pytest.mark.parametrize(
    ("scopes", "starts", "ends", "revoked", "sees"),
    [
        ("{record}", "0 days", None, False, True),
        ("{appointments}", "0 days", None, False, False),  # lacks the scope
        ("{record}", "30 days", "1 day", False, False),  # expired yesterday
        ("{record}", "0 days", None, True, False),  # revoked
    ],
)
def test_a_relative_reads_lab_rows_only_under_a_grant_in_force_with_the_scope(
    acting_as, owner, cast, sampled, scopes, starts, ends, revoked, sees
):
    result(acting_as(cast.alice), sampled["line"], 4.0)
    owner.execute(
        "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, granted_by, starts_on, ends_on) "
        "VALUES (%s, %s, %s, %s, current_date - %s::interval, current_date - %s::interval)",
        [cast.greta_patient, cast.sven, scopes, cast.greta, starts, ends],
    )
    if revoked:
        owner.execute("UPDATE proxy_grant SET revoked_at = now()")
    assert acting_as(cast.sven).execute(LAB_ROWS).fetchone()["n"] == (2 if sees else 0)
    # the patient herself reads her own results, and writes none
    assert acting_as(cast.greta).execute(LAB_ROWS).fetchone()["n"] == 2
    refused(
        acting_as(cast.greta),
        "INSERT INTO lab_result_ack (result_id, patient_id) SELECT id, patient_id FROM lab_result",
        constraint="lab_result_ack_by_ordering_doctor",
    )
