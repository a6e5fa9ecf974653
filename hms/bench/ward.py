"""Benchmark of the ward board as the ward's nurse meets it: a ward of 30
beds, every bed occupied by a patient with two years of vitals (a full
NEWS2 set every 4 hours), two years of blood tests (an electrolytes panel
and a blood count every other day, now and then a critical potassium not
yet acknowledged), care plans and allergies; then the board's page through
HTTP, one request at a time, with the SQL statements of one request counted
(the app runs in this process, so psycopg's cursor can be wrapped).

The ward and its history are written once in the given database, as the
owner (backdated, which the functions would not allow; results through the
database's trigger in the nurse's session, so every flag is the database's
own), and kept for the next run.
"""

import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg

from hms.bench import lab
from hms.bench.cost import StatementCounter
from hms.bench.search import Timings, log_in, running_app
from hms.config import Settings
from hms.db import embedded
from hms.db.connect import ensure_database, with_database
from hms.db.migrate import migrate
from hms.seed.demo import DEMO_PASSWORD

BENCH_DB = "hms_bench_ward"
DOCTOR, NURSE = "doctor", "nurse"
WARD_NAME = "Avdelning 30 (bänk)"
BEDS = 30
YEARS = 2
ORDERS = 365  # every other day for two years
WARM_UP = 20
COUNTED = 10  # requests whose statements are counted
TARGET_P95_MS = 30.0
TARGET_STATEMENTS = 5
# The tables the history fills, analysed afterwards so the plans see it.
FILLED = (
    "vital_signs",
    "lab_order",
    "lab_order_item",
    "lab_result",
    "lab_result_ack",
    "care_plan",
    "allergy",
)


@dataclass(frozen=True)
class WardResult:
    beds: int
    vitals: int
    results: int
    board: Timings
    statements: list[tuple[str, float]] = field(default_factory=list)
    red: int = 0
    overdue: int = 0

    def lines(self) -> list[str]:
        t = self.board
        verdict = "ok" if t.p95 <= TARGET_P95_MS else "SLOWER THAN TARGET"
        count_ok = "ok" if len(self.statements) <= TARGET_STATEMENTS else "MORE THAN TARGET"
        return [
            f"ward of {self.beds} beds: {self.vitals:,} vital-sign sets, {self.results:,} lab results; "
            f"sequential, after {WARM_UP} warm-up",
            f"ward board (HTTP)   p50 {t.p50:6.1f} ms   p95 {t.p95:6.1f} ms   "
            f"(target p95 <= {TARGET_P95_MS:.0f} ms: {verdict})",
            f"SQL statements in one board request: {len(self.statements)} "
            f"(target <= {TARGET_STATEMENTS}: {count_ok})",
            *(f"  {n}. {ms:6.2f} ms  {label}" for n, (label, ms) in enumerate(self.statements, start=1)),
            f"on the board: {self.red} red NEWS2, {self.overdue} with vitals overdue",
        ]

    def figures(self) -> dict[str, Any]:
        return {
            "ward_beds": self.beds,
            "ward_vitals": self.vitals,
            "ward_results": self.results,
            "ward_board_p50_ms": round(self.board.p50, 2),
            "ward_board_p95_ms": round(self.board.p95, 2),
            "ward_board_statements": len(self.statements),
        }


def bench_database(settings: Settings) -> str:
    """The owner's URL of this benchmark's database, created and migrated."""
    server = settings.database_url or embedded.start(settings.data_dir)
    ensure_database(server, BENCH_DB)
    url = with_database(server, BENCH_DB)
    migrate(url)
    return url


def prepare(
    url: str,
    *,
    beds: int = BEDS,
    orders: int = ORDERS,
    years: int = YEARS,
    doctor: str = DOCTOR,
    nurse: str = NURSE,
    seed: int = 42,
    say: Callable[[str], None] = print,
) -> int:
    """The bench ward, every bed occupied by a patient with a history; made
    once, then reused. Returns the ward's id."""
    rng = random.Random(seed)
    with psycopg.connect(url) as conn:
        doctor_id, nurse_id, unit = lab._staff(conn, doctor, nurse)
        ward, free = _ward(conn, unit, beds)
        patients = _free_patients(conn, len(free))
        for n, (bed, patient) in enumerate(zip(free, patients, strict=True), start=1):
            _admit(conn, rng, bed, patient, unit, doctor_id, nurse_id)
            _vitals(conn, rng, patient, unit, nurse_id, years)
            lab._history(conn, patient, unit, doctor_id, nurse_id, orders)
            _acknowledge_old(conn, patient)
            _care(conn, rng, patient, unit, doctor_id, nurse_id)
            if n % 5 == 0:
                say(f"  {n} of {len(free)} beds given their history")
        conn.execute("DELETE FROM user_session WHERE user_agent = 'bench'")
        conn.commit()
    if free:
        with psycopg.connect(url, autocommit=True) as conn:
            for table in FILLED:
                conn.execute(f"VACUUM ANALYZE {table}")  # noqa: S608  (our own table names)
    say(f"{len(free)} beds newly occupied; the ward has {beds}")
    return ward


def _ward(conn: psycopg.Connection, unit: int, beds: int) -> tuple[int, list[int]]:
    """The bench ward of the unit (made with its rooms of two beds if missing) and its free beds."""
    row = conn.execute(
        "SELECT id FROM ward WHERE care_unit_id = %s AND name = %s", [unit, WARD_NAME]
    ).fetchone()
    if row is None:
        ward = int(conn.execute(
            "INSERT INTO ward (care_unit_id, name) VALUES (%s, %s) RETURNING id", [unit, WARD_NAME]
        ).fetchone()[0])  # type: ignore[index]  # fmt: skip
        for n in range(beds):
            if n % 2 == 0:
                room = conn.execute(
                    "INSERT INTO room (ward_id, name) VALUES (%s, %s) RETURNING id", [ward, str(n // 2 + 1)]
                ).fetchone()
            conn.execute(
                "INSERT INTO bed (room_id, label) VALUES (%s, %s)", [room[0] if room else None, "AB"[n % 2]]
            )
    else:
        ward = int(row[0])
    free = [
        int(r[0])
        for r in conn.execute(
            "SELECT b.id FROM bed AS b INNER JOIN room AS r ON b.room_id = r.id WHERE r.ward_id = %s "
            "AND NOT EXISTS (SELECT 1 FROM bed_occupancy AS o WHERE o.bed_id = b.id AND upper_inf(o.during)) "
            "ORDER BY b.id",
            [ward],
        ).fetchall()
    ]
    return ward, free


def _free_patients(conn: psycopg.Connection, n: int) -> list[int]:
    """Patients with no open encounter, no bed and no lab history yet."""
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM patient AS p WHERE NOT EXISTS (SELECT 1 FROM encounter AS e "
            "WHERE e.patient_id = p.id AND e.ended_at IS NULL) AND NOT EXISTS (SELECT 1 FROM lab_order AS o "
            "WHERE o.patient_id = p.id) AND NOT EXISTS (SELECT 1 FROM bed_occupancy AS b "
            "WHERE b.patient_id = p.id AND upper_inf(b.during)) ORDER BY id LIMIT %s",
            [n],
        ).fetchall()
    ]


def _admit(
    conn: psycopg.Connection, rng: random.Random, bed: int, patient: int, unit: int, doctor: int, nurse: int
) -> None:
    """An admission of the last fortnight into the bed (as the owner: backdated)."""
    days = rng.randint(0, 14)
    encounter = conn.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, responsible_id, "
        "created_by) "
        "VALUES (%s, %s, 'admission', 'Pneumoni', now() - make_interval(days => %s), %s, %s) "
        "RETURNING id, started_at",
        [patient, unit, days, doctor, nurse],
    ).fetchone()
    conn.execute(
        "INSERT INTO bed_occupancy (bed_id, encounter_id, patient_id, during) "
        "VALUES (%s, %s, %s, tstzrange(%s, NULL))",
        [bed, encounter[0] if encounter else None, patient, encounter[1] if encounter else None],
    )


def _vitals(
    conn: psycopg.Connection, rng: random.Random, patient: int, unit: int, nurse: int, years: int
) -> None:
    """A full NEWS2 set every 4 hours for ``years``, the latest up to 8 hours old
    (so some are overdue), mostly calm with now and then a sick one."""
    conn.execute(
        "INSERT INTO vital_signs (patient_id, care_unit_id, measured_at, recorded_at, respiratory_rate, "
        "spo2, "
        "on_oxygen, systolic, diastolic, pulse, consciousness, temperature, recorded_by) "
        "SELECT %s, %s, t, t, 12 + (random() * 10)::int - (random() < 0.05)::int * 6, "
        "91 + (random() * 9)::int, random() < 0.08, 92 + (random() * 60)::int, 50 + (random() * 30)::int, "
        "52 + (random() * 70)::int, CASE WHEN random() < 0.03 THEN 'C' ELSE 'A' END, "
        "round((35.6 + random() * 3.2)::numeric, 1), %s "
        "FROM generate_series(now() - make_interval(years => %s, mins => %s), "
        "now() - make_interval(mins => %s), "
        "interval '4 hours') AS t",
        [patient, unit, nurse, years, (m := rng.randint(5, 480)), m],
    )


def _acknowledge_old(conn: psycopg.Connection, patient: int) -> None:
    """The doctor has acknowledged the critical results of samples older than
    three days (lab._history leaves every critical one waiting), so the board
    shows those of the last days, as on a ward that works its list."""
    conn.execute(
        "INSERT INTO lab_result_ack (result_id, patient_id) SELECT r.id, r.patient_id FROM lab_result AS r "
        "INNER JOIN lab_order_item AS i ON r.item_id = i.id INNER JOIN lab_order AS o ON i.order_id = o.id "
        "WHERE r.patient_id = %s AND o.sampled_at < now() - interval '3 days' "
        "AND NOT EXISTS (SELECT 1 FROM lab_result_ack AS a WHERE a.result_id = r.id)",
        [patient],
    )


def _care(
    conn: psycopg.Connection, rng: random.Random, patient: int, unit: int, doctor: int, nurse: int
) -> None:
    """Two active care plans (one to review today) and, for some, an allergy."""
    for title, actions, days in (
        ("Fallprevention", "Säng i lågt läge, larmknapp inom räckhåll, tillsyn nattetid.", 0),
        ("Nutrition", "Vikt varje måndag, kostregistrering tre dygn.", 7),
    ):
        conn.execute(
            "INSERT INTO care_plan (patient_id, care_unit_id, title, goals, actions, responsible_id, "
            "review_date, "
            "recorded_by) VALUES (%s, %s, %s, 'Bibehållen funktion', %s, %s, current_date + %s, %s)",
            [patient, unit, title, actions, nurse, days, nurse],
        )
    if rng.random() < 0.3:
        conn.execute(
            "INSERT INTO allergy (patient_id, care_unit_id, substance, category, severity, recorded_by) "
            "VALUES (%s, %s, 'Penicillin', 'medication', 'severe', %s)",
            [patient, unit, doctor],
        )


def run(
    url: str,
    *,
    ward: int,
    requests: int = 200,
    nurse: str = NURSE,
    password: str = DEMO_PASSWORD,
    say: Callable[[str], None] = print,
) -> WardResult:
    """Time the board's page through HTTP and count one request's statements."""
    address = f"/ward/{ward}"
    counter = StatementCounter()
    with counter.installed(), running_app(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        log_in(client, nurse, password)
        for _ in range(WARM_UP):
            _get(client, address)
        counted = []
        for _ in range(COUNTED):
            with counter.counting():
                page = _get(client, address)
            counted.append(list(counter.statements))
        ms = []
        for _ in range(requests):
            started = time.perf_counter()
            _get(client, address)
            ms.append((time.perf_counter() - started) * 1000)
    with psycopg.connect(url) as conn:
        sizes = conn.execute(
            "SELECT (SELECT count(*) FROM vital_signs AS v WHERE v.patient_id = o.patient_id), "
            "(SELECT count(*) FROM lab_result AS r WHERE r.patient_id = o.patient_id) "
            "FROM bed_occupancy AS o INNER JOIN bed AS b ON o.bed_id = b.id "
            "INNER JOIN room AS r ON b.room_id = r.id "
            "WHERE r.ward_id = %s AND upper_inf(o.during)",
            [ward],
        ).fetchall()
    say(f"{requests} board requests timed")
    first = counted[0]
    return WardResult(
        beds=len(sizes),
        vitals=sum(int(s[0]) for s in sizes),
        results=sum(int(s[1]) for s in sizes),
        board=Timings("board", ms),
        statements=[
            (label, statistics.median(r[n][1] for r in counted)) for n, (label, _) in enumerate(first)
        ],
        red=page.text.count('class="tag danger red-flag"'),
        overdue=page.text.count('class="tag warn overdue"'),
    )


def _get(client: httpx.Client, address: str) -> httpx.Response:
    response = client.get(address)
    if response.status_code != 200:
        raise RuntimeError(f"GET {address} answered {response.status_code}")
    return response


def as_json(result: WardResult) -> str:
    return json.dumps({"bench": "ward", **result.figures()})
