"""Benchmark of the reports on a big journal: at least ``rows`` journal rows
(vital-sign sets, diagnoses, procedures and encounters, admissions with
their beds) loaded with COPY into `hms_bench_reports`, then for each
report the time of its figures

* cold from the plain views (``reporting.<figure>_live``, a new connection,
  so nothing is cached in the backend): what the page would cost with no
  materialisation;
* from the materialised figures through the report views, as the
  administrator (hms_app acting for the demo's admin, scope and
  suppression included): what the page costs;

and the time of a whole refresh (``report_refresh()`` as hms_reporter),
figure by figure. The history is written once, as the owner, and reused.
"""

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

from hms.config import Settings
from hms.db import embedded
from hms.db.connect import app_url, ensure_database, reporter_url, with_database
from hms.db.migrate import migrate
from hms.reports.figures import REPORTS
from hms.seed.demo import patient_count, seed_hospital

BENCH_DB = "hms_bench_reports"
TARGET_COLD_MS = 1000.0
TARGET_MATERIALISED_MS = 100.0
PERIOD_DAYS = 90
# Of every 100 journal rows: vital-sign sets, diagnoses, procedures, encounters.
SHARES = {"vital_signs": 80, "diagnosis": 10, "procedure_record": 5, "encounter": 5}
YEARS = 5
# A figure published from another's cells (chapters are totals of the codes).
LIVE = {"clinical_chapter_month": "clinical_diagnosis_month"}
ANALYSED = (
    "encounter", "bed_occupancy", "diagnosis", "vital_signs", "procedure_record",
    "ward", "room", "bed",
)  # fmt: skip


@dataclass(frozen=True)
class ReportTime:
    report: str
    cold_ms: float
    materialised_ms: float


@dataclass(frozen=True)
class ReportsResult:
    rows: int
    times: list[ReportTime]
    refresh_ms: float
    figures: dict[str, float]

    def lines(self) -> list[str]:
        out = [f"journal rows: {self.rows:,}; period of each report: the last {PERIOD_DAYS} days"]
        for t in self.times:
            cold = "ok" if t.cold_ms <= TARGET_COLD_MS else "SLOWER THAN TARGET"
            mat = "ok" if t.materialised_ms <= TARGET_MATERIALISED_MS else "SLOWER THAN TARGET"
            out.append(
                f"{t.report:<11} cold from the plain views {t.cold_ms:9.1f} ms ({cold}); "
                f"from the materialised views {t.materialised_ms:7.1f} ms ({mat})"
            )
        out.append(f"refresh of every figure: {self.refresh_ms:,.0f} ms")
        out += [f"  {name:<28} {ms:9.1f} ms" for name, ms in self.figures.items()]
        return out


def as_json(result: ReportsResult) -> str:
    figures: dict[str, Any] = {
        "reports_journal_rows": result.rows,
        "reports_refresh_ms": round(result.refresh_ms, 1),
    }
    for t in result.times:
        figures[f"reports_{t.report}_cold_ms"] = round(t.cold_ms, 1)
        figures[f"reports_{t.report}_materialised_ms"] = round(t.materialised_ms, 2)
    return json.dumps(figures)


def bench_database(settings: Settings) -> str:
    """The owner's URL of this benchmark's database, created and migrated."""
    server = settings.database_url or embedded.start(settings.data_dir)
    ensure_database(server, BENCH_DB)
    url = with_database(server, BENCH_DB)
    migrate(url)
    return url


def journal_rows(conn: psycopg.Connection[Any]) -> int:
    """The rows of the tables the bench fills (planner estimates: exact counts take long)."""
    row = conn.execute(
        "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM pg_class AS c "
        "WHERE c.relname = ANY(%s) AND c.relkind = 'r'",
        [list(SHARES)],
    ).fetchone()
    return int(row[0]) if row else 0


def prepare(url: str, *, rows: int, seed: int, say: Callable[[str], None] = print) -> int:
    """At least ``rows`` journal rows in the database; reused when there."""
    if patient_count(url) == 0:
        say("seeding the demo hospital for the bench")
        seed_hospital(url, seed=seed, patients=max(2000, rows // 500))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ANALYZE {', '.join(ANALYSED)}")
        have = journal_rows(conn)
        if have >= rows * 0.99:  # the count is the planner's estimate
            return have
        say(f"loading {rows - have:,} journal rows with COPY")
        _load(conn, rows - have, random.Random(seed + have))
        conn.execute(f"ANALYZE {', '.join(ANALYSED)}")
        return journal_rows(conn)


@dataclass(frozen=True)
class World:
    patients: list[int]
    # patients with no stay yet: the bench's stays cannot overlap one of theirs
    free: list[int]
    units: list[int]
    beds: list[tuple[int, int]]  # bed, its unit
    doctor: int
    nurse: int
    codes: list[str]
    start: datetime


def _world(conn: psycopg.Connection[Any]) -> World:
    patients = [r[0] for r in conn.execute("SELECT id FROM patient ORDER BY id")]
    units = [r[0] for r in conn.execute("SELECT id FROM care_unit ORDER BY id")]
    beds = _bench_beds(conn)
    doctor = conn.execute("SELECT min(id) FROM app_user WHERE role = 'doctor'").fetchone()
    nurse = conn.execute("SELECT min(id) FROM app_user WHERE role = 'nurse'").fetchone()
    codes = [
        r[0]
        for r in conn.execute(
            "SELECT code FROM icd10_code WHERE is_leaf AND common_tier IS NOT NULL ORDER BY code"
        )
    ]
    if not (patients and units and beds and doctor and nurse and codes):
        raise RuntimeError("the bench needs patients, units with beds, a doctor and a nurse")
    start = datetime.now(UTC) - timedelta(days=365 * YEARS)
    free = [
        r[0]
        for r in conn.execute(
            "SELECT p.id FROM patient AS p WHERE NOT EXISTS "
            "(SELECT FROM bed_occupancy AS o WHERE o.patient_id = p.id) ORDER BY p.id"
        )
    ]
    return World(patients, free, units, beds, int(doctor[0]), int(nurse[0]), codes, start)


BENCH_WARD = "Bänkavdelning"
BEDS_PER_WARD = 12


def _bench_beds(conn: psycopg.Connection[Any]) -> list[tuple[int, int]]:
    """Beds of the bench's own ward on every inpatient unit (made once), so its
    stays never meet the demo's."""
    conn.execute(
        "WITH w AS (INSERT INTO ward (care_unit_id, name) SELECT u.id, %s FROM care_unit AS u "
        "WHERE u.kind = 'inpatient' AND NOT EXISTS (SELECT FROM ward AS x WHERE x.care_unit_id = u.id "
        "AND x.name = %s) RETURNING id), r AS (INSERT INTO room (ward_id, name) SELECT id, 'B' FROM w "
        "RETURNING id) INSERT INTO bed (room_id, label) "
        "SELECT r.id, 'B' || n FROM r, generate_series(1, %s) AS n",
        [BENCH_WARD, BENCH_WARD, BEDS_PER_WARD],
    )
    rows = conn.execute(
        "SELECT b.id, w.care_unit_id FROM bed AS b JOIN room AS r ON b.room_id = r.id "
        "JOIN ward AS w ON r.ward_id = w.id WHERE w.name = %s ORDER BY b.id",
        [BENCH_WARD],
    )
    return [(r[0], r[1]) for r in rows]


def _load(conn: psycopg.Connection[Any], rows: int, rng: random.Random) -> None:
    world = _world(conn)
    _stays(conn, world, rows * SHARES["encounter"] // 100)
    span = (datetime.now(UTC) - world.start).total_seconds()

    def when() -> datetime:
        return world.start + timedelta(seconds=rng.random() * span)

    _copy(
        conn,
        "vital_signs",
        ("patient_id", "care_unit_id", "measured_at", "respiratory_rate", "spo2", "on_oxygen", "systolic",
         "pulse", "consciousness", "temperature", "recorded_by"),
        (
            (rng.choice(world.patients), rng.choice(world.units), when(), rng.choice((14, 16, 18, 22, 25)),
             rng.choice((92, 95, 97, 99)), False, rng.randint(95, 160), rng.randint(55, 120), "A",
             rng.choice(("36.8", "37.2", "38.4")), world.nurse)
            for _ in range(rows * SHARES["vital_signs"] // 100)
        ),
    )  # fmt: skip
    _copy(
        conn,
        "diagnosis",
        ("patient_id", "care_unit_id", "code", "recorded_by", "recorded_at"),
        (
            (
                rng.choice(world.patients),
                rng.choice(world.units),
                rng.choice(world.codes),
                world.doctor,
                when(),
            )
            for _ in range(rows * SHARES["diagnosis"] // 100)
        ),
    )
    _copy(
        conn,
        "procedure_record",
        ("patient_id", "care_unit_id", "name", "code", "performed_at", "performed_by", "recorded_by"),
        (
            (rng.choice(world.patients), rng.choice(world.units), "Åtgärd",
             rng.choice(("TJK10", "DT016", "AF063")), when(), world.doctor, world.doctor)
            for _ in range(rows * SHARES["procedure_record"] // 100)
        ),
    )  # fmt: skip


def _copy(
    conn: psycopg.Connection[Any], table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]
) -> None:
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with conn.transaction(), conn.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _stays(conn: psycopg.Connection[Any], world: World, count: int) -> None:
    """Admissions with their beds, back to back in every bed: stay k of bed b
    is patient (b + k * beds) mod P, with P a multiple of the number of beds,
    so a patient's stays lie whole slots apart and never overlap."""
    taken = conn.execute(
        "SELECT EXISTS (SELECT FROM bed_occupancy WHERE bed_id = ANY(%s))", [[b for b, _ in world.beds]]
    ).fetchone()
    if taken and taken[0]:
        return  # the bench's beds are filled already: a second load adds the other rows only
    beds = world.beds[: min(len(world.beds), len(world.free))]
    per_bed = max(1, count // len(beds))
    patients = world.free[: len(world.free) // len(beds) * len(beds)]
    slot = (datetime.now(UTC) - world.start) / per_bed
    rows = (
        (patients[(b + k * len(beds)) % len(patients)], unit, bed, world.start + k * slot,
         world.start + k * slot + slot * 0.8)
        for k in range(per_bed)
        for b, (bed, unit) in enumerate(beds)
    )  # fmt: skip
    with conn.transaction():
        conn.execute(
            "CREATE TEMP TABLE bench_stay (patient_id bigint, care_unit_id bigint, bed_id bigint, "
            "started_at timestamptz, ended_at timestamptz) ON COMMIT DROP"
        )
        with conn.cursor() as cursor, cursor.copy("COPY bench_stay FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.execute(
            "WITH made AS (INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, "
            "ended_at, created_by) SELECT patient_id, care_unit_id, 'admission', 'Inläggning', started_at, "
            "CASE WHEN ended_at < now() THEN ended_at END, %s FROM bench_stay "
            "RETURNING id, patient_id, started_at) "
            "INSERT INTO bed_occupancy (bed_id, encounter_id, patient_id, during) "
            "SELECT s.bed_id, m.id, m.patient_id, tstzrange(s.started_at, CASE WHEN s.ended_at < now() "
            "THEN s.ended_at END) FROM made AS m JOIN bench_stay AS s "
            "ON s.patient_id = m.patient_id AND s.started_at = m.started_at",
            [world.doctor],
        )


def _period_filter(figure: str, since: datetime) -> tuple[str, list[Any]]:
    column = "day" if figure == "flow_ward_day" else "month"
    if figure == "medication_stock":
        return "", []
    return f" WHERE {column} >= %s", [since.date().replace(day=1) if column == "month" else since.date()]


def _time_cold(url: str, report: str, since: datetime) -> float:
    """Every figure of a report from its plain view, on a new connection."""
    with psycopg.connect(url, autocommit=True) as conn:
        started = time.perf_counter()
        for fig in REPORTS[report].figures:
            where, params = _period_filter(fig.query, since)
            live = LIVE.get(fig.query, fig.query)
            conn.execute(f"SELECT * FROM reporting.{live}_live{where}", params).fetchall()  # noqa: S608
        return (time.perf_counter() - started) * 1000


def _time_materialised(app: str, token: str, report: str, since: datetime) -> float:
    """Every figure of a report through its report view, as the administrator."""
    with psycopg.connect(app, row_factory=dict_row) as conn:
        conn.execute("SELECT user_id FROM hms_authenticate(%s)", [token])
        conn.execute("SELECT 1 FROM report_flow_unit_month LIMIT 1").fetchall()  # the scope, once
        started = time.perf_counter()
        for fig in REPORTS[report].figures:
            where, params = _period_filter(fig.query, since)
            conn.execute(f"SELECT * FROM report_{fig.query}{where}", params).fetchall()  # noqa: S608
        took = (time.perf_counter() - started) * 1000
        conn.rollback()
    return took


def _admin_session(url: str) -> str:
    """A live session of an administrator, opened as a login would (as the owner)."""
    import hashlib
    import secrets

    token = secrets.token_urlsafe(32)
    with psycopg.connect(url, autocommit=True) as conn:
        admin = conn.execute(
            "SELECT min(id) FROM app_user WHERE role = 'administrator' AND is_active"
        ).fetchone()
        if not admin or admin[0] is None:
            raise RuntimeError("the bench needs an administrator")
        conn.execute(
            "INSERT INTO user_session (token_hash, user_id, csrf_token) VALUES (%s, %s, %s)",
            [hashlib.sha256(token.encode()).digest(), admin[0], secrets.token_urlsafe(32)],
        )
    return token


def run(url: str, settings: Settings, *, say: Callable[[str], None] = print) -> ReportsResult:
    say("refreshing every figure as hms_reporter")
    started = time.perf_counter()
    with psycopg.connect(reporter_url(settings, url), autocommit=True) as reporter:
        reporter.execute("SELECT report_refresh()")
    refresh_ms = (time.perf_counter() - started) * 1000
    with psycopg.connect(url, autocommit=True) as conn:
        figures = {
            r[0]: float(r[1]) for r in conn.execute("SELECT figure, took_ms FROM report_refresh ORDER BY 1")
        }
        rows = journal_rows(conn)
    since = datetime.now(UTC) - timedelta(days=PERIOD_DAYS)
    token = _admin_session(url)
    times = [
        ReportTime(
            key, _time_cold(url, key, since), _time_materialised(app_url(settings, url), token, key, since)
        )
        for key in REPORTS
    ]
    return ReportsResult(rows=rows, times=times, refresh_ms=refresh_ms, figures=figures)
