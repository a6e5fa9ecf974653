"""`hms jobs run` does the timed work as the worker role, and a second run sends nothing."""

from typer.testing import CliRunner

from hms import cli
from hms.config import get_settings


def test_hms_jobs_run_twice_sends_each_reminder_once(owner, owner_url, cast, clinic, monkeypatch):
    owner.execute(
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode) "
        "VALUES (%s, %s, %s, %s, tstzrange(now() + interval '3 hours', now() + interval '3.5 hours'), 'in_person')",
        [cast.greta_patient, clinic.visit, cast.unit_med, cast.alice],
    )
    monkeypatch.setenv("HMS_DATABASE_URL", owner_url)
    get_settings.cache_clear()
    try:
        first = CliRunner().invoke(cli.app, ["jobs", "run"])
        second = CliRunner().invoke(cli.app, ["jobs", "run"])
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert "reminders sent: 1" in first.output
    assert "reminders sent: 0" in second.output
    assert (
        owner.execute("SELECT count(*) AS n FROM patient_notice WHERE kind = 'reminder'").fetchone()["n"] == 1
    )
