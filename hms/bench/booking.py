"""Benchmark of scheduling in the database, as reception meets it: a unit of
50 clinicians with weekday hours, a third of four weeks already booked.

* the free-slot search (appointment_free_slots, any clinician, four weeks),
  timed one call at a time, as the app's role in a receptionist's session;
* bookings per second with 16 concurrent clients, each booking free times no
  other client books (appointment_book, one transaction each);
* a 100-way race on one time: how many bookings of it were made (must be 1).

The unit and its people are made once in `hms_bench_booking`; the bookings
are made anew on each run.
"""

import hashlib
import json
import random
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from queue import Queue
from typing import Any

import psycopg

from hms.accounts.passwords import hash_password
from hms.bench.search import Timings
from hms.config import Settings
from hms.db import embedded
from hms.db.connect import app_url, ensure_database, with_database
from hms.db.migrate import migrate

BENCH_DB = "hms_bench_booking"
CLINICIANS = 50
PATIENTS = 6000
WEEKS = 4
PREBOOKED = 1 / 3
TARGET_P95_MS = 100.0
WARM_UP = 20
UNIT_CODE = "BENCH-BOOK"
Conn = psycopg.Connection[Any]


@dataclass(frozen=True)
class BookingResult:
    search: Timings
    search_all: Timings  # every free time of the four weeks: the search with no early end
    clients: int
    bookings: int
    seconds: float
    race_attempts: int
    race_connections: int
    race_booked: int

    @property
    def per_second(self) -> float:
        return self.bookings / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        verdict = "ok" if self.search.p95 <= TARGET_P95_MS else "SLOWER THAN TARGET"
        return [
            f"free-slot search, {CLINICIANS} clinicians, {WEEKS} weeks: p50 {self.search.p50:.1f} ms, "
            f"p95 {self.search.p95:.1f} ms over {len(self.search.ms)} searches "
            f"(target p95 <= {TARGET_P95_MS:.0f} ms: {verdict})",
            f"every free time of the {WEEKS} weeks (no early end, the worst case): "
            f"p50 {self.search_all.p50:.1f} ms, p95 {self.search_all.p95:.1f} ms "
            f"over {len(self.search_all.ms)} searches",
            f"bookings: {self.bookings} by {self.clients} concurrent clients on distinct times in "
            f"{self.seconds:.2f} s = {self.per_second:.0f} bookings/s",
            f"race: {self.race_attempts} attempts on one time through {self.race_connections} connections: "
            f"{self.race_booked} booked, double bookings {max(self.race_booked - 1, 0)}",
        ]

    def as_json(self) -> str:
        return json.dumps(
            {
                "bench": "booking",
                "search_p50_ms": round(self.search.p50, 2),
                "search_p95_ms": round(self.search.p95, 2),
                "searches": len(self.search.ms),
                "search_on_target": self.search.p95 <= TARGET_P95_MS,
                "search_all_p95_ms": round(self.search_all.p95, 2),
                "clients": self.clients,
                "bookings": self.bookings,
                "bookings_per_second": round(self.per_second, 1),
                "race_attempts": self.race_attempts,
                "race_booked": self.race_booked,
                "double_bookings": max(self.race_booked - 1, 0),
            }
        )


def bench_database(settings: Settings) -> str:
    """The owner's URL of this benchmark's database, created and migrated."""
    server = settings.database_url or embedded.start(settings.data_dir)
    ensure_database(server, BENCH_DB)
    url = with_database(server, BENCH_DB)
    migrate(url)
    return url


def _pnr(n: int) -> str:
    """A valid personal identity number of someone born in January 1970 (serials 001-999)."""
    body = f"7001{n % 28 + 1:02d}{n // 28 % 999 + 1:03d}"
    total = 0
    for i, ch in enumerate(body):
        d = int(ch) * (2 - i % 2)
        total += d // 10 + d % 10
    return f"19{body}{(10 - total % 10) % 10}"


def prepare(url: str, *, say: Callable[[str], None] = print) -> dict[str, Any]:
    """The unit, its 50 clinicians with weekday hours, a receptionist, a type and
    the patients (made once); returns their ids."""
    with psycopg.connect(url) as conn:
        unit = conn.execute("SELECT id FROM care_unit WHERE code = %s", [UNIT_CODE]).fetchone()
        if unit is None:
            _make(conn)
            say(f"made unit {UNIT_CODE} with {CLINICIANS} clinicians and {PATIENTS} patients")
        return _ids(conn)


def _one(row: Any) -> Any:
    """The first value of a row a statement must return."""
    if row is None:
        raise RuntimeError("the bench database lacks a row it was given")
    return row[0]


def _make(conn: Conn) -> None:
    password = hash_password(secrets.token_urlsafe(16))
    dept = _one(
        conn.execute("INSERT INTO department (code, name) VALUES ('BENCH', 'Bench') RETURNING id").fetchone()
    )
    unit = _one(
        conn.execute(
            "INSERT INTO care_unit (department_id, code, name, kind) "
            "VALUES (%s, %s, 'Bench clinic', 'outpatient') RETURNING id",
            [dept, UNIT_CODE],
        ).fetchone()
    )
    for n in range(CLINICIANS + 1):
        role, name = ("receptionist", "bench_desk") if n == CLINICIANS else ("doctor", f"bench_doc_{n}")
        user = _one(
            conn.execute(
                "INSERT INTO app_user (username, password_hash, role, full_name) "
                "VALUES (%s, %s, %s, %s) RETURNING id",
                [name, password, role, name],
            ).fetchone()
        )
        conn.execute(
            "INSERT INTO staff_profile (user_id, role, profession) VALUES (%s, %s, 'Bench')", [user, role]
        )
        conn.execute("INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [user, unit])
        if role == "doctor":
            conn.execute(
                "INSERT INTO working_hours (clinician_id, care_unit_id, weekday, starts_at, ends_at) "
                "SELECT %s, %s, d, '08:00', '16:00' FROM generate_series(1, 5) AS d",
                [user, unit],
            )
    conn.execute(
        "INSERT INTO appointment_type (care_unit_id, name, duration_minutes) VALUES (%s, 'Bench visit', 30)",
        [unit],
    )
    with (
        conn.cursor() as cur,
        cur.copy(
            "COPY patient (personal_number, given_name, family_name, date_of_birth, sex) FROM STDIN"
        ) as copy,
    ):
        for n in range(PATIENTS):
            pnr = _pnr(n)
            copy.write_row([pnr, "Bench", f"Patient {n}", f"{pnr[:4]}-{pnr[4:6]}-{pnr[6:8]}", "female"])


def _ids(conn: Conn) -> dict[str, Any]:
    unit = _one(conn.execute("SELECT id FROM care_unit WHERE code = %s", [UNIT_CODE]).fetchone())
    type_id = _one(conn.execute("SELECT id FROM appointment_type WHERE care_unit_id = %s", [unit]).fetchone())
    desk = _one(conn.execute("SELECT id FROM app_user WHERE username = 'bench_desk'").fetchone())
    clinicians = [
        r[0] for r in conn.execute("SELECT id FROM app_user WHERE username LIKE 'bench\\_doc\\_%%'")
    ]
    patients = [r[0] for r in conn.execute("SELECT id FROM patient WHERE given_name = 'Bench' ORDER BY id")]
    return {"unit": unit, "type": type_id, "desk": desk, "clinicians": clinicians, "patients": patients}


def _reset(url: str, ids: dict[str, Any], rng: random.Random) -> None:
    """Forget the last run's bookings and book a third of the four weeks again."""
    with psycopg.connect(url) as conn:
        ours = "SELECT id FROM appointment WHERE care_unit_id = %s"
        for table in ("mail_outbox", "patient_notice", "appointment_event", "waitlist_offer"):
            column = (
                "notice_id IN (SELECT id FROM patient_notice WHERE appointment_id"
                if table == "mail_outbox"
                else ("appointment_id")
            )
            close = ")" if table == "mail_outbox" else ""
            conn.execute(f"DELETE FROM {table} WHERE {column} IN ({ours}){close}", [ids["unit"]])  # noqa: S608
        conn.execute("DELETE FROM appointment WHERE care_unit_id = %s", [ids["unit"]])
        slots = conn.execute(
            "WITH days AS (SELECT d::date AS day FROM generate_series(current_date + 1, current_date + %s, "
            "interval '1 day') AS d WHERE extract(ISODOW FROM d) < 6) "
            "SELECT h.clinician_id, g.t AT TIME ZONE 'Europe/Stockholm' FROM working_hours AS h "
            "JOIN days ON true CROSS JOIN LATERAL generate_series(days.day + h.starts_at, "
            "days.day + h.ends_at - interval '30 minutes', interval '30 minutes') AS g (t) "
            "WHERE h.care_unit_id = %s AND h.weekday = extract(ISODOW FROM days.day)",
            [WEEKS * 7, ids["unit"]],
        ).fetchall()
        chosen = [s for s in slots if rng.random() < PREBOOKED]
        patients = ids["patients"]
        rows = [(patients[i % len(patients)], s[0], s[1]) for i, s in enumerate(chosen)]
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode) "
                "VALUES (%s, %s, %s, %s, tstzrange(%s, %s + interval '30 minutes'), 'in_person') "
                "ON CONFLICT DO NOTHING",
                [(p, ids["type"], ids["unit"], c, at, at) for p, c, at in rows],
            )
        conn.execute("ANALYZE appointment")


def _session(url: str, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO user_session (token_hash, user_id, csrf_token, user_agent) "
            "VALUES (%s, %s, %s, 'bench')",
            [hashlib.sha256(token.encode()).digest(), user_id, secrets.token_urlsafe(32)],
        )
    return token


def _in_session(conn: Conn, token: str, statement: str, params: list[Any]) -> list[Any]:
    with conn.transaction():
        conn.execute("SELECT hms_authenticate(%s)", [token])
        return conn.execute(statement, params).fetchall()


def run(
    url: str,
    settings: Settings,
    *,
    searches: int = 200,
    clients: int = 16,
    bookings: int = 1600,
    race_connections: int = 32,
    seed: int = 42,
    say: Callable[[str], None] = print,
) -> BookingResult:
    rng = random.Random(seed)
    ids = prepare(url, say=say)
    _reset(url, ids, rng)
    app = app_url(settings, url)
    token = _session(url, ids["desk"])
    search_ms = _time_searches(app, token, ids, searches, limit=20)
    all_ms = _time_searches(app, token, ids, max(searches // 4, 20), limit=100_000)
    say(f"{searches} searches timed")
    made, seconds = _book_concurrently(app, token, ids, clients, bookings)
    say(f"{made} bookings by {clients} clients")
    attempts, booked = _race(url, app, token, ids, race_connections)
    with psycopg.connect(url) as conn:
        conn.execute("DELETE FROM user_session WHERE user_id = %s AND user_agent = 'bench'", [ids["desk"]])
    return BookingResult(
        Timings("search", search_ms),
        Timings("search_all", all_ms),
        clients,
        made,
        seconds,
        attempts,
        race_connections,
        booked,
    )


def _time_searches(app: str, token: str, ids: dict[str, Any], n: int, *, limit: int) -> list[float]:
    ms: list[float] = []
    with psycopg.connect(app, autocommit=True) as conn:
        for i in range(WARM_UP + n):
            start = datetime.now(UTC)
            began = time.perf_counter()
            rows = _in_session(
                conn,
                token,
                "SELECT clinician_id, starts_at FROM appointment_free_slots(%s, %s, %s, NULL, %s)",
                [ids["type"], start, start + timedelta(weeks=WEEKS), limit],
            )
            elapsed = (time.perf_counter() - began) * 1000
            if not rows:
                raise RuntimeError("the free-slot search found no free time")
            if i >= WARM_UP:
                ms.append(elapsed)
    return ms


def _free_times(app: str, token: str, ids: dict[str, Any], n: int) -> list[tuple[int, datetime]]:
    with psycopg.connect(app, autocommit=True) as conn:
        start = datetime.now(UTC) + timedelta(days=1)
        rows = _in_session(
            conn,
            token,
            "SELECT clinician_id, starts_at FROM appointment_free_slots(%s, %s, %s, NULL, %s)",
            [ids["type"], start, start + timedelta(weeks=WEEKS), n],
        )
    return [(r[0], r[1]) for r in rows]


def _book_concurrently(
    app: str, token: str, ids: dict[str, Any], clients: int, bookings: int
) -> tuple[int, float]:
    """Each client books its own share of distinct free times, each for its own patient."""
    times = _free_times(app, token, ids, bookings)
    patients = ids["patients"][-len(times) :]
    shares = [list(zip(times[i::clients], patients[i::clients], strict=True)) for i in range(clients)]
    ready = threading.Barrier(clients + 1)

    def client(share: list[tuple[tuple[int, datetime], int]]) -> int:
        made = 0
        with psycopg.connect(app, autocommit=True) as conn:
            ready.wait()
            for (clinician, starts), patient in share:
                _in_session(
                    conn,
                    token,
                    "SELECT appointment_book(%s, %s, %s, %s)",
                    [patient, ids["type"], clinician, starts],
                )
                made += 1
        return made

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(client, share) for share in shares]
        ready.wait()
        began = time.perf_counter()
        made = sum(f.result() for f in futures)
        seconds = time.perf_counter() - began
    return made, seconds


def _race(url: str, app: str, token: str, ids: dict[str, Any], connections: int) -> tuple[int, int]:
    """100 attempts, each for another patient, on one free time, all let go at once."""
    clinician, starts = _free_times(app, token, ids, 1)[0]
    patients = ids["patients"][:100]
    pool: Queue[Conn] = Queue()
    opened = [psycopg.connect(app, autocommit=True) for _ in range(connections)]
    for conn in opened:
        pool.put(conn)
    go = threading.Event()

    def attempt(patient: int) -> None:
        conn = pool.get()
        try:
            go.wait()
            try:
                _in_session(
                    conn,
                    token,
                    "SELECT appointment_book(%s, %s, %s, %s)",
                    [patient, ids["type"], clinician, starts],
                )
            except psycopg.Error:
                pass  # lost the race, as all but one must
        finally:
            pool.put(conn)

    try:
        with ThreadPoolExecutor(max_workers=len(patients)) as workers:
            futures = [workers.submit(attempt, p) for p in patients]
            go.set()
            for f in futures:
                f.result()
    finally:
        for conn in opened:
            conn.close()
    with psycopg.connect(url) as conn:
        booked = conn.execute(
            "SELECT count(*) FROM appointment "
            "WHERE clinician_id = %s AND lower(during) = %s AND status = 'booked'",
            [clinician, starts],
        ).fetchone()
    return len(patients), int(booked[0]) if booked else 0
