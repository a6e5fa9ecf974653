"""A hundred attempts at once on the same time: exactly one is booked, every
time, and each of the others hears that the time was just taken."""

import threading
from concurrent.futures import ThreadPoolExecutor
from queue import Queue

import psycopg
import pytest

from hms.db.connect import app_url
from tests.acting import Acting, session_for
from tests.db.pnr import number
from tests.scheduling.conftest import at

ATTEMPTS = 100
# The server is shared with every other test run on the machine (100
# connections in all), so the hundred attempts go through this many
# connections, all started together: each waits on the one that got there first.
CONNECTIONS = 24
ROUNDS = 5


@pytest.fixture()
def patients(owner) -> list[int]:
    rows = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "SELECT p.pnr, 'Race', 'Patient ' || g, '1960-01-01', 'female' "
        "FROM generate_series(1, %s) AS g, LATERAL (SELECT %s::text[] AS pnrs) AS s, "
        "LATERAL (SELECT s.pnrs[g] AS pnr) AS p RETURNING id",
        [ATTEMPTS, [number("19600101", f"{i:03d}") for i in range(1, ATTEMPTS + 1)]],
    ).fetchall()
    return [r["id"] for r in rows]


def race(connections: Queue, patients: list[int], type_id: int, clinician: int, start) -> list[str]:
    """Each patient tries to book the same time; returns each attempt's outcome."""
    go = threading.Event()

    def attempt(patient: int) -> str:
        conn = connections.get()
        try:
            go.wait()
            try:
                conn.execute("SELECT appointment_book(%s, %s, %s, %s)", [patient, type_id, clinician, start])
                return "booked"
            except psycopg.Error as exc:
                return exc.diag.constraint_name or exc.sqlstate or "?"
        finally:
            connections.put(conn)

    with ThreadPoolExecutor(max_workers=len(patients)) as pool:
        futures = [pool.submit(attempt, p) for p in patients]
        go.set()
        return [f.result() for f in futures]


def test_a_hundred_attempts_on_one_time_book_it_exactly_once_every_time(
    settings, owner_url, owner, cast, clinic, patients
):
    token = session_for(owner, cast.rita)
    connections: Queue = Queue()
    opened = []
    for _ in range(CONNECTIONS):
        conn = psycopg.connect(app_url(settings, owner_url), autocommit=True)
        opened.append(conn)
        connections.put(Acting(conn, token, cast.rita))
    try:
        for round_ in range(ROUNDS):
            start = at(2 + round_ // 2, 9 + round_)
            outcomes = race(connections, patients, clinic.visit, cast.alice, start)
            assert outcomes.count("booked") == 1, outcomes
            assert set(outcomes) == {"booked", "appointment_slot_taken"}, set(outcomes)
            booked = owner.execute(
                "SELECT count(*) AS n FROM appointment WHERE clinician_id = %s AND lower(during) = %s "
                "AND status = 'booked'",
                [cast.alice, start],
            ).fetchone()["n"]
            assert booked == 1
    finally:
        for conn in opened:
            conn.close()
