"""`hms bench lab` on the test database with a ward of one (Greta, in Dr
Alice's unit) and a few orders: the pages answer, the board's query runs as
the app, the flags are the database's, and the last line's keys are there."""

import json

from hms.bench import lab
from tests.cast import PASSWORD


def test_lab_bench_runs_on_a_small_ward(owner_url, owner, cast):
    ward = lab.prepare(owner_url, ward=1, orders=3, doctor="alice", nurse="bob", say=lambda _: None)
    assert ward == [cast.greta_patient]
    assert lab.prepare(owner_url, ward=1, orders=3, doctor="alice", nurse="bob", say=lambda _: None) == ward
    flags = owner.execute("SELECT count(*) AS n, count(flag) AS flagged FROM lab_result").fetchone()
    assert flags["n"] == 3 * 12 and flags["flagged"] > 0
    result = lab.run(
        owner_url, patients=ward, requests=20, doctor="alice", password=PASSWORD, say=lambda _: None
    )
    out = json.loads(lab.as_json(result))
    assert out["lab_patients"] == 1 and out["lab_results"] == 36
    for name in ("page", "trend", "board"):
        assert out[f"lab_{name}_p95_ms"] > 0
