"""Coded values read as words: every value of each enum a page shows has a
label, and every label a Swedish translation of its own sense."""

import pytest

from hms.web import i18n, labels
from tests.web.test_i18n import untranslated

# Lists that are not enums in the database: the timeline's kinds, the bands
# news2_band() returns, and the timeline's procedure subtypes.
NOT_ENUMS = {"entry_kind", "news2_band", "procedure_kind"}


def test_every_enum_value_has_a_label(owner):
    rows = owner.execute(
        "SELECT t.typname AS kind, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS enum_values "
        "FROM pg_enum AS e JOIN pg_type AS t ON t.oid = e.enumtypid "
        "WHERE t.typname = ANY(%s) GROUP BY t.typname",
        [list(set(labels.LABELS) - NOT_ENUMS)],
    ).fetchall()
    found = {r["kind"]: r["enum_values"] for r in rows}
    assert set(found) == set(labels.LABELS) - NOT_ENUMS
    for kind, values in found.items():
        assert set(values) == set(labels.LABELS[kind]), kind


def test_the_timeline_lists_and_the_news2_bands_are_complete(owner):
    bands = owner.execute(
        "SELECT DISTINCT news2_band(rr, 97, false, 120, 80, 'A', 37.0) AS band "
        "FROM generate_series(4, 30) AS rr"
    ).fetchall()
    assert {r["band"] for r in bands} <= set(labels.LABELS["news2_band"])
    assert set(labels.TIMELINE_SUBTYPES) == set(labels.LABELS["entry_kind"])


def test_every_label_is_translated():
    phrases = {phrase for table in labels.LABELS.values() for phrase in table.values()}
    assert untranslated(phrases) == []


@pytest.mark.parametrize(
    ("value", "kind", "swedish"),
    [
        ("record", "proxy_scope", "Hela journalen"),
        ("primary", "diagnosis_rank", "Huvuddiagnos"),
        ("low_medium", "news2_band", "Låg–medelhög risk"),
    ],
)
def test_a_value_reads_in_its_own_sense(value, kind, swedish):
    token = i18n.current_locale.set("sv")
    try:
        assert labels.label(value, kind) == swedish
    finally:
        i18n.current_locale.reset(token)


def test_note_headings_follow_the_language():
    from hms.journal.forms import NOTE_HEADINGS

    keywords = {h for headings in NOTE_HEADINGS.values() for h in headings}
    assert keywords <= set(labels.NOTE_HEADINGS_EN)
    token = i18n.current_locale.set("en")
    try:
        assert labels.heading("Bedömning") == "Assessment"
    finally:
        i18n.current_locale.reset(token)
    token = i18n.current_locale.set("sv")
    try:
        assert labels.heading("Bedömning") == "Bedömning"
    finally:
        i18n.current_locale.reset(token)
