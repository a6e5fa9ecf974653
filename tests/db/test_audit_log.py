"""The audit log is append-only, enforced by the database even against the
table's owner; its rows are checked like any other."""

import pytest

from tests.db.expect import refused

APPEND_ONLY = "HM001"

ENTRY = (
    "INSERT INTO audit_log (user_id, user_role, patient_id, action, detail, reason) "
    "VALUES (%(user_id)s, 'doctor', %(patient_id)s, %(action)s, %(detail)s, %(reason)s) RETURNING id"
)


def entry(cast, **changes: object) -> dict[str, object]:
    base = {
        "user_id": cast.alice,
        "patient_id": cast.greta_patient,
        "action": "patient.read",
        "detail": None,
        "reason": None,
    }
    return {**base, **changes}


@pytest.fixture()
def logged(owner, cast) -> int:
    """One audit row: Dr Alice read Greta's record."""
    return owner.execute(ENTRY, entry(cast)).fetchone()["id"]


def test_the_owner_cannot_update_an_audit_row(owner, logged):
    exc = refused(
        owner,
        "UPDATE audit_log SET action = 'patient.search' WHERE id = %s",
        [logged],
        constraint="audit_log_append_only",
        sqlstate=APPEND_ONLY,
    )
    assert "append-only" in str(exc)
    assert owner.execute("SELECT action FROM audit_log").fetchone()["action"] == "patient.read"


def test_the_owner_cannot_delete_an_audit_row(owner, logged):
    refused(
        owner,
        "DELETE FROM audit_log WHERE id = %s",
        [logged],
        constraint="audit_log_append_only",
        sqlstate=APPEND_ONLY,
    )
    assert owner.execute("SELECT count(*) AS n FROM audit_log").fetchone()["n"] == 1


def test_the_owner_cannot_truncate_the_audit_log(owner, logged):
    refused(owner, "TRUNCATE audit_log", constraint="audit_log_append_only", sqlstate=APPEND_ONLY)
    refused(owner, "TRUNCATE audit_log CASCADE", sqlstate=APPEND_ONLY)
    assert owner.execute("SELECT count(*) AS n FROM audit_log").fetchone()["n"] == 1


def test_truncate_is_refused_even_when_the_log_is_empty(owner):
    refused(owner, "TRUNCATE audit_log", sqlstate=APPEND_ONLY)


def test_a_patient_with_audit_rows_cannot_be_deleted(owner, cast, logged):
    owner.execute("DELETE FROM patient_user WHERE patient_id = %s", [cast.greta_patient])
    refused(
        owner,
        "DELETE FROM patient WHERE id = %s",
        [cast.greta_patient],
        constraint="audit_log_patient_id_fkey",
    )


def test_a_user_with_audit_rows_cannot_be_deleted(owner, cast):
    owner.execute(ENTRY, entry(cast, user_id=cast.sven))
    refused(owner, "DELETE FROM app_user WHERE id = %s", [cast.sven], constraint="audit_log_user_id_fkey")


def test_a_care_unit_named_in_the_audit_log_cannot_be_deleted(owner, cast):
    owner.execute("INSERT INTO audit_log (action, care_unit_id) VALUES ('unit.read', %s)", [cast.unit_surg])
    owner.execute("DELETE FROM staff_care_unit WHERE care_unit_id = %s", [cast.unit_surg])
    refused(
        owner,
        "DELETE FROM care_unit WHERE id = %s",
        [cast.unit_surg],
        constraint="audit_log_care_unit_id_fkey",
    )


@pytest.mark.parametrize(
    "action", ["Patient.Read", "patientread", "patient.read.again", "patient-read", "patient.", ""]
)
def test_an_action_is_domain_dot_verb(owner, cast, action):
    refused(owner, ENTRY, entry(cast, action=action), constraint="audit_log_action_format")


def test_reason_and_detail_are_at_most_1000_characters(owner, cast):
    owner.execute(ENTRY, entry(cast, reason="x" * 1000, detail="y" * 1000))
    refused(owner, ENTRY, entry(cast, reason="x" * 1001), constraint="audit_log_reason_length")
    refused(owner, ENTRY, entry(cast, detail="y" * 1001), constraint="audit_log_detail_length")


def test_audit_rows_name_existing_users_and_patients(owner, cast):
    refused(owner, ENTRY, entry(cast, user_id=999_999), constraint="audit_log_user_id_fkey")
    refused(owner, ENTRY, entry(cast, patient_id=999_999), constraint="audit_log_patient_id_fkey")


def test_outcome_is_allowed_or_refused(owner):
    refused(
        owner, "INSERT INTO audit_log (action, outcome) VALUES ('patient.read', 'maybe')", sqlstate="22P02"
    )
    row = owner.execute("INSERT INTO audit_log (action) VALUES ('patient.read') RETURNING outcome").fetchone()
    assert row["outcome"] == "allowed"
