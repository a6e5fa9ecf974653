"""Benchmark of the laboratory as a ward doctor meets it: a ward of patients
each with weeks of blood tests (an electrolytes panel and a blood count
every other day, some of them critical and not yet acknowledged), and

* the patient's lab page and one analyte's trend through HTTP, one request
  at a time, as the demo doctor;
* the ward board's one query (``critical_unacknowledged_for_patients``) for
  every patient of the ward, as the app runs it: the doctor's verified
  session, the app's role, row-level security.

The history is written once in the given database and kept for the next run:
orders and samples as the owner (backdated, which the functions would not
allow), results through the database's trigger in the nurse's session, so
every flag is the database's own.
"""

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg

from hms.bench.acting import act_as_app
from hms.bench.prescribing import _authenticate
from hms.bench.search import Timings, log_in, running_app
from hms.config import Settings
from hms.db import embedded
from hms.db.connect import ensure_database, with_database
from hms.db.migrate import migrate
from hms.db.queries import load
from hms.seed.demo import DEMO_PASSWORD

BENCH_DB = "hms_bench_lab"
DOCTOR, NURSE = "doctor", "nurse"
WARD = 30
ORDERS = 20  # per patient, every other day
PANELS = ("ELECTROLYTES", "BLOOD_COUNT")
WARM_UP = 20
TARGET_P95_MS = {"page": 150.0, "trend": 100.0, "board": 25.0}
POTASSIUM = "2823-3"


@dataclass(frozen=True)
class LabResult:
    patients: int
    results: int
    page: Timings
    trend: Timings
    board: Timings
    critical: int  # unacknowledged critical results the board found

    def lines(self) -> list[str]:
        out = [
            f"ward of {self.patients} patients, {self.results:,} results; sequential, after {WARM_UP} warm-up"
        ]
        for label, t in (
            ("lab page (HTTP)", self.page),
            ("trend (HTTP)", self.trend),
            ("ward board query", self.board),
        ):
            target = TARGET_P95_MS[t.name]
            verdict = "ok" if t.p95 <= target else "SLOWER THAN TARGET"
            out.append(
                f"{label:<20} p50 {t.p50:6.1f} ms   p95 {t.p95:6.1f} ms   "
                f"(target p95 <= {target:.0f} ms: {verdict})"
            )
        out.append(f"unacknowledged critical results on the board: {self.critical}")
        return out

    def figures(self) -> dict[str, Any]:
        figures: dict[str, Any] = {"lab_patients": self.patients, "lab_results": self.results}
        for t in (self.page, self.trend, self.board):
            figures[f"lab_{t.name}_p50_ms"] = round(t.p50, 2)
            figures[f"lab_{t.name}_p95_ms"] = round(t.p95, 2)
        figures["lab_board_critical"] = self.critical
        return figures


def bench_database(settings: Settings) -> str:
    """The owner's URL of this benchmark's database, created and migrated."""
    server = settings.database_url or embedded.start(settings.data_dir)
    ensure_database(server, BENCH_DB)
    url = with_database(server, BENCH_DB)
    migrate(url)
    return url


def _staff(conn: psycopg.Connection, doctor: str, nurse: str) -> tuple[int, int, int]:
    """The doctor's and the nurse's ids and a care unit they share."""
    row = conn.execute(
        "SELECT d.id, n.id, sd.care_unit_id FROM app_user AS d "
        "INNER JOIN staff_care_unit AS sd ON d.id = sd.user_id "
        "INNER JOIN staff_care_unit AS sn ON sd.care_unit_id = sn.care_unit_id "
        "INNER JOIN app_user AS n ON sn.user_id = n.id "
        "WHERE d.username = %s AND n.username = %s ORDER BY sd.care_unit_id LIMIT 1",
        [doctor, nurse],
    ).fetchone()
    if row is None:
        raise RuntimeError(f"no care unit that {doctor!r} and {nurse!r} share in the bench database")
    return int(row[0]), int(row[1]), int(row[2])


def prepare(
    url: str,
    *,
    ward: int = WARD,
    orders: int = ORDERS,
    doctor: str = DOCTOR,
    nurse: str = NURSE,
    say: Callable[[str], None] = print,
) -> list[int]:
    """The ward's patients, each in the unit's care with ``orders`` sampled
    and resulted orders; made once, then reused."""
    with psycopg.connect(url) as conn:
        doctor_id, nurse_id, unit = _staff(conn, doctor, nurse)
        ready = [
            int(r[0])
            for r in conn.execute(
                "SELECT patient_id FROM lab_order WHERE ordered_by = %s AND care_unit_id = %s "
                "GROUP BY patient_id HAVING count(*) >= %s ORDER BY patient_id LIMIT %s",
                [doctor_id, unit, orders, ward],
            ).fetchall()
        ]
        fresh = [
            int(r[0])
            for r in conn.execute(
                "SELECT id FROM patient AS p "
                "WHERE NOT EXISTS (SELECT 1 FROM lab_order AS o WHERE o.patient_id = p.id) "
                "ORDER BY id LIMIT %s",
                [ward - len(ready)],
            ).fetchall()
        ]
        for patient in fresh:
            _history(conn, patient, unit, doctor_id, nurse_id, orders)
        conn.execute("DELETE FROM user_session WHERE user_agent = 'bench'")
        conn.commit()
    say(f"{len(fresh)} patients given {orders} orders each; {len(ready) + len(fresh)} on the ward")
    return ready + fresh


def _history(conn: psycopg.Connection, patient: int, unit: int, doctor: int, nurse: int, orders: int) -> None:
    conn.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '60 days', NULL), 'Provtagningsserie', %s)",
        [patient, unit, doctor],
    )
    for n in range(orders, 0, -1):
        order = conn.execute(
            "INSERT INTO lab_order (patient_id, care_unit_id, ordered_by, ordered_at, status, sampled_at, "
            "sampled_by) VALUES (%s, %s, %s, now() - make_interval(days => %s), 'sampled', "
            "now() - make_interval(days => %s) + interval '1 hour', %s) RETURNING id",
            [patient, unit, doctor, 2 * n, 2 * n, nurse],
        ).fetchone()
        conn.execute(
            "INSERT INTO lab_order_item (order_id, patient_id, care_unit_id, loinc, panel_code) "
            "SELECT DISTINCT ON (pt.loinc) %s, %s, %s, pt.loinc, pt.panel_code FROM lab_panel_test AS pt "
            "WHERE pt.panel_code = ANY(%s) ORDER BY pt.loinc, pt.panel_code",
            [order[0] if order else None, patient, unit, list(PANELS)],
        )
    _authenticate(conn, nurse)
    # A value about the range (a few outside, now and then a critical potassium).
    conn.execute(
        "INSERT INTO lab_result (item_id, patient_id, loinc, value) "
        "SELECT i.id, i.patient_id, i.loinc, CASE WHEN i.loinc = %s AND random() < 0.05 THEN 6.5 ELSE round("
        "(coalesce(r.low, r.high / 3, 1) + random() * 1.2 * (coalesce(r.high, r.low * 1.5, 2) "
        "- coalesce(r.low, r.high / 3, 1)))::numeric, 1) END "
        "FROM lab_order_item AS i INNER JOIN lab_order AS o ON i.order_id = o.id "
        "INNER JOIN patient AS p ON i.patient_id = p.id "
        "LEFT JOIN LATERAL lab_range_for(i.loinc, p.sex, p.date_of_birth, o.sampled_at) AS r ON true "
        "WHERE i.patient_id = %s ORDER BY i.id",
        [POTASSIUM, patient],
    )
    _authenticate(conn, doctor)
    conn.execute(
        "INSERT INTO lab_result_ack (result_id, patient_id) SELECT r.id, r.patient_id FROM lab_result AS r "
        "WHERE r.patient_id = %s AND (r.flag IS NULL OR r.flag NOT IN ('critical_low', 'critical_high'))",
        [patient],
    )


def run(
    url: str,
    *,
    patients: list[int],
    requests: int = 200,
    seed: int = 42,
    doctor: str = DOCTOR,
    password: str = DEMO_PASSWORD,
    say: Callable[[str], None] = print,
) -> LabResult:
    """Time the lab page, the trend and the ward board's query, after a warm-up."""
    rng = random.Random(seed)
    picks = [rng.choice(patients) for _ in range(WARM_UP + requests)]
    with running_app(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        log_in(client, doctor, password)
        page = _time(client, [f"/patients/{p}/lab" for p in picks])
        trend = _time(client, [f"/patients/{p}/lab/trend?loinc={POTASSIUM}" for p in picks])
    board, critical = _time_board(url, doctor, patients, WARM_UP + requests)
    with psycopg.connect(url) as conn:
        results = conn.execute(
            "SELECT count(*) FROM lab_result WHERE patient_id = ANY(%s)", [patients]
        ).fetchone()
    say(f"{requests} of each timed")
    return LabResult(
        patients=len(patients),
        results=int(results[0]) if results else 0,
        page=Timings("page", page),
        trend=Timings("trend", trend),
        board=Timings("board", board),
        critical=critical,
    )


def _time(client: httpx.Client, urls: list[str]) -> list[float]:
    ms = []
    for i, address in enumerate(urls):
        started = time.perf_counter()
        response = client.get(address)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{address} answered {response.status_code}")
        if i >= WARM_UP:
            ms.append(elapsed)
    return ms


def _time_board(url: str, doctor: str, patients: list[int], rounds: int) -> tuple[list[float], int]:
    """The ward board's query, each round in a transaction of its own as a request's."""
    q = load("lab")
    ms: list[float] = []
    found = 0
    with psycopg.connect(url) as conn:
        user = conn.execute("SELECT id FROM app_user WHERE username = %s", [doctor]).fetchone()
        for i in range(rounds):
            with conn.transaction():
                act_as_app(conn, int(user[0]) if user else None)
                started = time.perf_counter()
                rows = q.critical_unacknowledged_for_patients(conn, patient_ids=patients)
                elapsed = (time.perf_counter() - started) * 1000
                conn.execute("RESET ROLE")
            if i >= WARM_UP:
                ms.append(elapsed)
                found = len(rows)
        conn.execute(
            "DELETE FROM user_session WHERE user_id = %s AND user_agent IS NULL", [user[0] if user else None]
        )
        conn.commit()
    return ms, found


def as_json(result: LabResult) -> str:
    return json.dumps({"bench": "lab", **result.figures()})
