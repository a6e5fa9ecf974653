"""Benchmark of the patient chart as a doctor meets it: the chart page of a
patient with a long history (thousands of journal entries), then every older
timeline page through the keyset "Older entries" links, over HTTP.

It uses the benchmark database of ``hms.bench.search`` (``hms_bench``). One
patient there is given the long history once (planned by the demo journal
seed, so the entries are as varied as the demo's) and kept for the next run.
The app runs in this process, so the SQL statements of one chart request can
be counted by wrapping psycopg's cursor.
"""

import html
import json
import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import httpx
import psycopg
from psycopg import sql

from hms.bench.acting import act_as_app
from hms.bench.cost import Cost, StatementCounter, measure
from hms.bench.search import Timings, log_in, running_app
from hms.db.queries import load
from hms.seed.context import SeedContext, SeededPatient, new_context
from hms.seed.demo import DEMO_PASSWORD, patient_count
from hms.seed.journal import mark_corrections
from hms.seed.journal.chart import Chart
from hms.seed.journal.load import write
from hms.seed.people import REFERENCE_DAY

WARM_UP = 20
COUNTED = 15  # chart requests whose statements are counted and timed
PAGE_PASSES = 2  # walks through every older page, for enough samples
TARGET_CHART_P95_MS = 50.0
TARGET_STATEMENTS = 10
HISTORY_YEARS = 60
# The tables a long history fills, vacuumed and analysed afterwards so the plans see it.
JOURNAL_TABLES = ("encounter", "note", "note_version", "note_section", "diagnosis", "vital_signs")
OLDER_LINK = re.compile(r'href="(\?[^"]*before_at=[^"]+)"')


@dataclass(frozen=True)
class ChartResult:
    patients: int
    entries: int
    chart: Timings
    pages: Timings  # pages 2..N, in order, PAGE_PASSES times
    page_count: int
    statements: list[tuple[str, float]] = field(default_factory=list)  # one chart request's, median ms
    cost: Cost | None = None  # request, its SQL, and that SQL without the policy layer

    def lines(self) -> list[str]:
        per_pass = self.pages.ms[: self.page_count - 1]
        tenth = max(1, len(per_pass) // 10)
        first, last = per_pass[:tenth], per_pass[-tenth:]
        chart_ok = "ok" if self.chart.p95 <= TARGET_CHART_P95_MS else "SLOWER THAN TARGET"
        stmt_ok = "ok" if len(self.statements) <= TARGET_STATEMENTS else "MORE THAN TARGET"
        return [
            f"patients: {self.patients:,}; charted patient has {self.entries:,} journal entries "
            f"({self.page_count} timeline pages)",
            f"chart page (page 1)   p50 {self.chart.p50:6.1f} ms   p95 {self.chart.p95:6.1f} ms   "
            f"over {len(self.chart.ms)} requests after {WARM_UP} warm-up "
            f"(target p95 <= {TARGET_CHART_P95_MS:.0f} ms: {chart_ok})",
            f"older pages 2..{self.page_count}   p50 {self.pages.p50:6.1f} ms   "
            f"p95 {self.pages.p95:6.1f} ms   over {len(self.pages.ms)} requests ({PAGE_PASSES} walks)",
            f"  first tenth of pages mean {sum(first) / len(first):6.1f} ms; "
            f"last tenth mean {sum(last) / len(last):6.1f} ms",
            f"SQL statements in one chart request: {len(self.statements)} "
            f"(target <= {TARGET_STATEMENTS}: {stmt_ok})",
            *(f"  {n:2}. {ms:6.2f} ms  {label}" for n, (label, ms) in enumerate(self.statements, start=1)),
            f"  SQL total {sum(ms for _, ms in self.statements):.1f} ms of the chart's p50 "
            f"{self.chart.p50:.1f} ms (the rest: Python, templates, HTTP)",
            *([f"cost (medians of {self.cost.requests}): {self.cost.line()}"] if self.cost else []),
        ]

    def as_json(self) -> str:
        return json.dumps(
            {
                "chart_p50_ms": round(self.chart.p50, 2),
                "chart_p95_ms": round(self.chart.p95, 2),
                "page_n_p95_ms": round(self.pages.p95, 2),
                "statements_per_chart": len(self.statements),
                "entries": self.entries,
                "patients": self.patients,
                **(self.cost.figures("chart_") if self.cost else {}),
            }
        )


# The charted patient ----------------------------------------------------------


def prepare_patient(
    url: str, *, entries: int, seed: int, say: Callable[[str], None] = print
) -> tuple[int, int]:
    """The patient with the longest history, given one of ``entries`` entries first if
    nobody has that many yet. Returns (patient id, journal entries)."""
    with psycopg.connect(url) as conn:
        found = _longest_history(conn)
        if found and found[1] >= entries:
            return found
        patient = _fresh_patient(conn)
        say(f"writing a history of {entries:,} journal entries for patient {patient.id} …")
        start = time.perf_counter()
        _write_history(conn, patient, entries=entries, seed=seed)
        conn.commit()
        found = (patient.id, _entries(conn, patient.id))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("VACUUM (ANALYZE) {}").format(sql.SQL(", ").join(map(sql.Identifier, JOURNAL_TABLES)))
        )
    say(f"… {found[1]:,} entries in {time.perf_counter() - start:.1f} s")
    return found


def _longest_history(conn: psycopg.Connection) -> tuple[int, int] | None:
    row = conn.execute(
        "SELECT patient_id FROM encounter GROUP BY patient_id ORDER BY count(*) DESC, patient_id LIMIT 1"
    ).fetchone()
    return (row[0], _entries(conn, row[0])) if row else None


def _entries(conn: psycopg.Connection, patient_id: int) -> int:
    row = conn.execute("SELECT count(*) FROM journal_timeline WHERE patient_id = %s", [patient_id]).fetchone()
    return int(row[0]) if row else 0


def _fresh_patient(conn: psycopg.Connection) -> SeededPatient:
    """An old patient without a journal yet, so a long life of care fits in their history."""
    row = conn.execute(
        "SELECT id, given_name, family_name, sex::text, date_of_birth FROM patient AS p "
        "WHERE NOT protected_identity AND date_of_birth BETWEEN %s AND %s "
        "AND NOT EXISTS (SELECT FROM encounter AS e WHERE e.patient_id = p.id) ORDER BY id LIMIT 1",
        [date(REFERENCE_DAY.year - 95, 1, 1), date(REFERENCE_DAY.year - 78, 1, 1)],
    ).fetchone()
    if row is None:
        raise RuntimeError("no patient aged 78-95 without a journal in the bench database")
    pid, given, family, sex, born = row
    age = REFERENCE_DAY.year - born.year - ((REFERENCE_DAY.month, REFERENCE_DAY.day) < (born.month, born.day))
    return SeededPatient(pid, given, family, sex, age, False)


def _write_history(conn: psycopg.Connection, patient: SeededPatient, *, entries: int, seed: int) -> None:
    """Plan with more or fewer illnesses until a plan holds ``entries`` entries (or a few
    more), then write it. The patient is in a bed now, so a doctor of that ward has them
    in their care."""
    ctx = _context(conn, seed)
    now = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
    episodes, best = max(10, entries // 16), None
    for _ in range(20):  # a plan's size varies by some 10 %: keep the smallest that is big enough
        chart = _plan(ctx, now, patient, episodes)
        if chart.plan.entries >= entries and (best is None or chart.plan.entries < best.plan.entries):
            best = chart
        if best is not None and best.plan.entries <= entries * 1.03:
            break
        episodes = max(1, math.ceil(episodes * entries / max(1, chart.plan.entries)))
    chart = best or chart
    mark_corrections(ctx.rng, chart.plan.notes, demo=patient.id)
    write(ctx, chart.plan)


def _plan(ctx: SeedContext, now: datetime, patient: SeededPatient, episodes: int) -> Chart:
    chart = Chart(ctx, now)
    chart.patient(patient, admitted=True, years=HISTORY_YEARS, episodes=episodes)
    return chart


def _context(conn: psycopg.Connection, seed: int) -> SeedContext:
    """What the journal planner needs of the seed's context, read back from the database."""
    ctx = new_context(conn, seed=seed, patient_count=0, password_hash="")
    ctx.units = {
        code: unit_id for code, unit_id in conn.execute("SELECT code, id FROM care_unit ORDER BY id")
    }
    for user_id, role in conn.execute(
        "SELECT id, role::text FROM app_user WHERE role IN ('doctor', 'nurse') AND is_active ORDER BY id"
    ):
        ctx.staff.setdefault(role, []).append(user_id)
    for user_id, unit_id in conn.execute("SELECT user_id, care_unit_id FROM staff_care_unit ORDER BY 1, 2"):
        ctx.staff_units.setdefault(user_id, []).append(unit_id)
    return ctx


def doctor_of(url: str, patient_id: int) -> str:
    """A doctor of the unit the patient lies on now (or was last seen by): one with a care relationship."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT u.username FROM encounter AS e "
            "JOIN staff_care_unit AS s ON s.care_unit_id = e.care_unit_id "
            "JOIN app_user AS u ON u.id = s.user_id AND u.role = 'doctor' AND u.is_active "
            "WHERE e.patient_id = %s ORDER BY e.ended_at IS NULL DESC, e.started_at DESC, u.id LIMIT 1",
            [patient_id],
        ).fetchone()
    if row is None:
        raise RuntimeError(f"no doctor works where patient {patient_id} is cared for")
    return str(row[0])


# Timing -------------------------------------------------------------------------


def run(url: str, *, patient_id: int, requests: int, say: Callable[[str], None] = print) -> ChartResult:
    chart_url = f"/patients/{patient_id}/journal"
    doctor = doctor_of(url, patient_id)
    counter = StatementCounter()
    with counter.installed(), running_app(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        say(f"app at {base}; logging in as {doctor}, a doctor of the patient's care unit")
        log_in(client, doctor, DEMO_PASSWORD)
        for _ in range(WARM_UP):
            _get(client, chart_url)
        counted = []
        for _ in range(COUNTED):
            with counter.counting():
                first = _get(client, chart_url)
            counted.append(list(counter.statements))
        cost = measure("chart", counter, lambda: _get(client, chart_url), owner_url=url, requests=COUNTED)
        chart = [_timed(client, chart_url)[0] for _ in range(requests)]
        pages: list[float] = []
        for _ in range(PAGE_PASSES):
            walk = _walk_pages(client, chart_url, first.text)
            pages.extend(walk)
    with psycopg.connect(url) as conn:
        entries = _entries(conn, patient_id)
    return ChartResult(
        patients=patient_count(url),
        entries=entries,
        chart=Timings("chart", chart),
        pages=Timings("pages", pages),
        page_count=len(walk) + 1,
        statements=_medians(counted),
        cost=cost,
    )


def _medians(requests: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
    """Each statement of a request with its median time over the requests (all run the same statements)."""
    first = requests[0]
    return [(label, statistics.median(r[n][1] for r in requests)) for n, (label, _) in enumerate(first)]


def _walk_pages(client: httpx.Client, chart_url: str, page: str) -> list[float]:
    """Follow "Older entries" from page 1 to the last page, timing each."""
    timings = []
    while (href := older_link(page)) is not None:
        ms, response = _timed(client, chart_url + href)
        timings.append(ms)
        page = response.text
    return timings


def older_link(page: str) -> str | None:
    """The query string of the page's "Older entries" link (before_at, before_kind, before_id)."""
    match = OLDER_LINK.search(page)
    return html.unescape(match.group(1)) if match else None


def _timed(client: httpx.Client, url: str) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = _get(client, url)
    return (time.perf_counter() - start) * 1000, response


def _get(client: httpx.Client, url: str) -> httpx.Response:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response


# Plans ------------------------------------------------------------------------------


def explain(url: str, patient_id: int, *, as_user: str, app_role: str = "hms_app") -> str:
    """EXPLAIN ANALYZE of the chart's summary and of its timeline's first page and a page near
    the end, run as the app's database role acting for ``as_user``, so row-level security
    is in the plans as the app meets it."""
    q = load("journal")
    timeline = {
        "patient_id": patient_id, "limit": 51, "kind": None, "from_date": None, "to_date": None,
        "author_id": None, "care_unit_id": None, "code": None, "text": None,
        "before_at": None, "before_kind": None, "before_id": None,
    }  # fmt: skip
    out = []
    with psycopg.connect(url) as conn:
        cases: list[tuple[str, str, dict[str, Any]]] = [
            ("chart_summary", q.chart_summary.sql, {"patient_id": patient_id}),
            ("timeline, page 1", q.timeline.sql, timeline),
            ("timeline, a late page", q.timeline.sql, {**timeline, **_late_key(conn, patient_id)}),
        ]
        user = conn.execute("SELECT id FROM app_user WHERE username = %s", [as_user]).fetchone()
        act_as_app(conn, user[0] if user else None, app_role)
        for title, statement, params in cases:
            rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).fetchall()
            out += [f"-- {title} (as {app_role}, acting for {as_user})", *(row[0] for row in rows), ""]
    return "\n".join(out)


def _late_key(conn: psycopg.Connection, patient_id: int) -> dict[str, Any]:
    """The keyset of the entry 50 rows before the end of the timeline (read as the owner)."""
    row = conn.execute(
        "SELECT at, kind, id FROM journal_timeline WHERE patient_id = %s "
        "ORDER BY at ASC, kind ASC, id ASC OFFSET 50 LIMIT 1",
        [patient_id],
    ).fetchone()
    at: datetime | None = row[0] if row else None
    return {"before_at": at, "before_kind": row[1] if row else None, "before_id": row[2] if row else None}
