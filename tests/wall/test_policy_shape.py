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
