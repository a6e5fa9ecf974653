"""Benchmark of what access control costs a doctor's chart page: the same app
served twice on the benchmark database (``hms_bench``), timed interleaved so
both share the machine's noise.

- *with*: the app's own role, so row-level security, the access policy and the
  audit log all run, as in production;
- *without*: the same app whose pool logs in as the schema's owner, a
  superuser that bypasses row-level security (the policy's SQL still runs and
  the audit rows are still written, so the difference is the RLS wall).

The charted patient is given a history of a few hundred signed notes and
vital-sign sets once (as the owner), and a care assignment to a unit of one
doctor, who is the one logging in; both are kept for the next run.
"""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg

from hms.bench.acting import act_as_app
from hms.bench.search import Timings, log_in
from hms.config import Settings
from hms.db.queries import load
from hms.seed.demo import DEMO_PASSWORD

WARM_UP = 30
NOTES = 300
VITALS = 200
TARGET_RATIO = 1.15
# Marks the benchmark's patient, so the next run finds and reuses it.
ASSIGNMENT_REASON = "Benchmark of access control (hms bench audit)"


@dataclass(frozen=True)
class AuditBenchResult:
    patient_id: int
    doctor: str
    entries: int
    with_rls: Timings
    without_rls: Timings

    @property
    def ratio(self) -> float:
        return self.with_rls.p95 / self.without_rls.p95

    @property
    def ratio_p50(self) -> float:
        return self.with_rls.p50 / self.without_rls.p50

    @property
    def on_target(self) -> bool:
        return self.ratio <= TARGET_RATIO

    def lines(self) -> list[str]:
        verdict = "ok" if self.on_target else "OVER TARGET"
        return [
            f"chart of patient {self.patient_id} ({self.entries} journal entries) as {self.doctor}; "
            f"{len(self.with_rls.ms)} timed requests to each app, interleaved, after {WARM_UP} warm-up each",
            f"with RLS (app role)   p50 {self.with_rls.p50:6.1f} ms  p95 {self.with_rls.p95:6.1f} ms",
            f"without RLS (owner)   p50 {self.without_rls.p50:6.1f} ms  p95 {self.without_rls.p95:6.1f} ms",
            f"ratio p95 {self.ratio:.3f} (target <= {TARGET_RATIO}: {verdict}); "
            f"ratio p50 {self.ratio_p50:.3f}",
        ]

    def as_json(self) -> str:
        return json.dumps(
            {
                "ratio": round(self.ratio, 3),
                "with_p95_ms": round(self.with_rls.p95, 2),
                "without_p95_ms": round(self.without_rls.p95, 2),
                "with_p50_ms": round(self.with_rls.p50, 2),
                "without_p50_ms": round(self.without_rls.p50, 2),
                "ratio_p50": round(self.ratio_p50, 3),
                "entries": self.entries,
                "requests": len(self.with_rls.ms),
            }
        )


# The charted patient ------------------------------------------------------------


def prepare_patient(url: str, *, say: Callable[[str], None] = print) -> tuple[int, str]:
    """The benchmark's patient and doctor: reused when a previous run made them,
    else a patient without a journal is given a history and a care assignment."""
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT a.patient_id, u.username FROM care_assignment AS a "
            "JOIN app_user AS u ON u.id = a.created_by WHERE a.reason = %s ORDER BY a.id LIMIT 1",
            [ASSIGNMENT_REASON],
        ).fetchone()
        if found:
            return int(found[0]), str(found[1])
        doctor_id, username, unit_id = _doctor(conn)
        patient_id = _fresh_patient(conn)
        say(f"writing {NOTES} signed notes and {VITALS} vital-sign sets for patient {patient_id} …")
        _write_history(conn, patient_id=patient_id, doctor_id=doctor_id, unit_id=unit_id)
        conn.execute(
            "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
            "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), %s, %s)",
            [patient_id, unit_id, ASSIGNMENT_REASON, doctor_id],
        )
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE note, note_version, note_section, vital_signs, care_assignment")
    return patient_id, username


def _doctor(conn: psycopg.Connection) -> tuple[int, str, int]:
    row = conn.execute(
        "SELECT u.id, u.username, s.care_unit_id FROM app_user AS u "
        "JOIN staff_care_unit AS s ON s.user_id = u.id "
        "WHERE u.role = 'doctor' AND u.is_active ORDER BY u.id, s.care_unit_id LIMIT 1"
    ).fetchone()
    if row is None:
        raise RuntimeError("no active doctor with a care unit in the bench database")
    return int(row[0]), str(row[1]), int(row[2])


def _fresh_patient(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "SELECT p.id FROM patient AS p WHERE NOT p.protected_identity "
        "AND NOT EXISTS (SELECT FROM note AS n WHERE n.patient_id = p.id) "
        "AND NOT EXISTS (SELECT FROM encounter AS e WHERE e.patient_id = p.id) ORDER BY p.id LIMIT 1"
    ).fetchone()
    if row is None:
        raise RuntimeError("no patient without a journal in the bench database")
    return int(row[0])


def _write_history(conn: psycopg.Connection, *, patient_id: int, doctor_id: int, unit_id: int) -> None:
    """Signed notes of three sections each (written as drafts, then signed, as the
    freeze trigger requires) and vital signs, spread over the last five years."""
    args = {"p": patient_id, "d": doctor_id, "u": unit_id, "n": NOTES, "v": VITALS}
    conn.execute(
        "INSERT INTO note (patient_id, care_unit_id, kind, created_by, created_at) "
        "SELECT %(p)s, %(u)s, (ARRAY['progress', 'nursing', 'phone', 'admission'])[1 + i %% 4]::note_kind, "
        "%(d)s, now() - (i * interval '6 days') FROM generate_series(1, %(n)s) AS i",
        args,
    )
    conn.execute(
        "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id, created_at) "
        "SELECT id, patient_id, 1, created_by, care_unit_id, created_at FROM note WHERE patient_id = %(p)s",
        args,
    )
    conn.execute(
        "INSERT INTO note_section (version_id, position, heading, body) "
        "SELECT v.id, s.position, s.heading, s.heading || ': ' || repeat('Stable, no new complaints. ', 6) "
        "FROM note_version AS v CROSS JOIN (VALUES (1, 'Current status'), (2, 'Assessment'), (3, 'Plan')) "
        "AS s (position, heading) WHERE v.patient_id = %(p)s",
        args,
    )
    conn.execute(
        "UPDATE note_version SET status = 'signed', signed_at = created_at "
        "WHERE patient_id = %(p)s AND status = 'draft'",
        args,
    )
    conn.execute(
        "INSERT INTO vital_signs (patient_id, care_unit_id, measured_at, systolic, diastolic, pulse, "
        "temperature, respiratory_rate, spo2, consciousness, recorded_by, recorded_at) "
        "SELECT %(p)s, %(u)s, now() - (i * interval '9 days'), 120 + i %% 25, 70 + i %% 15, 60 + i %% 30, "
        "36.5 + (i %% 10) / 10.0, 12 + i %% 8, 93 + i %% 7, 'A', %(d)s, now() - (i * interval '9 days') "
        "FROM generate_series(1, %(v)s) AS i",
        args,
    )


def _entries(url: str, patient_id: int) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM journal_timeline WHERE patient_id = %s", [patient_id]
        ).fetchone()
    return int(row[0]) if row else 0


# Timing ---------------------------------------------------------------------------


def run(
    url: str, *, patient_id: int, doctor: str, requests: int, say: Callable[[str], None] = print
) -> AuditBenchResult:
    chart = f"/patients/{patient_id}/journal"
    with_settings = Settings(database_url=url, app_database_url=None)
    # The owner's URL as the app's: a superuser, so row-level security is bypassed.
    without_settings = Settings(database_url=url, app_database_url=url)
    with (
        _serving(with_settings) as with_base,
        _serving(without_settings) as without_base,
        httpx.Client(base_url=with_base, timeout=30) as with_client,
        httpx.Client(base_url=without_base, timeout=30) as without_client,
    ):
        say(f"apps at {with_base} (app role) and {without_base} (owner); logging in as {doctor}")
        for client in (with_client, without_client):
            log_in(client, doctor, DEMO_PASSWORD)
            for _ in range(WARM_UP):
                _timed(client, chart)
        with_ms: list[float] = []
        without_ms: list[float] = []
        for i in range(requests):
            # Alternate which app goes first, so neither always follows the other.
            pair = [(with_client, with_ms), (without_client, without_ms)]
            for client, sink in pair if i % 2 == 0 else reversed(pair):
                sink.append(_timed(client, chart))
    return AuditBenchResult(
        patient_id=patient_id,
        doctor=doctor,
        entries=_entries(url, patient_id),
        with_rls=Timings("with", with_ms),
        without_rls=Timings("without", without_ms),
    )


def _timed(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return elapsed


@contextmanager
def _serving(settings: Settings) -> Iterator[str]:
    """The app with these settings, served by uvicorn in a background thread."""
    import socket

    import uvicorn

    from hms.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, name=f"hms-bench-{port}", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# Plans ------------------------------------------------------------------------------


def explain(url: str, *, patient_id: int, doctor: str) -> str:
    """EXPLAIN ANALYZE of the chart's summary and first timeline page, as hms_app
    with the doctor's GUCs (RLS on) and as the owner (RLS off), one after the other."""
    q = load("journal")
    timeline = {
        "patient_id": patient_id, "limit": 51, "kind": None, "from_date": None, "to_date": None,
        "author_id": None, "care_unit_id": None, "code": None, "text": None,
        "before_at": None, "before_kind": None, "before_id": None,
    }  # fmt: skip
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("chart_summary", q.chart_summary.sql, {"patient_id": patient_id}),
        ("timeline, page 1", q.timeline.sql, timeline),
    ]
    out = []
    with psycopg.connect(url) as conn:
        (user_id,) = conn.execute("SELECT id FROM app_user WHERE username = %s", [doctor]).fetchone()  # type: ignore[misc]
        for as_app in (True, False):
            conn.rollback()
            if as_app:
                act_as_app(conn, user_id)
            who = "hms_app, RLS on" if as_app else "owner, RLS bypassed"
            for title, statement, params in cases:
                # Run once first: the plan of a warm session, as the app's pooled ones are
                # (the first call of the access functions in a session compiles them).
                conn.execute(statement, params)
                rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).fetchall()
                out += [f"-- {title} ({who}, warm)", *(row[0] for row in rows), ""]
    return "\n".join(out)
