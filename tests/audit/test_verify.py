"""hms audit verify: the hash chain holds for rows the app wrote, and names the
first broken link after a row is altered or removed behind the triggers' back."""

import pytest
from typer.testing import CliRunner

from hms.audit.read import chain_verify
from hms.cli import app as cli
from hms.config import get_settings
from tests.conftest import login


@pytest.fixture()
def logged(client, cast, owner) -> list[int]:
    """A few audit rows written through the app; their chain_seq, in order."""
    login(client, "alice")
    for _ in range(3):
        assert client.get(f"/patients/{cast.greta_patient}").status_code == 200
    return [r["chain_seq"] for r in owner.execute("SELECT chain_seq FROM audit_log ORDER BY chain_seq")]


@pytest.fixture()
def run_verify(owner_url, monkeypatch):
    def run():
        monkeypatch.setenv("HMS_DATABASE_URL", owner_url)
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(cli, ["audit", "verify"])
        finally:
            get_settings.cache_clear()

    return run


def _behind_the_triggers_back(owner, statement: str, params: list) -> None:
    owner.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_row")
    try:
        owner.execute(statement, params)
    finally:
        owner.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only_row")


def test_the_chain_of_rows_written_by_the_app_holds(owner_url, logged, run_verify):
    assert len(logged) >= 3
    assert chain_verify(owner_url).intact
    result = run_verify()
    assert result.exit_code == 0, result.output
    assert f"audit log intact: {len(logged)} rows" in result.output


def test_an_altered_row_breaks_the_chain_at_that_link(owner, owner_url, logged, run_verify):
    altered = logged[1]
    _behind_the_triggers_back(
        owner, "UPDATE audit_log SET detail = 'nothing to see' WHERE chain_seq = %s", [altered]
    )
    assert chain_verify(owner_url).broken_at == altered
    result = run_verify()
    assert result.exit_code == 1
    assert f"chain_seq {altered}" in result.output


def test_a_removed_row_shows_as_a_gap(owner, owner_url, logged, run_verify):
    removed = logged[1]
    _behind_the_triggers_back(owner, "DELETE FROM audit_log WHERE chain_seq = %s", [removed])
    check = chain_verify(owner_url)
    assert check.broken_at == removed + 1
    result = run_verify()
    assert result.exit_code == 1
    assert f"chain_seq {removed + 1}" in result.output
