"""Name search keeps one plan for every name (migration 0051), and that plan
still finds the candidate words through the trigram index: a plan made for
any words is what a connection keeps, so it must not read every word of the
registry."""

from types import SimpleNamespace

import psycopg
import pytest

from hms.bench.acting import act_as_app, explained
from hms.patients import read
from tests.patients.registry import add_patient

# With auto_explain's plans, no scan that reads a whole table or a whole index:
# a test's registry is so small that reading all of its words is cheaper than asking the
# trigram index, so the question is asked the other way: with those scans
# disabled, the words can be found only through an index condition, which the
# plan has if it can use the trigram index at all.
NO_WHOLE_SCANS = {
    "enable_seqscan": "off",
    "enable_indexscan": "off",
    "enable_indexonlyscan": "off",
}


def search_plans(owner_url: str, user_id: int, query: str) -> tuple[list[int], str]:
    """The patients a name search finds, and the plans of its statements."""
    with psycopg.connect(owner_url) as conn:
        plans = explained(conn, NO_WHOLE_SCANS)
        act_as_app(conn, user_id)
        rows = read._search_name(SimpleNamespace(conn=conn), query, 26)  # type: ignore[arg-type]
        conn.rollback()
    return [r[0] for r in rows], "\n".join(plans)


@pytest.fixture()
def rita_id(owner, cast) -> int:
    return int(owner.execute("SELECT id FROM app_user WHERE username = 'rita'").fetchone()["id"])


def trigram_conditions(plans: str) -> list[str]:
    """The index conditions of the plans' scans of the words' trigram index."""
    lines = plans.splitlines()
    return [
        lines[i + 1].strip()
        for i, line in enumerate(lines[:-1])
        if "Index Scan on patient_name_word_trgm_idx" in line and "Index Cond" in lines[i + 1]
    ]


@pytest.mark.parametrize("query", ["andersson", "anderson", "anna andersen"])
def test_one_plan_for_any_name_finds_the_words_through_the_trigram_index(owner, owner_url, rita_id, query):
    andersen = add_patient(owner, "Anna", "Andersen", "19600101")
    andersson = add_patient(owner, "Anna", "Andersson", "19600102")
    found, plans = search_plans(owner_url, rita_id, query)
    assert set(found) == {andersen, andersson}
    conditions = trigram_conditions(plans)
    assert conditions, plans
    # A plan for any words: the typed word is a parameter of it, not a constant
    # (a plan made for these words would name them: 'andersson'::text).
    assert all("$" in c and "'an" not in c for c in conditions), conditions
