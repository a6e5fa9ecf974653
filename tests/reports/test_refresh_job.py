"""`hms jobs run` refreshes the reports' figures as hms_reporter, and the
pages say how fresh they are."""

from typer.testing import CliRunner

from hms import cli
from hms.config import get_settings
from tests.access.conftest import browser  # noqa: F401  (the pages' fixture)


def test_hms_jobs_run_refreshes_the_figures(owner, owner_url, cast, history, monkeypatch):
    owner.execute("DELETE FROM report_refresh")
    owner.execute(
        "INSERT INTO diagnosis (patient_id, care_unit_id, code, recorded_by, recorded_at) "
        "SELECT p, %s, 'I10', %s, '2026-03-11 09:00+01' FROM unnest(%s::bigint[]) AS p",
        [cast.unit_med, cast.alice, history.patients],
    )
    monkeypatch.setenv("HMS_DATABASE_URL", owner_url)
    get_settings.cache_clear()
    try:
        run = CliRunner().invoke(cli.app, ["jobs", "run"])
    finally:
        get_settings.cache_clear()
    assert run.exit_code == 0, run.output
    figures = owner.execute(
        "SELECT count(*) AS n FROM pg_matviews WHERE schemaname = 'reporting'"
    ).fetchone()["n"]
    assert f"report figures refreshed: {figures}" in run.output
    assert owner.execute("SELECT count(*) AS n FROM report_refresh").fetchone()["n"] == figures
    i10 = owner.execute(
        "SELECT diagnoses FROM reporting.clinical_diagnosis_month WHERE code = 'I10' AND care_unit_id = %s",
        [cast.unit_med],
    ).fetchone()
    assert i10["diagnoses"] == 12  # six counted by hand, six more since


def test_the_pages_say_when_the_figures_were_refreshed(browser, owner, history):  # noqa: F811
    page = browser("adam").get("/reports")
    assert "Figures as of" in page.text or "Siffrorna gäller" in page.text
    owner.execute("DELETE FROM report_refresh")
    page = browser("adam").get("/reports")
    assert "reporting job has not run" in page.text or "rapportjobbet har inte körts" in page.text


def test_the_database_compiles_no_query_to_machine_code(app_conn):
    """JIT is off for HMS's database (migration 0046): its compile time was
    longer than any report it could speed up."""
    assert app_conn.execute("SHOW jit").fetchone()["jit"] == "off"
