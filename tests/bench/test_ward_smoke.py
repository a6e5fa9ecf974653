"""`hms bench ward` on the test database with a ward of two beds and a few
days of history: the beds are filled once and reused, the board answers
through HTTP in at most five statements, and the last line's keys are there."""

import json

from hms.bench import ward
from tests.cast import PASSWORD


def test_ward_bench_runs_on_a_small_ward(owner_url, owner, cast):
    # Olle, a second patient for the second bed
    owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('195003042396', 'Olle', 'Olsson', '1950-03-04', 'male')"
    )
    made = ward.prepare(owner_url, beds=2, orders=2, years=0, doctor="alice", nurse="bob", say=lambda _: None)
    assert (
        ward.prepare(owner_url, beds=2, orders=2, years=0, doctor="alice", nurse="bob", say=lambda _: None)
        == made
    )
    occupied = owner.execute(
        "SELECT count(*) AS n FROM bed_occupancy AS o INNER JOIN bed AS b ON o.bed_id = b.id "
        "INNER JOIN room AS r ON b.room_id = r.id WHERE r.ward_id = %s AND upper_inf(o.during)",
        [made],
    ).fetchone()["n"]
    assert occupied == 2
    result = ward.run(owner_url, ward=made, requests=20, nurse="bob", password=PASSWORD, say=lambda _: None)
    assert len(result.statements) <= ward.TARGET_STATEMENTS
    out = json.loads(ward.as_json(result))
    assert out["ward_beds"] == 2 and out["ward_results"] > 0 and out["ward_board_p95_ms"] > 0
