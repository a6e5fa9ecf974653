"""Benchmark of a mixed clinical load: doctors and nurses at work at the same time,
each opening the charts of the patients in their care, searching the registry by
name and recording vital signs, over HTTP as a browser would.

The app is the real one, started as ``hms serve --workers N`` in a subprocess (one
server per worker count, all started first, then each load level run against each
in turn so they share the machine's noise). Every simulated user is a thread with
its own HTTP client, cookies and session: it logs in through the login form and
then loops over

- 60 % chart opens: ``GET /patients/{id}/journal`` of a patient in their care;
- 25 % name searches: ``GET /patients?q=...`` (as in ``hms bench search``);
- 15 % vital-sign writes: ``POST /patients/{id}/journal/vitals`` with the page's
  CSRF token and plausible values (timed to its 303; the redirect is not followed).

Every page is audited as the app always does, and every audit row takes the audit
chain's advisory lock until its transaction commits; a sampler reads
``pg_stat_activity`` during each level to count the backends waiting on it.

At the start and end of each level's measured window it reads the app processes'
resident memory (VmRSS) and the CPU time the app processes and the app's
database backends have used (so a level says what a request costs in CPU,
whatever else runs on the machine, and whether memory stayed flat). A process's
memory grows while it warms up (a thread and its malloc arena per concurrent
request, pool connections, compiled templates, prepared statements), so before
the first level each server gets ``prime`` seconds of load at the most users,
unmeasured; and after the levels a ``hold`` of that load reads the memory every
few seconds against the requests served, whose least-squares slope (MB per
1,000 requests) tells a leak from a step. Then each kind of request is made
again by one user against the app run in this process, and its statements are
recorded and replayed with and without row-level security (``hms.bench.cost``).

It runs on its own database (``hms_bench_mixed``) on the same server, seeded with
exactly --patients patients and kept for the next run: the vital signs it writes
stay out of the databases of the other benchmarks.
"""

import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

import httpx
import psycopg

from hms.bench.browser import Browser, Page
from hms.bench.cost import Cost, StatementCounter, app_backends, cpu_ms, measure
from hms.bench.search import log_in, name_query, running_app
from hms.config import Settings
from hms.db import embedded
from hms.db.connect import ensure_database, with_database
from hms.db.migrate import migrate
from hms.seed.context import Progress, no_progress
from hms.seed.demo import DEMO_PASSWORD, patient_count, recreate_database, seed_hospital

BENCH_DB = "hms_bench_mixed"
KINDS = ("chart", "search", "vitals")
MIX = (60, 25, 15)  # per cent, in the order of KINDS
SAMPLE_EVERY_S = 0.1  # pg_stat_activity
FLAT_MB, FLAT_SHARE = 2.0, 0.02  # resident memory that grows by no more than this is flat
HOLD_SAMPLE_S = 2.0  # how often the constant-load phase reads the app processes' memory
HOLD_FLAT_MB_PER_1K = 0.1  # a hold's slope at most this (100 bytes a request) is flat
COST_REQUESTS = 20  # requests of each kind whose SQL is recorded, in the app run in this process
# Requests of each kind before those are recorded. psycopg prepares a statement on a
# connection the fifth time that connection runs it, and the pool hands its
# connections out in turn, so a few warm-up requests leave every statement still
# planned at each execution: the figures would be a cold server's, not the one under load.
COST_WARM_UP = 30
SEARCH_TERMS = 2000
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# The clinicians with a care relationship now: an open or recent encounter, or an
# active assignment, in one of their care units (the rule of hms_in_care). Read as
# the schema's owner, before the app runs; the app decides access for itself.
IN_CARE = """
SELECT u.username, u.role::text, c.patient_id, min(c.care_unit_id)
FROM (
    SELECT s.user_id, e.patient_id, e.care_unit_id
    FROM encounter AS e JOIN staff_care_unit AS s ON s.care_unit_id = e.care_unit_id
    WHERE e.ended_at IS NULL OR e.ended_at > now() - interval '30 days'
    UNION
    SELECT s.user_id, a.patient_id, a.care_unit_id
    FROM care_assignment AS a JOIN staff_care_unit AS s ON s.care_unit_id = a.care_unit_id
    WHERE a.during @> now()
) AS c
JOIN app_user AS u ON u.id = c.user_id AND u.role IN ('doctor', 'nurse') AND u.is_active
GROUP BY u.username, u.role, c.patient_id
ORDER BY u.username, c.patient_id
"""

# Backends of the bench database waiting on the audit chain's advisory lock, and all active ones.
WAITING = """
SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'),
       count(*) FILTER (WHERE state = 'active')
FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


# The database ----------------------------------------------------------------------


def bench_database(settings: Settings, name: str = BENCH_DB) -> str:
    """The owner's URL of this benchmark's database, created and migrated."""
    server = settings.database_url or embedded.start(settings.data_dir)
    ensure_database(server, name)
    url = with_database(server, name)
    migrate(url)
    return url


def prepare(url: str, *, patients: int, seed: int, progress: Progress = no_progress) -> int:
    """Reuse the database when it holds exactly ``patients`` patients, else seed it anew."""
    have = patient_count(url)
    if have == patients:
        return have
    if have:
        recreate_database(url)
    return seed_hospital(url, seed=seed, patients=patients, progress=progress).patients


@dataclass(frozen=True)
class Clinician:
    username: str
    role: str
    patients: tuple[tuple[int, int], ...]  # (patient id, care unit through which they are in care)


def clinicians(url: str) -> list[Clinician]:
    """Doctors and nurses with patients in their care, doctors and nurses alternating
    (so a few users are both), those with the most patients first."""
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    with psycopg.connect(url) as conn:
        for username, role, patient_id, unit_id in conn.execute(IN_CARE):
            found.setdefault((username, role), []).append((patient_id, unit_id))
    by_role: dict[str, list[Clinician]] = {"doctor": [], "nurse": []}
    for (username, role), patients in found.items():
        by_role[role].append(Clinician(username, role, tuple(patients)))
    for group in by_role.values():
        group.sort(key=lambda c: (-len(c.patients), c.username))
    out: list[Clinician] = []
    for i in range(max(map(len, by_role.values()))):
        out += [group[i] for group in by_role.values() if i < len(group)]
    if not out:
        raise RuntimeError("no doctor or nurse has a patient in care in the bench database")
    return out


def search_terms(url: str, rng: random.Random, n: int = SEARCH_TERMS) -> list[str]:
    """What a clinician types to find a patient: parts of names, some misspelt."""
    with psycopg.connect(url) as conn:
        names = conn.execute("SELECT given_name, family_name FROM patient ORDER BY id").fetchall()
    return [name_query(rng, given, family) for given, family in rng.choices(names, k=n)]


def vital_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM vital_signs").fetchone()
    return int(row[0]) if row else 0


# The server --------------------------------------------------------------------------


@dataclass
class Server:
    workers: int
    base: str
    command: str
    pid: int = 0  # the server's process: with several workers, their supervisor


def resident_kb(pid: int) -> int | None:
    """A process's resident memory (VmRSS, kB); None once it has ended."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
    except (FileNotFoundError, ProcessLookupError):
        return None


def app_processes(pid: int) -> list[int]:
    """The processes that serve requests: the server itself when it runs alone, else
    the workers its supervisor spawned (not the supervisor, nor multiprocessing's
    resource tracker, which hold no app)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            kids = [int(child) for child in children.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []
    workers = []
    for kid in kids:
        try:
            with open(f"/proc/{kid}/cmdline", "rb") as cmdline:
                if b"spawn_main" in cmdline.read():
                    workers.append(kid)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return workers or [pid]


def machine_busy_ms() -> float:
    """CPU time (ms) every core of the machine has spent not idle since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) * 1000 / os.sysconf("SC_CLK_TCK")


def used_ms(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings by the processes present at both."""
    return sum(after[pid] - before[pid] for pid in after.keys() & before.keys())


def app_memory_kb(server: "Server") -> dict[int, int]:
    """Resident memory (kB) of each of the server's app processes, by pid."""
    out = {}
    for pid in app_processes(server.pid):
        kb = resident_kb(pid)
        if kb is not None:
            out[pid] = kb
    return out


@contextmanager
def serving(url: str, workers: list[int]) -> Iterator[list[Server]]:
    """``hms serve --workers N`` for each N, each on a free port in a subprocess of its
    own, on the bench database; all started at once, then each awaited."""
    env = {**os.environ, "HMS_DATABASE_URL": url}
    env.pop("HMS_APP_DATABASE_URL", None)  # derived from the URL above: the app's own role
    with ExitStack() as stack:
        started: list[tuple[Server, subprocess.Popen[bytes], IO[bytes]]] = []
        for n in workers:
            port = _free_port()
            args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(n)]
            log: IO[bytes] = stack.enter_context(tempfile.TemporaryFile())
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
                [sys.executable, "-m", "hms.cli", *args], env=env, stdout=log, stderr=subprocess.STDOUT
            )
            stack.callback(_stop, process)
            server = Server(n, f"http://127.0.0.1:{port}", "hms " + " ".join(args), process.pid)
            started.append((server, process, log))
        for server, process, log in started:
            _wait_ready(process, server.base, log)
        yield [server for server, _, _ in started]


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)  # uvicorn stops its workers and exits
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_ready(process: subprocess.Popen[bytes], base: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read().decode()[-2000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz within 60 s")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Simulated users ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    kind: str
    started: float  # perf_counter
    ms: float
    ok: bool


class User:
    """One clinician in a browser of their own: an HTTP client with its cookies,
    logged in through the form, holding the session's CSRF token from its pages."""

    def __init__(self, base: str, clinician: Clinician, terms: list[str], seed: int) -> None:
        self.clinician = clinician
        self.terms = terms
        self.rng = random.Random(seed)
        self.client = Browser(base)
        self.csrf = ""
        self.written = 0  # vital-sign sets the app said it recorded
        self.problems: list[str] = []

    def log_in(self) -> None:
        log_in(self.client, self.clinician.username, DEMO_PASSWORD)
        patient_id, _ = self.clinician.patients[0]
        page = self.client.get(f"/patients/{patient_id}/journal")
        match = CSRF.search(page.text)
        if page.status_code != 200 or match is None:
            who = self.clinician.username
            raise RuntimeError(f"{who} cannot open the chart of patient {patient_id} ({page.status_code})")
        self.csrf = match.group(1)

    def close(self) -> None:
        self.client.close()

    def work(self, until: float, samples: list[Sample]) -> None:
        """Requests of the mix, one after the other, until ``until`` (perf_counter)."""
        while time.perf_counter() < until:
            kind = self.rng.choices(KINDS, weights=MIX)[0]
            started = time.perf_counter()
            try:
                ok = getattr(self, kind)()
            except Exception as exc:  # a failed request is counted and the user goes on
                ok = False
                self._problem(f"{kind}: {type(exc).__name__}: {exc}")
            samples.append(Sample(kind, started, (time.perf_counter() - started) * 1000, ok))

    def chart(self) -> bool:
        patient_id, _ = self.rng.choice(self.clinician.patients)
        return self._expect(self.client.get(f"/patients/{patient_id}/journal"), 200, "chart")

    def search(self) -> bool:
        return self._expect(
            self.client.get("/patients", params={"q": self.rng.choice(self.terms)}), 200, "search"
        )

    def vitals(self) -> bool:
        patient_id, unit_id = self.rng.choice(self.clinician.patients)
        response = self.client.post(
            f"/patients/{patient_id}/journal/vitals", data={"csrf_token": self.csrf, **self._values(unit_id)}
        )
        landed = response.status_code == 303 and response.headers.get("location", "").endswith(
            f"/patients/{patient_id}/journal/vitals?notice=vitals"
        )
        if landed:
            self.written += 1
        else:
            self._problem(f"vitals: {response.status_code} {response.headers.get('location', '')}")
        return landed

    def _values(self, unit_id: int) -> dict[str, str]:
        """A plausible set of observations, as typed into the form (no time given: the app takes now)."""
        r = self.rng
        systolic = r.randint(100, 165)
        return {
            "systolic": str(systolic),
            "diastolic": str(r.randint(55, min(100, systolic - 25))),
            "pulse": str(r.randint(52, 115)),
            "respiratory_rate": str(r.randint(11, 24)),
            "spo2": str(r.randint(91, 100)),
            "temperature": str(Decimal(r.randint(361, 385)) / 10).replace(".", ","),
            "consciousness": r.choices("ACV", weights=(94, 4, 2))[0],
            "weight_kg": "",
            "height_cm": "",
            "care_unit_id": str(unit_id),
            **({"on_oxygen": "on"} if r.random() < 0.1 else {}),
        }

    def _expect(self, response: Page, status: int, kind: str) -> bool:
        if response.status_code == status:
            return True
        self._problem(f"{kind}: {response.status_code} {response.headers.get('location', '')}")
        return False

    def _problem(self, text: str) -> None:
        if len(self.problems) < 5:
            self.problems.append(text)


# Sampling pg_stat_activity ---------------------------------------------------------------


class Sampler:
    """Counts, every SAMPLE_EVERY_S, the bench database's backends waiting on an
    advisory lock (the audit chain's) and the active ones."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.advisory: list[int] = []
        self.active: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hms-bench-sampler", daemon=True)

    def __enter__(self) -> "Sampler":
        self._conn = psycopg.connect(self.url, autocommit=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._conn.close()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            row = self._conn.execute(WAITING).fetchone()
            if row:
                self.advisory.append(int(row[0]))
                self.active.append(int(row[1]))


# One level ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindStats:
    count: int
    rps: float
    p50: float
    p95: float


def _percentiles(ms: list[float]) -> tuple[float, float]:
    if not ms:
        return float("nan"), float("nan")
    if len(ms) == 1:
        return ms[0], ms[0]
    return statistics.median(ms), statistics.quantiles(ms, n=100, method="inclusive")[94]


@dataclass
class Level:
    workers: int
    users: int
    seconds: float  # the measured window
    samples: list[Sample]  # those started in the measured window
    errors: int  # over warm-up and window, vital signs that did not land included
    missing_vitals: int  # the app answered "recorded" but the rows are not there
    advisory: list[int]
    active: list[int]
    load: tuple[float, float]  # 1-minute load average at the start and at the end
    memory: tuple[dict[int, int], dict[int, int]] = ({}, {})  # app processes' RSS (kB) at start and end
    cpu: tuple[float, float] = (0.0, 0.0)  # CPU ms over the window: app processes, database backends
    bench_cpu: float = 0.0  # CPU ms over the window of this process: the simulated users, on the same cores
    busy: float = 0.0  # CPU ms over the window of the whole machine, every core and process
    problems: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return len(self.samples) / self.seconds

    def kind(self, kind: str | None) -> KindStats:
        ms = [s.ms for s in self.samples if kind is None or s.kind == kind]
        p50, p95 = _percentiles(ms)
        return KindStats(len(ms), len(ms) / self.seconds, p50, p95)

    @property
    def advisory_max(self) -> int:
        return max(self.advisory, default=0)

    @property
    def advisory_mean(self) -> float:
        return statistics.fmean(self.advisory) if self.advisory else 0.0

    def lines(self) -> list[str]:
        total = self.kind(None)
        out = [
            f"{self.workers} worker{'s' if self.workers > 1 else ''}, {self.users:>2} user"
            f"{'s' if self.users > 1 else ' '}: {self.rps:7.1f} req/s over {self.seconds:.1f} s, "
            f"p50 {total.p50:6.1f} ms, p95 {total.p95:6.1f} ms; errors {self.errors}; "
            f"advisory-lock waits max {self.advisory_max}, mean {self.advisory_mean:.2f} "
            f"({len(self.advisory)} samples; active backends mean "
            f"{statistics.fmean(self.active) if self.active else 0:.1f}); "
            f"load {self.load[0]:.2f} -> {self.load[1]:.2f}"
        ]
        for kind in KINDS:
            k = self.kind(kind)
            out.append(
                f"    {kind:<7} {k.rps:7.1f} req/s   p50 {k.p50:6.1f} ms   p95 {k.p95:6.1f} ms   ({k.count})"
            )
        start, end = self.memory
        each = ", ".join(f"{start.get(p, 0) / 1024:.1f} -> {kb / 1024:.1f}" for p, kb in sorted(end.items()))
        out.append(
            f"    memory  app processes' RSS {self.rss_mb[0]:.1f} MB -> {self.rss_mb[1]:.1f} MB "
            f"over {len(self.samples)} requests ({each} MB each): {'flat' if self.flat else 'GROWING'}"
        )
        app, db = self.cpu_per_request
        out.append(
            f"    cpu     {app + db:.1f} ms per request: app processes {app:.1f} ms, database backends "
            f"{db:.1f} ms (CPU time, so other work on the machine does not count)"
        )
        n = len(self.samples) or 1
        out.append(
            f"            the simulated users {self.bench_cpu / n:.1f} ms per request on the same cores; "
            f"the whole machine busy {self.busy / n:.1f} ms per request "
            f"({self.busy / (self.seconds * 1000):.2f} of {os.cpu_count()} cores)"
        )
        out += [f"    ! {p}" for p in self.problems]
        return out

    @property
    def cpu_per_request(self) -> tuple[float, float]:
        n = len(self.samples) or 1
        return self.cpu[0] / n, self.cpu[1] / n

    @property
    def rss_mb(self) -> tuple[float, float]:
        return sum(self.memory[0].values()) / 1024, sum(self.memory[1].values()) / 1024

    @property
    def flat(self) -> bool:
        return memory_flat(*self.rss_mb)


def memory_flat(start_mb: float, end_mb: float) -> bool:
    """Flat: grown by at most FLAT_MB or FLAT_SHARE of where it started, whichever is more."""
    return end_mb - start_mb <= max(FLAT_MB, start_mb * FLAT_SHARE)


def run_level(url: str, server: Server, users: list[User], *, seconds: float, warm_up: float) -> Level:
    """``len(users)`` users at once: ``warm_up`` seconds not counted, then ``seconds`` measured."""
    before = vital_count(url)
    written = sum(u.written for u in users)
    per_user: list[list[Sample]] = [[] for _ in users]
    load_start = os.getloadavg()[0]
    start = time.perf_counter()
    window, end = start + warm_up, start + warm_up + seconds
    threads = [
        threading.Thread(target=u.work, args=(end, sink), name=f"hms-bench-user-{n}", daemon=True)
        for n, (u, sink) in enumerate(zip(users, per_user, strict=True))
    ]
    for t in threads:
        t.start()
    time.sleep(max(0.0, window - time.perf_counter()))
    memory_start = app_memory_kb(server)
    app_pids = app_processes(server.pid)
    db_pids = app_backends(url, app_pids)
    cpu_start = cpu_ms(app_pids), cpu_ms(db_pids), time.process_time() * 1000, machine_busy_ms()
    with Sampler(url) as sampler:
        time.sleep(max(0.0, end - time.perf_counter()))
    cpu_end = cpu_ms(app_pids), cpu_ms(db_pids), time.process_time() * 1000, machine_busy_ms()
    for t in threads:
        t.join()
    memory_end = app_memory_kb(server)
    load_end = os.getloadavg()[0]
    every = [s for sink in per_user for s in sink]
    said = sum(u.written for u in users) - written
    missing = said - (vital_count(url) - before)
    problems = [f"{u.clinician.username}: {p}" for u in users for p in u.problems]
    for u in users:
        u.problems.clear()
    return Level(
        workers=server.workers,
        users=len(users),
        seconds=seconds,
        samples=[s for s in every if window <= s.started < end],
        errors=sum(not s.ok for s in every) + max(0, missing),
        missing_vitals=missing,
        advisory=sampler.advisory,
        active=sampler.active,
        load=(load_start, load_end),
        memory=(memory_start, memory_end),
        cpu=(used_ms(cpu_start[0], cpu_end[0]), used_ms(cpu_start[1], cpu_end[1])),
        bench_cpu=cpu_end[2] - cpu_start[2],  # every thread of this process, ended ones too
        busy=cpu_end[3] - cpu_start[3],
        problems=problems[:10],
    )


def load(users: list[User], seconds: float) -> list[Sample]:
    """``len(users)`` users at once for ``seconds``; their samples."""
    sinks: list[list[Sample]] = [[] for _ in users]
    end = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=u.work, args=(end, sink), name=f"hms-bench-user-{n}", daemon=True)
        for n, (u, sink) in enumerate(zip(users, sinks, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for u in users:
        u.problems.clear()
    return [s for sink in sinks for s in sink]


@dataclass
class Hold:
    """A constant load held for a while after the levels, the app processes' memory
    read every HOLD_SAMPLE_S against the requests served so far."""

    workers: int
    users: int
    seconds: float
    points: list[tuple[int, float]]  # (requests served, RSS MB of the app processes)
    errors: int

    @property
    def requests(self) -> int:
        return self.points[-1][0] if self.points else 0

    @property
    def slope(self) -> float:
        """MB of resident memory per 1,000 requests (least squares over the readings)."""
        return rss_slope(self.points)

    @property
    def flat(self) -> bool:
        return self.slope <= HOLD_FLAT_MB_PER_1K

    def line(self) -> str:
        (_, start), (_, end) = self.points[0], self.points[-1]
        return (
            f"  hold: {self.users} users for {self.seconds:.0f} s, {self.requests} requests, "
            f"{self.errors} errors; RSS {start:.1f} MB -> {end:.1f} MB, slope {self.slope:+.3f} MB "
            f"per 1,000 requests over {len(self.points)} readings: {'flat' if self.flat else 'GROWING'} "
            f"(flat: at most {HOLD_FLAT_MB_PER_1K} MB per 1,000 requests)"
        )


def rss_slope(points: list[tuple[int, float]]) -> float:
    """The least-squares slope of memory (MB) over requests, per 1,000 requests."""
    if len(points) < 2 or len({n for n, _ in points}) < 2:
        return 0.0
    served, mb = zip(*points, strict=True)
    return statistics.linear_regression(served, mb).slope * 1000


def hold_load(server: Server, users: list[User], seconds: float) -> Hold:
    """``len(users)`` users at once for ``seconds``, memory read as it goes."""
    sinks: list[list[Sample]] = [[] for _ in users]
    end = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=u.work, args=(end, sink), name=f"hms-bench-user-{n}", daemon=True)
        for n, (u, sink) in enumerate(zip(users, sinks, strict=True))
    ]
    points = [(0, sum(app_memory_kb(server).values()) / 1024)]
    for t in threads:
        t.start()
    while (left := end - time.perf_counter()) > 0:
        time.sleep(min(HOLD_SAMPLE_S, left))
        points.append((sum(map(len, sinks)), sum(app_memory_kb(server).values()) / 1024))
    for t in threads:
        t.join()
    for u in users:
        u.problems.clear()
    errors = sum(not s.ok for sink in sinks for s in sink)
    return Hold(server.workers, len(users), seconds, points, errors)


# The whole run ---------------------------------------------------------------------------------


@dataclass
class MixedResult:
    patients: int
    clinicians: int
    users: list[int]
    workers: list[int]
    seconds: float
    warm_up: float
    commands: list[str]
    levels: list[Level]
    costs: list[Cost] = field(default_factory=list)
    prime: float = 0.0
    holds: list[Hold] = field(default_factory=list)

    def level(self, workers: int, users: int) -> Level:
        return next(lv for lv in self.levels if lv.workers == workers and lv.users == users)

    def lines(self) -> list[str]:
        cores = os.cpu_count() or 0
        out = [
            f"patients: {self.patients:,}; {self.clinicians} doctors and nurses with patients in care; "
            f"mix {', '.join(f'{k} {p} %' for k, p in zip(KINDS, MIX, strict=True))}",
            f"first {self.prime:.0f} s of load at {max(self.users)} users, not measured (the app's caches, "
            "threads and pool connections warm up); then "
            f"each level: {self.warm_up:.0f} s warm-up, then {self.seconds:.0f} s measured; every user "
            "a thread with its own client, session and cookies; vitals timed to the POST's 303",
            f"servers: {'; '.join(self.commands)} (pool as configured; app logs off)",
            f"the servers, PostgreSQL and this load generator all share this machine's {cores} cores "
            "(with whatever else runs on it: see the load averages)",
        ]
        for workers in self.workers:
            out.append("")
            for users in self.users:
                out += self.level(workers, users).lines()
            first, top = self.level(workers, self.users[0]), self.level(workers, self.users[-1])
            out.append(
                f"  scaling {top.users} users over {first.users}: {top.rps / first.rps:.2f}x req/s"
                if first.rps
                else "  scaling: no requests at the first level"
            )
            (start, _), (_, end) = first.rss_mb, top.rss_mb
            served = sum(len(self.level(workers, u).samples) for u in self.users)
            out.append(
                f"  memory of the app processes over the run: {start:.1f} MB -> {end:.1f} MB "
                f"({end - start:+.1f} MB over {served} measured requests): "
                f"{'flat' if memory_flat(start, end) else 'GROWING'} "
                f"(flat: grown by at most {FLAT_MB:.0f} MB or {FLAT_SHARE:.0%})"
            )
            out += [hold.line() for hold in self.holds if hold.workers == workers]
        if 1 in self.workers and 1 in self.users and len(self.workers) > 1:
            out.append("")
            one = self.level(1, 1).kind("chart")
            for workers in self.workers[1:]:
                other = self.level(workers, 1).kind("chart")
                out.append(
                    f"one user's chart, {workers} workers vs 1: p50 {other.p50:.1f} vs {one.p50:.1f} ms "
                    f"({other.p50 - one.p50:+.1f} ms), p95 {other.p95:.1f} vs {one.p95:.1f} ms"
                )
        if self.costs:
            out += [
                "",
                f"cost of one request, one user, the app in this process ({COST_REQUESTS} of each kind; "
                "medians; SQL timed at the client, round trips included):",
                *(f"  {cost.line()}" for cost in self.costs),
            ]
        return out

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for lv in self.levels:
            key = f"c{lv.users}_w{lv.workers}"
            total = lv.kind(None)
            out[f"rps_{key}"] = round(lv.rps, 1)
            out[f"p50_ms_{key}"] = round(total.p50, 1)
            out[f"p95_ms_{key}"] = round(total.p95, 1)
            for kind in KINDS:
                k = lv.kind(kind)
                out[f"{kind}_rps_{key}"] = round(k.rps, 1)
                out[f"{kind}_p50_ms_{key}"] = round(k.p50, 1)
                out[f"{kind}_p95_ms_{key}"] = round(k.p95, 1)
            out[f"advisory_waits_max_{key}"] = lv.advisory_max
            out[f"advisory_waits_mean_{key}"] = round(lv.advisory_mean, 2)
            out[f"errors_{key}"] = lv.errors
            out[f"load1_{key}"] = round(max(lv.load), 2)
            out[f"rss_mb_start_{key}"] = round(lv.rss_mb[0], 1)
            out[f"rss_mb_end_{key}"] = round(lv.rss_mb[1], 1)
            out[f"cpu_ms_per_request_app_{key}"] = round(lv.cpu_per_request[0], 2)
            out[f"cpu_ms_per_request_db_{key}"] = round(lv.cpu_per_request[1], 2)
            out[f"cpu_ms_per_request_bench_{key}"] = round(lv.bench_cpu / (len(lv.samples) or 1), 2)
            out[f"cpu_ms_per_request_machine_{key}"] = round(lv.busy / (len(lv.samples) or 1), 2)
        for workers in self.workers:
            first, top = self.level(workers, self.users[0]), self.level(workers, self.users[-1])
            out[f"rss_flat_w{workers}"] = memory_flat(first.rss_mb[0], top.rss_mb[1])
        for hold in self.holds:
            key = f"w{hold.workers}"
            out[f"hold_requests_{key}"] = hold.requests
            out[f"hold_errors_{key}"] = hold.errors
            out[f"hold_rss_mb_start_{key}"] = round(hold.points[0][1], 1)
            out[f"hold_rss_mb_end_{key}"] = round(hold.points[-1][1], 1)
            out[f"hold_rss_mb_per_1k_requests_{key}"] = round(hold.slope, 3)
            out[f"hold_rss_flat_{key}"] = hold.flat
        for cost in self.costs:
            out |= cost.figures(f"{cost.kind}_")
        for workers in self.workers:
            first = self.level(workers, self.users[0])
            for users in self.users[1:]:
                ratio = self.level(workers, users).rps / first.rps if first.rps else None
                out[f"scaling_c{users}_over_c{first.users}_w{workers}"] = (
                    round(ratio, 2) if ratio is not None else None
                )
        if 1 in self.workers and 1 in self.users:
            one = self.level(1, 1).kind("chart").p50
            for workers in self.workers[1:]:
                out[f"chart_p50_ms_c1_w{workers}_minus_w1"] = round(
                    self.level(workers, 1).kind("chart").p50 - one, 1
                )
        out["errors"] = sum(lv.errors for lv in self.levels)
        out["workers"] = self.workers
        out["users"] = self.users
        out["seconds"] = self.seconds
        out["prime_seconds"] = self.prime
        out["hold_seconds"] = self.holds[0].seconds if self.holds else 0
        out["patients"] = self.patients
        out["cores"] = os.cpu_count()
        return out

    def as_json(self) -> str:
        # NaN (a kind with no request at a level) is not JSON: null instead.
        return json.dumps(
            {k: (None if isinstance(v, float) and v != v else v) for k, v in self.as_dict().items()}
        )


def run(
    url: str,
    *,
    users: list[int],
    workers: list[int],
    seconds: float,
    warm_up: float,
    seed: int,
    prime: float = 0.0,
    hold: float = 0.0,
    say: Callable[[str], None] = print,
) -> MixedResult:
    """Every load level against every worker count, interleaved level by level:
    first ``prime`` seconds of load at the most users on each server, unmeasured, so
    that what the levels see of memory is growth, not warm-up; last ``hold`` seconds
    of load at the most users on each server, its memory read against the requests."""
    rng = random.Random(seed)
    staff = clinicians(url)
    terms = search_terms(url, rng)
    levels: list[Level] = []
    with ExitStack() as stack:
        servers = stack.enter_context(serving(url, workers))
        sessions: dict[int, list[User]] = {}
        for server in servers:
            say(f"{server.command}: at {server.base}; {max(users)} users logging in")
            sessions[server.workers] = people = [
                User(server.base, staff[n % len(staff)], terms, seed=rng.randrange(2**32))
                for n in range(max(users))
            ]
            for user in people:
                stack.callback(user.close)
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(User.log_in, people))
        if prime > 0:
            for server in servers:
                served = load(sessions[server.workers], prime)
                say(f"  primed {server.workers} worker(s): {len(served)} requests in {prime:.0f} s")
        for count in users:
            for server in servers:
                level = run_level(
                    url, server, sessions[server.workers][:count], seconds=seconds, warm_up=warm_up
                )
                say(
                    f"  measured {server.workers} worker(s), {count} user(s): {level.rps:.1f} req/s, "
                    f"{level.errors} errors"
                )
                levels.append(level)
        holds = []
        if hold > 0:
            for server in servers:
                holds.append(hold_load(server, sessions[server.workers], hold))
                say(f"  held {server.workers} worker(s): {holds[-1].line().strip()}")
        commands = [s.command for s in servers]
    say("the cost of each kind of request, the app in this process …")
    costs = request_costs(url, staff[0], terms, seed=seed)
    return MixedResult(
        patients=patient_count(url),
        clinicians=len(staff),
        users=users,
        workers=workers,
        seconds=seconds,
        warm_up=warm_up,
        commands=commands,
        levels=levels,
        costs=costs,
        prime=prime,
        holds=holds,
    )


def request_costs(url: str, clinician: Clinician, terms: list[str], *, seed: int) -> list[Cost]:
    """Each kind of request of the mix made by one user, alone, against the app run in
    this process, with its SQL recorded and replayed with and without the policy layer."""
    counter = StatementCounter()
    with counter.installed(), running_app(url) as base:
        user = User(base, clinician, terms, seed=seed)
        try:
            user.log_in()
            for kind in KINDS:  # warm the app's caches and the pool's prepared statements first
                for _ in range(COST_WARM_UP):
                    getattr(user, kind)()
            return [
                measure(kind, counter, getattr(user, kind), owner_url=url, requests=COST_REQUESTS)
                for kind in KINDS
            ]
        finally:
            user.close()
