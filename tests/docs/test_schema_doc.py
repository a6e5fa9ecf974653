"""docs/SCHEMA.md is generated from the live schema and kept up to date."""

from pathlib import Path

import pytest

from hms.db.schema_doc import generate

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "SCHEMA.md"


@pytest.fixture(scope="module")
def document(owner_url: str) -> str:
    return generate(owner_url)


def test_every_table_and_view_has_a_section(document, owner):
    relations = owner.execute(
        "SELECT table_name AS name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_name NOT LIKE '\\_yoyo%' AND table_name <> 'yoyo_lock'"
    ).fetchall()
    assert relations
    missing = [r["name"] for r in relations if f"### `{r['name']}`\n" not in document]
    assert missing == []


def test_the_diagram_draws_every_table_and_foreign_key(document, owner):
    diagram = document.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram.startswith("erDiagram\n")
    tables = owner.execute(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '%yoyo%'"
    ).fetchall()
    assert all(f"    {t['name']} {{\n" in diagram for t in tables)
    foreign_keys = owner.execute(
        "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
    ).fetchall()
    for fk in foreign_keys:
        assert f"{fk['parent']} " in diagram and f" {fk['child']} : " in diagram, fk


def test_tables_show_their_comment_and_named_constraints(document):
    assert "> One person registered for care, identified by personnummer or samordningsnummer." in document
    assert "`patient_personal_number_valid` (check): `CHECK (pnr_is_valid(personal_number))`" in document
    assert "`audit_log_append_only_row`" in document


def test_generation_is_deterministic(document, owner_url):
    assert generate(owner_url) == document


def test_committed_schema_doc_matches_the_migrations(document):
    assert COMMITTED.exists(), "docs/SCHEMA.md is missing: run `hms docs schema`"
    assert COMMITTED.read_text(encoding="utf-8") == document, (
        "docs/SCHEMA.md is stale: the migrations changed; run `hms docs schema` and commit the result"
    )
