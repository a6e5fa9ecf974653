"""`hms bench reports` on the test database with a small journal: the rows
are loaded once and reused, every report is timed both ways, and the last
line's keys are there."""

import json

from hms.bench import reports
from hms.reports.figures import REPORTS
from tests.db.pnr import number


def test_reports_bench_runs_on_a_small_journal(owner_url, owner, cast, settings):
    for i in range(4):  # patients with no stay, for the bench ward's beds
        owner.execute(
            "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
            "VALUES (%s, 'Bänk', 'Patient', %s, 'male')",
            [number(f"1960020{i + 1}", "25" + str(i)), f"1960-02-0{i + 1}"],
        )
    have = reports.prepare(owner_url, rows=2000, seed=1, say=lambda _: None)
    assert have >= 1900
    assert reports.prepare(owner_url, rows=1000, seed=1, say=lambda _: None) == have
    result = reports.run(owner_url, settings, say=lambda _: None)
    assert [t.report for t in result.times] == list(REPORTS)
    out = json.loads(reports.as_json(result))
    assert out["reports_refresh_ms"] > 0 and out["reports_flow_materialised_ms"] > 0
    admissions = owner.execute("SELECT count(*) AS n FROM encounter WHERE kind = 'admission'").fetchone()["n"]
    assert admissions > 0
