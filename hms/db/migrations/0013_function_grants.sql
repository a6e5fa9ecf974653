-- The database as the last wall, part 4: functions are locked like doors.
--
-- PostgreSQL lets PUBLIC execute every new function. Here EXECUTE is taken
-- back from PUBLIC on every function of the schema (extensions' own functions
-- aside: they compute on values and reach no table), and from now on new
-- functions start closed. hms_app is then granted, by name, what it calls:
-- directly from its queries, or through the policies, constraints, generated
-- columns and views it uses, which run functions with its rights.
-- tests/db/test_function_grants.py holds this list and fails on any other.
-- depends: 0012_audit_seal

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc AS p
        INNER JOIN pg_namespace AS n ON p.pronamespace = n.oid
        WHERE n.nspname IN ('public', 'hms_private')
            AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$$;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Every SECURITY DEFINER function, and every PL/pgSQL function (triggers and
-- the journal's operations included), resolves names in trusted schemas
-- only, with pg_temp last: otherwise a temporary table named like one of
-- ours (CREATE TEMP TABLE staff_care_unit …, or note_section for note_sign)
-- would stand in for it inside the function. Plain SQL helpers that must be
-- inlined into queries (hms_fold, patient_name_matches, …) reach no table.
-- A function created after this migration states its own search_path.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc AS p
        INNER JOIN pg_namespace AS n ON p.pronamespace = n.oid
        INNER JOIN pg_language AS l ON p.prolang = l.oid
        WHERE n.nspname IN ('public', 'hms_private') AND (p.prosecdef OR l.lanname = 'plpgsql')
            AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END
$$;

-- Identity and sessions.
GRANT EXECUTE ON FUNCTION
hms_login_parameters,
hms_session_open,
hms_authenticate,
hms_session_close,
hms_current_user_id,
hms_current_role
TO hms_app;

-- Accounts, each checking the verified user's right inside.
GRANT EXECUTE ON FUNCTION
account_create,
account_update,
account_set_role,
account_set_units,
account_reset_password,
account_set_active,
account_set_locale
TO hms_app;

-- The access decision, as row-level security and the app ask it.
GRANT EXECUTE ON FUNCTION
hms_access_basis,
hms_row_visible,
hms_may_write_clinical,
hms_blocked_for_me,
hms_wholly_visible,
hms_patient_exists,
hms_was_in_care
TO hms_app;

-- The journal's atomic operations (they run as the caller, under RLS).
GRANT EXECUTE ON FUNCTION
hms_check_acting_as,
encounter_admit,
encounter_discharge,
encounter_close,
note_sign,
note_amend,
note_mark_in_error,
note_version_latest
TO hms_app;

-- Pure helpers used in queries, constraints and generated columns.
GRANT EXECUTE ON FUNCTION
hms_fold,
hms_like_contains,
hms_like_prefix,
pnr_birth_date,
pnr_is_valid,
patient_name_matches,
user_role_is_staff,
news2_score,
news2_band,
audit_log_row_hash,
audit_log_verify
TO hms_app;
