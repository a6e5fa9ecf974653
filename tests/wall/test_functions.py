"""Database functions are locked like doors: EXECUTE is granted by name, every
SECURITY DEFINER function pins its search_path, and none can be turned
against the wall by a temporary object of the caller's."""

import pytest

from tests.wall.conftest import NOTHING, journal_rows

# Every function of the schema that hms_app may execute: what the app calls,
# and what its policies, constraints, generated columns and views call with
# its rights. A new one must be added here on purpose.
APP_MAY_EXECUTE = {
    # identity and sessions
    "hms_login_parameters", "hms_session_open", "hms_authenticate", "hms_session_close",
    "hms_current_user_id", "hms_current_role",
    # the header's counts, for the verified user, under row-level security
    "hms_header_counts",
    # accounts (each checks the verified user's right)
    "account_create", "account_update", "account_set_role", "account_set_units", "account_reset_password",
    "account_set_active", "account_set_locale",
    # the access decision
    "hms_access_basis", "hms_row_visible", "hms_may_write_clinical", "hms_blocked_for_me", "hms_wholly_visible",
    "hms_patient_exists", "hms_was_in_care", "hms_proxy_grant_in_force",
    # the journal's operations
    "hms_check_acting_as", "encounter_admit", "encounter_discharge", "encounter_close", "note_sign",
    "note_amend", "note_mark_in_error", "note_version_latest",
    # the journal's timeline page and the name search (read with the caller's rights, under
    # row-level security and the views' checks)
    "journal_timeline_page", "patient_search_by_name",
    # pure helpers
    "hms_fold", "hms_like_contains", "hms_like_prefix", "pnr_birth_date", "pnr_is_valid",
    "patient_name_matches", "hms_name_words", "user_role_is_staff", "news2_score", "news2_band", "audit_log_row_hash",
    "audit_log_verify", "hms_day_start", "hms_today", "hms_contact_visible",
    # medication: unit conversion, schedules, the safety checks and the ward's doses
    "dose_convert", "dose_schedule_per_day", "medication_check", "mar_doses",
    # the pharmacy (each checks the verified user's role)
    "pharmacy_my_locations", "pharmacy_receive", "pharmacy_dispense", "ward_order_request", "ward_order_move",
    "stock_adjust", "stock_waste",
    # scheduling: the operations (each checks who acts), the free times, the calendar feed,
    # and the constructor of working hours' time ranges (their exclusion constraint calls it)
    "appointment_book", "appointment_move", "appointment_cancel", "appointment_check_in", "appointment_walk_in",
    "appointment_no_show", "waitlist_join", "waitlist_leave", "waitlist_offer_answer", "appointment_free_slots",
    "calendar_feed_issue", "calendar_feed_revoke", "calendar_feed_since", "calendar_feed_events", "timerange",
    # portal accounts: created and given codes by reception, activated by their holder with the code
    "portal_account_create_for_patient", "portal_account_create_for_relative", "portal_code_reissue",
    "portal_account_activate",
    # secure messaging: each checks who acts and on which side (0025)
    "message_thread_units", "message_thread_start", "message_post", "message_thread_assign",
    "message_thread_mark_read", "message_thread_close", "message_file_to_journal",
    # care requests: filed, taken, decided and withdrawn (each checks who acts), the units a
    # request may go to, and the routing the staff's policy asks
    "care_request_file", "care_request_take", "care_request_decide", "care_request_withdraw",
    "care_request_units", "care_request_routes_to",
    # consultations: the parts a specialist reads (restrictive policies), the answer with its
    # journal note, closing, withdrawing, and the requester's reading of the answer
    "hms_consultation_patients", "consultation_answer", "consultation_close", "consultation_withdraw",
    "consultation_answer_seen",
    # referrals between the hospital's units (each checks who acts)
    "referral_send", "referral_accept", "referral_reject", "referral_withdraw",
    # the consultation's check that each part is named once runs as the writer (0033)
    "each_once",
    # laboratory and radiology: the orders (each checks who acts) and the flag's pure helpers
    "lab_order_place", "lab_order_sample", "lab_order_cancel", "radiology_order_place", "lab_range_for",
    "lab_flag_of",
    # reports (0038): the units the user reports on, which the report views ask; the
    # total a view publishes beside its parts; department heads, appointed by administrators
    "hms_report_units", "report_total_shown", "department_head_appoint", "department_head_remove",
}  # fmt: skip

# The reports' refresh (hms jobs run) logs in as hms_reporter, which may do this alone.
REPORTER_MAY_EXECUTE = {"report_refresh"}

WORKER_MAY_EXECUTE = {
    "audit_log_seal", "hms_forget_ended_backends",
    # scheduling's timed work (hms jobs run)
    "appointment_reminders_send", "waitlist_offers_expire",
    # the words of names no patient has any more (hms jobs run, 0044)
    "patient_name_words_prune",
}  # fmt: skip

OURS = """
    SELECT p.proname, p.prosecdef, p.proconfig
    FROM pg_proc AS p
    INNER JOIN pg_namespace AS n ON p.pronamespace = n.oid
    WHERE n.nspname IN ('public', 'hms_private')
        AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
"""


def executable_by(owner, role: str) -> set[str]:
    rows = owner.execute(
        f"SELECT proname FROM ({OURS}) AS f "
        "WHERE has_function_privilege(%s, (SELECT oid FROM pg_proc WHERE proname = f.proname LIMIT 1), 'EXECUTE')",
        [role],
    ).fetchall()
    return {r["proname"] for r in rows}


def test_the_app_role_may_execute_exactly_the_allowed_functions(owner):
    assert executable_by(owner, "hms_app") == APP_MAY_EXECUTE


def test_the_worker_role_may_execute_only_the_sealing(owner):
    assert executable_by(owner, "hms_worker") == WORKER_MAY_EXECUTE


def test_the_reporter_role_may_execute_only_the_refresh(owner):
    assert executable_by(owner, "hms_reporter") == REPORTER_MAY_EXECUTE


def test_public_executes_no_function_of_ours(owner):
    rows = owner.execute(
        f"SELECT proname FROM ({OURS}) AS f WHERE EXISTS (SELECT 1 FROM pg_proc AS p, aclexplode(coalesce("
        "p.proacl, acldefault('f', p.proowner))) AS a WHERE p.proname = f.proname AND a.grantee = 0 "
        "AND a.privilege_type = 'EXECUTE')"
    ).fetchall()
    assert [r["proname"] for r in rows] == []


def test_every_security_definer_and_plpgsql_function_pins_a_trusted_search_path_with_pg_temp_last(owner):
    definers = owner.execute(
        f"SELECT proname, proconfig FROM ({OURS}) AS f WHERE prosecdef "
        "OR (SELECT lanname FROM pg_language AS l, pg_proc AS p WHERE p.proname = f.proname AND l.oid = p.prolang "
        "LIMIT 1) = 'plpgsql'"
    ).fetchall()
    assert len(definers) > 30, "the access decision and the journal's operations are among them"
    wrong = [
        r["proname"]
        for r in definers
        if "search_path=pg_catalog, public, pg_temp" not in (r["proconfig"] or [])
    ]
    assert wrong == []


def test_the_app_role_cannot_name_the_private_schema(app_conn):
    from tests.db.expect import refused

    refused(app_conn, "SELECT user_id FROM hms_private.verified_identity", sqlstate="42501")
    refused(app_conn, "SELECT secret FROM hms_private.salt_key", sqlstate="42501")
    refused(
        app_conn,
        "INSERT INTO hms_private.verified_identity VALUES (pg_backend_pid(), '1', 1, 'doctor')",
        sqlstate="42501",
    )


@pytest.mark.parametrize(
    "shadow",
    [
        "CREATE TEMP TABLE staff_care_unit (user_id bigint, care_unit_id bigint)",
        "CREATE TEMP TABLE care_assignment (patient_id bigint, care_unit_id bigint, during tstzrange)",
    ],
)
def test_a_temporary_table_cannot_stand_in_for_ours_inside_the_access_decision(
    app_as, cast, greta_journal, shadow
):
    """Dr Charlie (surgery) makes a temporary table named like the one the
    decision reads, claiming the medical ward; the decision reads the real one."""
    charlie = app_as(cast.charlie)
    charlie.execute(shadow)
    if "staff_care_unit" in shadow:
        charlie.execute("INSERT INTO pg_temp.staff_care_unit VALUES (%s, %s)", [cast.charlie, cast.unit_med])
    else:
        charlie.execute(
            "INSERT INTO pg_temp.care_assignment VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL))",
            [cast.greta_patient, cast.unit_surg],
        )
    assert journal_rows(charlie, cast.greta_patient) == NOTHING


@pytest.mark.parametrize(
    "call",
    [
        "SELECT hms_in_care(%(alice)s, %(greta)s)",
        "SELECT hms_emergency_active(%(alice)s, %(greta)s)",
        "SELECT hms_decide_basis(%(alice)s, 'doctor', %(greta)s, 'clinical')",
        "SELECT hms_access_unit(%(alice)s, %(greta)s)",
        "SELECT audit_log_seal()",
    ],
)
def test_no_function_answers_for_another_user(app_as, cast, call):
    """Functions that take a user as an argument would tell anyone about
    anyone's care relationships; the app has no grant for them."""
    from tests.db.expect import refused

    refused(app_as(cast.charlie), call, {"alice": cast.alice, "greta": cast.greta_patient}, sqlstate="42501")


def test_past_care_is_answered_only_to_an_administrator(app_as, cast):
    query = "SELECT hms_was_in_care(%s, %s, now()) AS c"
    assert app_as(cast.charlie).execute(query, [cast.alice, cast.greta_patient]).fetchone()["c"] is None
    assert app_as(cast.adam).execute(query, [cast.alice, cast.greta_patient]).fetchone()["c"] is True
