"""When a relative's grant is in force is said in one place.

``hms_proxy_grant_in_force`` compares a grant's dates with the hospital's
day (0049). Five copies of that rule once chose their own "today", and one
of them let an ended grant stay in force for an hour each night. These tests
read every function, view, policy and constraint of the schema, and every
named query of the app, and refuse any other comparison of a grant's dates,
and any read of the grants that skips the rule."""

import re
from pathlib import Path

import pytest

import hms

# A comparison with starts_on or ends_on on either side (not p_starts_on: a
# parameter of the rule itself).
COMPARES_DATES = re.compile(
    r"\b(?:starts_on|ends_on)\b\s*(?:<=|>=|<>|!=|<|>|=|BETWEEN\b)"
    r"|(?:<=|>=|<>|!=|<|>|=|\bBETWEEN)\s*(?:\w+\.)?\b(?:starts_on|ends_on)\b",
    re.IGNORECASE,
)
READS_GRANTS = re.compile(r"\b(?:FROM|JOIN)\s+(?:public\.)?proxy_grant\b", re.IGNORECASE)

# What may compare a grant's dates without being "in force today": the rule
# itself, the check that a guardian's grant ends before the patient's 18th
# birthday (0014), and the constraint that a grant ends after it starts.
MAY_COMPARE = {"hms_proxy_grant_in_force", "proxy_grant_check_basis", "proxy_grant_period_ordered"}

SCHEMA_TEXTS = """
    SELECT p.proname AS name, pg_get_functiondef(p.oid) AS text
    FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prokind IN ('f', 'p')
        AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT c.relname, pg_get_viewdef(c.oid)
    FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT policyname, concat_ws(' ', qual, with_check) FROM pg_policies
    UNION ALL
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c'
"""


def _named_queries() -> list[tuple[str, str]]:
    """Every named query of the app's .sql files, as (file:name, text)."""
    root = Path(hms.__file__).parent
    found = []
    for path in sorted(root.rglob("*.sql")):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        for part in re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]:
            name = part.split(None, 1)[0]
            found.append((f"{path.relative_to(root)}:{name}", part))
    return found


@pytest.fixture()
def schema_texts(owner) -> list[tuple[str, str]]:
    return [(row["name"], row["text"]) for row in owner.execute(SCHEMA_TEXTS).fetchall()]


def test_only_the_rule_compares_a_grants_dates(schema_texts):
    offenders = [
        name for name, text in schema_texts + _named_queries()
        if name not in MAY_COMPARE and COMPARES_DATES.search(text)
    ]  # fmt: skip
    assert offenders == []


def test_every_read_of_the_grants_asks_the_rule(schema_texts):
    """A read of proxy_grant either asks whether the grant is in force or is a
    list that shows every grant with the rule's answer beside it."""
    offenders = [
        name for name, text in schema_texts + _named_queries()
        if READS_GRANTS.search(text) and "hms_proxy_grant_in_force" not in text
    ]  # fmt: skip
    assert offenders == []


def test_the_scan_finds_a_copy_of_the_rule():
    """The patterns are not blind: the copies the rule replaced are found."""
    old_copy = "SELECT 1 FROM proxy_grant WHERE revoked_at IS NULL AND hms_today() >= starts_on"
    assert COMPARES_DATES.search(old_copy)
    assert COMPARES_DATES.search("AND (g.ends_on IS NULL OR current_date <= g.ends_on)")
    assert not COMPARES_DATES.search("hms_proxy_grant_in_force(p_starts_on, p_ends_on, g.revoked_at)")
    assert READS_GRANTS.search("FROM proxy_grant AS g")


@pytest.mark.parametrize(
    ("starts", "ends", "revoked", "in_force"),
    [
        (0, None, False, True),
        (-10, 0, False, True),
        (0, 0, False, True),
        (1, None, False, False),
        (-10, -1, False, False),
        (-10, None, True, False),
    ],
)
def test_the_rule_by_the_hospitals_day(app_conn, starts, ends, revoked, in_force):
    """The app's role asks the rule itself; days count from Stockholm's today."""
    row = app_conn.execute(
        "SELECT hms_proxy_grant_in_force(hms_today() + %(s)s::int, hms_today() + %(e)s::int,"
        " CASE WHEN %(r)s THEN now() END) AS in_force",
        {"s": starts, "e": ends, "r": revoked},
    ).fetchone()
    assert row["in_force"] is in_force
