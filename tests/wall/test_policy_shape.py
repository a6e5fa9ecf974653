"""Policies ask who acts once per statement: the verified user and role as
InitPlans, and a row's visibility first against the patients already decided
wholly visible, so a chart costs a call per statement, not per row."""


def test_every_policy_asks_who_acts_as_a_subquery(owner):
    bare = owner.execute(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public' AND ("
        "regexp_replace(coalesce(qual, '') || coalesce(with_check, ''), "
        "'SELECT hms_current_(user_id|role)\\(\\)', '', 'g') ~ 'hms_current_(user_id|role)\\(\\)')"
    ).fetchall()
    assert bare == []


def test_every_row_visibility_policy_lets_wholly_visible_patients_through_first(owner):
    slow = owner.execute(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public' "
        "AND qual LIKE '%hms_row_visible%' AND qual NOT LIKE '%hms_wholly_visible%'"
    ).fetchall()
    assert slow == []
    fast = owner.execute(
        "SELECT count(*) AS n FROM pg_policies WHERE schemaname = 'public' AND qual LIKE '%hms_wholly_visible%'"
    ).fetchone()["n"]
    assert fast >= 10


# A SQL function that cannot be inlined into its caller (SECURITY DEFINER, or
# with a SET clause) is parsed and planned again by every statement that calls
# it; PL/pgSQL keeps its plans for the connection's life.
NOT_INLINED_SQL = (
    "INNER JOIN pg_namespace AS n ON p.pronamespace = n.oid AND n.nspname IN ('public', 'hms_private') "
    "INNER JOIN pg_language AS l ON p.prolang = l.oid "
    "WHERE l.lanname = 'sql' AND (p.prosecdef OR p.proconfig IS NOT NULL)"
)


def test_no_function_a_policy_calls_is_planned_again_by_every_statement(owner):
    replanned = owner.execute(
        "SELECT DISTINCT pol.tablename, p.proname FROM pg_policies AS pol "
        "CROSS JOIN LATERAL regexp_matches(coalesce(pol.qual, '') || ' ' || coalesce(pol.with_check, ''), "
        "'([a-z_]+)\\(', 'g') AS m INNER JOIN pg_proc AS p ON m[1] = p.proname "
        f"{NOT_INLINED_SQL} AND pol.schemaname = 'public'"
    ).fetchall()
    assert replanned == []


def test_the_access_decision_and_the_audit_trigger_call_no_function_planned_again_by_every_statement(owner):
    called = ("hms_in_care", "hms_emergency_active", "hms_access_unit", "hms_patient_exists")
    replanned = owner.execute(
        f"SELECT p.proname FROM pg_proc AS p {NOT_INLINED_SQL} AND p.proname = ANY(%s)", [list(called)]
    ).fetchall()
    assert replanned == []
