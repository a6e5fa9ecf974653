"""`hms bench pharmacy` on the test database for half a second per case: both
cases dispense without errors, the ledger still matches every balance, and
the last line's keys are there."""

import json

from hms.bench import pharmacy
from hms.db.connect import app_url


def test_pharmacy_bench_runs_without_errors(owner_url, settings):
    result = pharmacy.run(owner_url, app_url(settings, owner_url), workers=3, seconds=0.5, say=lambda _: None)
    out = json.loads(result.as_json())

    assert [case.problems for case in result.cases] == [[], []]
    for case in ("distinct", "shared"):
        assert out[f"dispenses_per_s_{case}_c3"] > 0
        assert out[f"dispense_errors_{case}_c3"] == 0
        assert f"dispense_p95_ms_{case}_c3" in out
    assert out["ledger_matches"] is True
    assert result.lines()[-1].endswith("yes")
