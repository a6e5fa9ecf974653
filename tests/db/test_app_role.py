"""What the app's own database role (hms_app) may not do, even with plain SQL:
a bug in the app, or someone holding its credentials, gets no further than this."""

import pytest

from tests.db.expect import refused

INSUFFICIENT_PRIVILEGE = "42501"


def test_the_app_role_is_an_ordinary_login_without_special_powers(owner):
    role = owner.execute(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin "
        "FROM pg_roles WHERE rolname = 'hms_app'"
    ).fetchone()
    assert role == {
        "rolsuper": False,
        "rolbypassrls": False,
        "rolcreaterole": False,
        "rolcreatedb": False,
        "rolcanlogin": True,
    }


def test_the_app_role_owns_nothing_in_the_database(owner):
    owned = owner.execute(
        "SELECT (SELECT count(*) FROM pg_class WHERE relowner = 'hms_app'::regrole) "
        "     + (SELECT count(*) FROM pg_proc WHERE proowner = 'hms_app'::regrole) "
        "     + (SELECT count(*) FROM pg_type WHERE typowner = 'hms_app'::regrole) "
        "     + (SELECT count(*) FROM pg_namespace WHERE nspowner = 'hms_app'::regrole) AS n"
    ).fetchone()
    assert owned["n"] == 0


def test_the_app_role_can_do_its_everyday_work(acting_as, cast):
    """The refusals below are about privileges, not a broken connection."""
    conn = acting_as(cast.rita, "receptionist")
    assert conn.execute("SELECT current_user AS who").fetchone()["who"] == "hms_app"
    assert conn.execute("SELECT count(*) AS n FROM patient").fetchone()["n"] == 1
    conn.execute(
        "INSERT INTO audit_log (user_id, user_role, action, patient_id) "
        "VALUES (%s, 'receptionist', 'patient.read', %s)",
        [cast.rita, cast.greta_patient],
    )


def test_without_a_declared_user_the_app_role_sees_no_patient(app_conn, cast):
    assert app_conn.execute("SELECT count(*) AS n FROM patient").fetchone()["n"] == 0


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM patient",
        "TRUNCATE patient CASCADE",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET action = 'patient.search'",
        "TRUNCATE audit_log",
        "DELETE FROM app_user",
        "DELETE FROM staff_profile",
        "DELETE FROM department",
        "DELETE FROM care_unit",
        "UPDATE patient_user SET patient_id = patient_id",
        "DELETE FROM patient_user",
        "UPDATE patient_directory SET given_name = 'Someone'",
        "DELETE FROM patient_directory",
    ],
)
def test_the_app_role_cannot_delete_or_rewrite_what_it_was_not_granted(app_conn, cast, statement):
    refused(app_conn, statement, sqlstate=INSUFFICIENT_PRIVILEGE)


def test_the_app_role_cannot_touch_the_audit_log_even_when_it_wrote_the_row(acting_as, owner, cast):
    rita = acting_as(cast.rita)
    rita.execute(
        "INSERT INTO audit_log (user_id, user_role, action) VALUES (%s, 'receptionist', 'patient.read')",
        [cast.rita],
    )
    refused(rita, "UPDATE audit_log SET detail = 'edited'", sqlstate=INSUFFICIENT_PRIVILEGE)
    refused(rita, "DELETE FROM audit_log", sqlstate=INSUFFICIENT_PRIVILEGE)
    assert owner.execute("SELECT count(*) AS n, max(detail) AS d FROM audit_log").fetchone() == {
        "n": 1,
        "d": None,
    }


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TABLE patient",
        "DROP TABLE audit_log CASCADE",
        "DROP VIEW patient_directory",
        "DROP FUNCTION pnr_is_valid(text)",
        "CREATE TABLE public.loot (pnr text)",
        "CREATE TABLE loot (pnr text)",
        "CREATE VIEW public.everyone AS SELECT * FROM patient",
        "CREATE FUNCTION public.always_valid(text) RETURNS boolean LANGUAGE sql RETURN true",
        "CREATE SCHEMA loot",
        "ALTER TABLE patient DROP CONSTRAINT patient_personal_number_valid",
        "ALTER TABLE patient ADD COLUMN note text",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_row",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NEW; END $$",
        "CREATE TRIGGER sneak BEFORE INSERT ON patient FOR EACH ROW EXECUTE FUNCTION hms_touch_updated_at()",
        "ALTER TABLE patient DISABLE ROW LEVEL SECURITY",
        "SET session_replication_role = replica",
        "ALTER ROLE hms_app SUPERUSER",
        "ALTER ROLE hms_app BYPASSRLS",
        "CREATE ROLE intruder LOGIN",
        "COPY patient TO '/tmp/patients.csv'",
    ],
)
def test_the_app_role_cannot_change_the_schema_or_its_own_powers(app_conn, statement):
    refused(app_conn, statement, sqlstate=INSUFFICIENT_PRIVILEGE)


def test_the_app_role_cannot_grant_itself_more(app_conn):
    # Without grant options PostgreSQL only warns, so check that nothing was granted.
    app_conn.execute("GRANT DELETE ON patient TO hms_app")
    app_conn.execute("GRANT UPDATE, DELETE ON audit_log TO hms_app")
    row = app_conn.execute(
        "SELECT has_table_privilege('patient', 'DELETE') AS patient_delete, "
        "has_table_privilege('audit_log', 'UPDATE') AS audit_update, "
        "has_table_privilege('audit_log', 'DELETE') AS audit_delete"
    ).fetchone()
    assert row == {"patient_delete": False, "audit_update": False, "audit_delete": False}


def test_constraints_hold_for_the_app_role_too(acting_as, cast):
    refused(
        acting_as(cast.rita, "receptionist"),
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('198507099806', 'Åsa', 'Ek', '1985-07-09', 'female')",
        constraint="patient_personal_number_valid",
    )
