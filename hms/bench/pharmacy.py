"""Benchmark of dispensing: how many dispenses a second the pharmacy's
database takes from concurrent pharmacists, each through its own connection
as the app's role and its own verified session, each dispense one
transaction (``hms_authenticate`` then ``pharmacy_dispense``), as a request's
would be.

Two cases, with the same number of workers:

- **distinct**: every worker dispenses against its own prescription of its
  own drug, so each locks a batch no one else touches;
- **shared**: every worker dispenses against one prescription, from one
  batch, so each waits its turn for that batch's row lock (first expiry
  first out makes this the common case for a popular drug).

It runs on its own database (``hms_bench_pharmacy``), made anew each run,
with a hospital of one ward, one doctor, one pharmacist and a patient per
worker. The result's ``figures`` are printed as one JSON object on the last
line; another measurement (the prescribing checks' p95, say) adds its keys
to ``figures`` before it is printed.
"""

import hashlib
import json
import os
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from hms.accounts.passwords import hash_password
from hms.config import Settings
from hms.db import embedded
from hms.db.connect import ensure_database, with_database
from hms.seed.demo import recreate_database

BENCH_DB = "hms_bench_pharmacy"
STOCK = 1_000_000  # units per batch: more than any run takes
CASES = ("distinct", "shared")


def bench_database(settings: Settings, name: str = BENCH_DB) -> str:
    """The owner's URL of the bench database, dropped, created and migrated."""
    server = settings.database_url or embedded.start(settings.data_dir)
    ensure_database(server, name)
    url = with_database(server, name)
    recreate_database(url)
    return url


@dataclass(frozen=True)
class World:
    pharmacist: int
    prescriptions: list[int]  # one per worker, each of its own drug


def prepare(url: str, *, workers: int) -> World:
    """A ward, a doctor and a pharmacist, a patient in care per worker, a drug
    per worker with one big batch in the central pharmacy, and an approved
    prescription of each; as the schema's owner, acting through sessions as
    the doctor and the pharmacist so the database fills who did what."""
    with psycopg.connect(url) as conn:
        dept = _id(conn, "INSERT INTO department (code, name) VALUES ('BENCH', 'Bench') RETURNING id")
        unit = _id(
            conn,
            "INSERT INTO care_unit (department_id, code, name, kind) "
            "VALUES (%s, 'BENCH', 'Bench ward', 'inpatient') RETURNING id",
            dept,
        )
        secret = hash_password(secrets.token_urlsafe(16))
        doctor, pharmacist = (_staff(conn, name, role, secret, unit) for name, role in _STAFF)
        conn.execute(
            "INSERT INTO atc_group (code, name_sv, name_en) VALUES ('N02BE', 'Anilider', 'Anilides') "
            "ON CONFLICT DO NOTHING"
        )
        conn.execute("INSERT INTO stock_location (kind, name) VALUES ('pharmacy', 'Bench pharmacy')")
        drugs = [
            _id(
                conn,
                "INSERT INTO drug (generic_name, atc_code, form, strength, strength_unit, dose_unit, routes, "
                "stock_unit) VALUES (%s, 'N02BE01', 'tablet', 500, 'mg', 'mg', '{oral}', 'tablet') "
                "RETURNING id",
                f"Bench drug {n + 1}",
            )
            for n in range(workers)
        ]
        _act(conn, pharmacist)
        lines = [
            {"drug_id": d, "lot": f"B{d}", "expires_on": "2099-12-31", "quantity": STOCK, "unit_cost": 1}
            for d in drugs
        ]
        conn.execute("SELECT pharmacy_receive('Bench AB', NULL, %s::jsonb)", [json.dumps(lines)])
        prescriptions = [
            _prescription(conn, unit, doctor, pharmacist, drug, n) for n, drug in enumerate(drugs)
        ]
        conn.execute("DELETE FROM user_session")
    return World(pharmacist, prescriptions)


_STAFF = (("bench.doctor", "doctor"), ("bench.pharmacist", "pharmacist"))


def _id(conn: psycopg.Connection, query: str, *params: object) -> int:
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise RuntimeError("INSERT … RETURNING gave no row")
    return int(row[0])


def _staff(conn: psycopg.Connection, username: str, role: str, secret: str, unit: int) -> int:
    user = _id(
        conn,
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES (%s, %s, %s, %s) RETURNING id",
        username,
        secret,
        role,
        username,
    )
    conn.execute(
        "INSERT INTO staff_profile (user_id, role, profession) VALUES (%s, %s, 'Bench')", [user, role]
    )
    conn.execute("INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [user, unit])
    return user


def _session(conn: psycopg.Connection, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO user_session (token_hash, user_id, csrf_token, idle_limit) "
        "VALUES (%s, %s, %s, interval '12 hours')",
        [hashlib.sha256(token.encode()).digest(), user_id, secrets.token_urlsafe(32)],
    )
    return token


def _act(conn: psycopg.Connection, user_id: int) -> None:
    conn.execute("SELECT count(*) FROM hms_authenticate(%s)", [_session(conn, user_id)])


def _prescription(
    conn: psycopg.Connection, unit: int, doctor: int, pharmacist: int, drug: int, n: int
) -> int:
    patient = _id(
        conn,
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, 'Bench', %s, '1950-01-01', 'other') RETURNING id",
        _personal_number(n),
        f"Patient {n + 1}",
    )
    conn.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Bench', %s)",
        [patient, unit, doctor],
    )
    _act(conn, doctor)
    row = conn.execute(
        "INSERT INTO prescription_version (patient_id, drug_id, change, care_unit_id, dose, dose_unit, "
        "route, schedule, times_of_day, starts_at) "
        "VALUES (%s, %s, 'prescribed', %s, 500, 'mg', 'oral', 'times', '{08:00}', now()) "
        "RETURNING prescription_id, id",
        [patient, drug, unit],
    ).fetchone()
    if row is None:
        raise RuntimeError("no prescription")
    _act(conn, pharmacist)
    conn.execute(
        "INSERT INTO prescription_review (prescription_id, version_id, outcome) VALUES (%s, %s, 'approved')",
        [row[0], row[1]],
    )
    return int(row[0])


def _personal_number(n: int) -> str:
    """A valid Swedish personal identity number for 1950-01-01, serial n (Luhn)."""
    body = f"500101{n % 998 + 1:03d}"
    digits = [int(c) * (2 - i % 2) for i, c in enumerate(body)]
    check = (10 - sum(d // 10 + d % 10 for d in digits) % 10) % 10
    return f"19{body}{check}"


@dataclass
class Case:
    name: str
    workers: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, p: int) -> float:
        ms = self.latencies_ms
        if len(ms) < 2:
            return ms[0] if ms else float("nan")
        return statistics.quantiles(ms, n=100, method="inclusive")[p - 1]

    def line(self) -> str:
        return (
            f"{self.name:<9} {self.workers} workers: {self.rate:8.1f} dispenses/s over {self.seconds:.1f} s "
            f"({len(self.latencies_ms)} dispensed), p50 {self.percentile(50):6.1f} ms, "
            f"p95 {self.percentile(95):6.1f} ms; errors {self.errors}"
        )


def run_case(app_url: str, owner_url: str, world: World, *, name: str, workers: int, seconds: float) -> Case:
    """``workers`` threads dispensing one unit at a time for ``seconds``."""
    with psycopg.connect(owner_url, autocommit=True) as owner:
        tokens = [_session(owner, world.pharmacist) for _ in range(workers)]
    targets = world.prescriptions[:workers] if name == "distinct" else [world.prescriptions[0]] * workers
    samples: list[list[float]] = [[] for _ in range(workers)]
    errors: list[str] = []
    start = threading.Barrier(workers + 1)
    state = {"until": 0.0}

    def work(n: int) -> None:
        with psycopg.connect(app_url) as conn:
            start.wait()
            while time.perf_counter() < state["until"]:
                began = time.perf_counter()
                try:
                    with conn.transaction():
                        conn.execute("SELECT count(*) FROM hms_authenticate(%s)", [tokens[n]])
                        conn.execute("SELECT pharmacy_dispense(%s, 1)", [targets[n]])
                    samples[n].append((time.perf_counter() - began) * 1000)
                except psycopg.Error as exc:
                    errors.append(f"{exc.sqlstate}: {exc}")

    threads = [
        threading.Thread(target=work, args=(n,), name=f"hms-bench-dispenser-{n}") for n in range(workers)
    ]
    for t in threads:
        t.start()
    state["until"] = time.perf_counter() + 3600  # set for real once everyone is connected
    start.wait()
    state["until"] = time.perf_counter() + seconds
    for t in threads:
        t.join()
    return Case(name, workers, seconds, [ms for s in samples for ms in s], len(errors), errors[:5])


@dataclass
class PharmacyResult:
    workers: int
    seconds: float
    cases: list[Case]
    ledger_matches: bool
    # Every figure of the last line's JSON; more measurements add theirs here.
    figures: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"dispensing, one unit per transaction (hms_authenticate + pharmacy_dispense) as the app's role; "
            f"{self.workers} workers, each its own connection and session; "
            f"{os.cpu_count()} cores shared with PostgreSQL and this load generator",
        ]
        out += [case.line() for case in self.cases]
        out += [f"    ! {p}" for case in self.cases for p in case.problems]
        out.append(
            f"every batch's quantity equals its ledger's sum: {'yes' if self.ledger_matches else 'NO'}"
        )
        return out

    def as_json(self) -> str:
        return json.dumps(
            {k: (None if isinstance(v, float) and v != v else v) for k, v in self.figures.items()}
        )


def ledger_matches(owner_url: str) -> bool:
    with psycopg.connect(owner_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM stock_batch AS b WHERE b.quantity <> coalesce("
            "(SELECT sum(l.quantity) FROM stock_ledger AS l WHERE l.batch_id = b.id), 0)"
        ).fetchone()
    return row is not None and row[0] == 0


def run(
    owner_url: str,
    app_url: str,
    *,
    workers: int,
    seconds: float,
    say: Callable[[str], None] = print,
) -> PharmacyResult:
    world = prepare(owner_url, workers=workers)
    cases = []
    for name in CASES:
        say(f"{name}: {workers} workers for {seconds:.0f} s")
        cases.append(run_case(app_url, owner_url, world, name=name, workers=workers, seconds=seconds))
    result = PharmacyResult(workers, seconds, cases, ledger_matches(owner_url))
    for case in cases:
        key = f"{case.name}_c{workers}"
        result.figures[f"dispenses_per_s_{key}"] = round(case.rate, 1)
        result.figures[f"dispense_p50_ms_{key}"] = round(case.percentile(50), 1)
        result.figures[f"dispense_p95_ms_{key}"] = round(case.percentile(95), 1)
        result.figures[f"dispense_errors_{key}"] = case.errors
    result.figures |= {
        "ledger_matches": result.ledger_matches,
        "workers": workers,
        "seconds": seconds,
        "cores": os.cpu_count(),
    }
    return result
