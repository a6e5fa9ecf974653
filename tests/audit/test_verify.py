"""hms audit verify: the hash chain holds for rows the app wrote once they are
sealed, and names the first broken link after a row is altered, removed or
slipped in behind the triggers' back."""

import pytest
from typer.testing import CliRunner

from hms.audit.read import chain_verify
from hms.cli import app as cli
from hms.config import get_settings
from tests.conftest import login


@pytest.fixture()
def logged(client, cast, owner, seal) -> list[int]:
    """A few audit rows written through the app and sealed; their chain_seq, in order."""
    login(client, "alice")
    for _ in range(3):
        assert client.get(f"/patients/{cast.greta_patient}").status_code == 200
    assert seal() >= 3
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
    assert f"audit log intact: {len(logged)} rows sealed, 0 waiting" in result.output


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


def test_rows_wait_unsealed_until_the_seal_runs_and_sealing_twice_is_harmless(
    client, cast, owner, seal, run_verify
):
    login(client, "alice")
    client.get(f"/patients/{cast.greta_patient}")
    waiting = owner.execute("SELECT count(*) AS n FROM audit_log WHERE chain_seq IS NULL").fetchone()["n"]
    assert waiting >= 1
    assert f"0 rows sealed, {waiting} waiting" in run_verify().output
    assert seal() == waiting
    assert seal() == 0
    assert f"{waiting} rows sealed, 0 waiting" in run_verify().output


def test_a_row_slipped_into_the_sealed_chain_breaks_it(owner, owner_url, logged, run_verify):
    forged = logged[-1] + 1
    _behind_the_triggers_back(owner, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain", [])
    try:
        owner.execute(
            "INSERT INTO audit_log (action, chain_seq, prev_hash, row_hash) "
            "SELECT 'patient.read', %s, row_hash, sha256(row_hash) FROM audit_log WHERE chain_seq = %s",
            [forged, logged[-1]],
        )
    finally:
        owner.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_chain")
    assert chain_verify(owner_url).broken_at == forged
    assert run_verify().exit_code == 1


def test_a_writer_cannot_seal_its_own_row(acting_as, cast, owner):
    """The chain is the sealer's alone: chain values handed in are dropped."""
    rita = acting_as(cast.rita)
    rita.execute(
        "INSERT INTO audit_log (user_id, user_role, action, chain_seq, row_hash) "
        "VALUES (%s, 'receptionist', 'patient.read', 1, '\\x00')",
        [cast.rita],
    )
    row = owner.execute("SELECT chain_seq, row_hash FROM audit_log").fetchone()
    assert row == {"chain_seq": None, "row_hash": None}


def test_the_seal_may_be_written_once_and_changes_nothing_else(owner, logged):
    from tests.db.expect import refused

    refused(
        owner,
        "UPDATE audit_log SET chain_seq = NULL, row_hash = NULL WHERE chain_seq = %s",
        [logged[0]],
        sqlstate="HM001",
    )
    owner.execute("INSERT INTO audit_log (action) VALUES ('patient.read')")
    refused(
        owner,
        "UPDATE audit_log SET chain_seq = 999, row_hash = '\\x00', detail = 'x' WHERE chain_seq IS NULL",
        sqlstate="HM001",
    )


def test_the_background_sealer_seals_new_rows_on_its_one_connection(settings, owner_url, owner):
    import time

    from hms.audit.sealing import Sealer
    from hms.db.connect import worker_url

    owner.execute("INSERT INTO audit_log (action) VALUES ('patient.read')")
    sealer = Sealer(worker_url(settings, owner_url), every_seconds=0.05)
    sealer.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if owner.execute("SELECT count(chain_seq) AS n FROM audit_log").fetchone()["n"] == 1:
                break
            time.sleep(0.05)
    finally:
        sealer.stop()
    assert owner.execute("SELECT count(chain_seq) AS n FROM audit_log").fetchone()["n"] == 1


def test_the_seal_command_also_clears_the_identities_of_ended_connections(owner, owner_url, monkeypatch):
    """Where no app server seals (HMS_AUDIT_SEAL_SECONDS=0), `hms audit seal`
    from cron is the whole round: the chain, and the housekeeping of
    verified identities left by connections that have ended."""
    owner.execute("INSERT INTO audit_log (action) VALUES ('patient.read')")
    ended = 2_000_000_000  # no live backend has this pid
    owner.execute(
        "INSERT INTO hms_private.verified_identity (backend_pid, xact, user_id, role)"
        " VALUES (%s, '1'::xid8, 1, 'doctor')",
        [ended],
    )
    monkeypatch.setenv("HMS_DATABASE_URL", owner_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["audit", "seal"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "sealed 1 audit rows; cleared 1 ended connections' identities" in result.output
    assert owner.execute("SELECT count(chain_seq) AS n FROM audit_log").fetchone()["n"] == 1
    left = owner.execute(
        "SELECT count(*) AS n FROM hms_private.verified_identity WHERE backend_pid = %s", [ended]
    )
    assert left.fetchone()["n"] == 0
