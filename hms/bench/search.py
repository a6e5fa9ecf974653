"""Benchmark of patient search as a receptionist meets it: through the login
form, the session, the policy, the audit log and the page, over HTTP.

It runs on its own database (``hms_bench``) on the same server, seeded with the
demo hospital at the size asked for and kept for the next run. The app is the
real one, served by uvicorn in a background thread on a free port.
"""

import json
import random
import re
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import httpx
import psycopg

from hms.bench.acting import act_as_app, explained
from hms.bench.browser import Browser
from hms.bench.cost import Cost, StatementCounter, measure
from hms.config import Settings
from hms.db import embedded
from hms.db.connect import ensure_database, with_database
from hms.db.migrate import migrate
from hms.seed.context import Progress, no_progress
from hms.seed.demo import DEMO_PASSWORD, has_users, patient_count, recreate_database, seed_hospital

BENCH_DB = "hms_bench"
RECEPTIONIST = "reception"
WARM_UP = 30
TARGET_P95_MS = {"lookup": 5.0, "search": 50.0, "common": 50.0, "rare": 50.0}
# The surnames a name search is drawn for, beside patients drawn at random:
# the most frequent of the bench database (tens of thousands of patients
# each at a million) and the least frequent.
COMMON_SURNAMES = 5
RARE_SURNAMES = 25


@dataclass(frozen=True)
class Timings:
    name: str
    ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.ms, n=100, method="inclusive")[94]


@dataclass(frozen=True)
class Surnames:
    """Surnames of the bench database and how many patients bear each."""

    names: list[str]
    least: int
    most: int

    def describe(self) -> str:
        return f"{len(self.names)} surnames of {self.least:,}-{self.most:,} patients each"


@dataclass(frozen=True)
class BenchResult:
    patients: int
    requests: int
    lookup: Timings
    search: Timings  # names of patients drawn at random
    common: Timings  # names of patients of the most frequent surnames
    rare: Timings  # names of patients of the least frequent surnames
    common_surnames: Surnames
    rare_surnames: Surnames
    found: int  # lookups whose page showed the patient looked up
    cost: Cost | None = None  # a name search: request, its SQL, that SQL without the policy layer

    def lines(self) -> list[str]:
        out = [
            f"patients: {self.patients:,}; {self.requests} timed requests of each kind, "
            f"sequential, after {WARM_UP} warm-up",
            f"common names: {self.common_surnames.describe()}; rare names: {self.rare_surnames.describe()}",
        ]
        for label, t in (
            ("identity-number lookup", self.lookup),
            ("name search", self.search),
            ("  of common surnames", self.common),
            ("  of rare surnames", self.rare),
        ):
            target = TARGET_P95_MS[t.name]
            verdict = "ok" if t.p95 <= target else "SLOWER THAN TARGET"
            out.append(
                f"{label:<24} p50 {t.p50:6.1f} ms   p95 {t.p95:6.1f} ms   "
                f"(target p95 <= {target:.0f} ms: {verdict})"
            )
        out.append(f"lookups that found their patient: {self.found}/{self.requests}")
        return out + ([f"cost (medians of {self.cost.requests}): {self.cost.line()}"] if self.cost else [])

    def as_json(self) -> str:
        return json.dumps(
            {
                "lookup_p50_ms": round(self.lookup.p50, 2),
                "lookup_p95_ms": round(self.lookup.p95, 2),
                "search_p50_ms": round(self.search.p50, 2),
                "search_p95_ms": round(self.search.p95, 2),
                "common_p50_ms": round(self.common.p50, 2),
                "common_p95_ms": round(self.common.p95, 2),
                "rare_p50_ms": round(self.rare.p50, 2),
                "rare_p95_ms": round(self.rare.p95, 2),
                "patients": self.patients,
                "requests": self.requests,
                **(self.cost.figures("search_") if self.cost else {}),
            }
        )


def bench_database(settings: Settings) -> str:
    """The owner's URL of the benchmark database, created and migrated."""
    server = settings.database_url or embedded.start(settings.data_dir)
    ensure_database(server, BENCH_DB)
    url = with_database(server, BENCH_DB)
    migrate(url)
    return url


def prepare(url: str, *, patients: int, seed: int, progress: Progress = no_progress) -> int:
    """Reuse the benchmark database when it is big enough, else seed it anew."""
    have = patient_count(url)
    if have >= patients:
        return have
    if has_users(url):
        recreate_database(url)
    return seed_hospital(url, seed=seed, patients=patients, progress=progress).patients


def run(url: str, *, requests: int, seed: int, say: Callable[[str], None] = print) -> BenchResult:
    rng = random.Random(seed)
    people = _sample_patients(url, rng, requests + WARM_UP)
    numbers = [number for number, _, _ in people]
    names = [name_query(rng, given, family) for _, given, family in people]
    common_surnames, rare_surnames = surnames(url)
    common = [name_query(rng, g, f) for g, f in _sample_named(url, rng, common_surnames.names, requests)]
    rare = [name_query(rng, g, f) for g, f in _sample_named(url, rng, rare_surnames.names, requests)]
    counter = StatementCounter()
    with counter.installed(), running_app(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        say(f"app at {base}; logging in as {RECEPTIONIST}")
        log_in(client, RECEPTIONIST, DEMO_PASSWORD)
        for query in numbers[:WARM_UP] + names[:WARM_UP]:
            _get_search(client, query)
        lookup, pages = _time_all(client, numbers[WARM_UP:])
        search, _ = _time_all(client, names[WARM_UP:])
        common_ms, _ = _time_all(client, common)
        rare_ms, _ = _time_all(client, rare)
        asked = iter(names[WARM_UP:] * 2)
        cost = measure("search", counter, lambda: _get_search(client, next(asked)), owner_url=url)
    found = sum(family in page for (_, _, family), page in zip(people[WARM_UP:], pages, strict=True))
    return BenchResult(
        patients=patient_count(url),
        requests=requests,
        lookup=Timings("lookup", lookup),
        search=Timings("search", search),
        common=Timings("common", common_ms),
        rare=Timings("rare", rare_ms),
        common_surnames=common_surnames,
        rare_surnames=rare_surnames,
        found=found,
        cost=cost,
    )


def surnames(url: str) -> tuple[Surnames, Surnames]:
    """The most and the least frequent surnames of the bench database."""
    with psycopg.connect(url) as conn:
        counted = conn.execute(
            "SELECT family_name, count(*) FROM patient GROUP BY family_name "
            "ORDER BY count(*) DESC, family_name"
        ).fetchall()

    def of(rows: list[tuple[str, int]]) -> Surnames:
        return Surnames([name for name, _ in rows], min(n for _, n in rows), max(n for _, n in rows))

    return of(counted[:COMMON_SURNAMES]), of(counted[-RARE_SURNAMES:])


def name_query(rng: random.Random, given: str, family: str) -> str:
    """What a receptionist might type for a patient: part of a name, or a name spelt wrong."""
    kind = rng.randrange(5)
    if kind == 0:
        return family[: rng.randint(min(4, len(family)), len(family))]
    if kind == 1:
        return f"{given} {family}"
    if kind == 2:
        return misspell(rng, family)
    if kind == 3:
        return f"{given} {misspell(rng, family)}"
    return f"{given[:3]} {family[:4]}".lower()


def misspell(rng: random.Random, word: str) -> str:
    """One typo: a letter dropped, doubled or swapped with its neighbour."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    typo = rng.randrange(3)
    if typo == 0:
        return word[:i] + word[i + 1 :]
    if typo == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _sample_patients(url: str, rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    with psycopg.connect(url) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM patient ORDER BY id")]
        chosen = [rng.choice(ids) for _ in range(n)]
        rows = conn.execute(
            "SELECT id, personal_number, given_name, family_name FROM patient WHERE id = ANY(%s)", [chosen]
        ).fetchall()
    by_id = {row[0]: row[1:] for row in rows}
    return [by_id[i] for i in chosen]


def _sample_named(url: str, rng: random.Random, families: list[str], n: int) -> list[tuple[str, str]]:
    """n patients (given and family name) drawn from those of these surnames."""
    with psycopg.connect(url) as conn:
        names = conn.execute(
            "SELECT given_name, family_name FROM patient WHERE family_name = ANY(%s) ORDER BY id", [families]
        ).fetchall()
    return [(given, family) for given, family in rng.choices(names, k=n)]


def _get_search(client: httpx.Client, query: str) -> httpx.Response:
    response = client.get("/patients", params={"q": query})
    if response.status_code != 200:
        raise RuntimeError(f"search for {query!r} answered {response.status_code}")
    return response


def _time_all(client: httpx.Client, queries: list[str]) -> tuple[list[float], list[str]]:
    timings, pages = [], []
    for query in queries:
        start = time.perf_counter()
        response = _get_search(client, query)
        timings.append((time.perf_counter() - start) * 1000)
        pages.append(response.text)
    return timings, pages


def log_in(client: httpx.Client | Browser, username: str, password: str) -> None:
    """Through the real form: the page's CSRF token, then the session cookie."""
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if match is None:
        raise RuntimeError("the login page has no CSRF token")
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": match.group(1)}
    )
    if response.status_code != 303 or "hms_session" not in client.cookies:
        raise RuntimeError(f"login as {username} failed ({response.status_code})")


@contextmanager
def running_app(url: str) -> Iterator[str]:
    """The app on the benchmark database, served by uvicorn in a background thread."""
    import uvicorn

    from hms.app import create_app

    port = _free_port()
    settings = Settings(database_url=url, app_database_url=None)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, name="hms-bench-server", daemon=True)
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def explain_common_names(url: str, *, seed: int) -> str:
    """The plans of name searches for the most frequent surname of the bench
    database, as typed and misspelt after a given name: the searches whose
    work would grow with the registry if the ranking came after the fetch."""
    commonest = surnames(url)[0].names[0]
    misspelt = f"Anna {misspell(random.Random(seed), commonest)}"
    return explain_name_search(url, commonest) + "\n" + explain_name_search(url, misspelt)


def explain_name_search(url: str, query: str) -> str:
    """The plan of a name search (EXPLAIN ANALYZE, BUFFERS) as the receptionist
    runs it, through the app's role and views."""
    from hms.patients.read import SEARCH_LIMIT, _search_name

    with psycopg.connect(url) as conn:
        # The queries run inside patient_search_by_name: auto_explain shows their plan
        # (the one kept for every name), as the app's role runs it. Loading it takes
        # a superuser, which the owner of the embedded server and of a test server is.
        try:
            plans = explained(conn)
        except psycopg.errors.InsufficientPrivilege:
            return f"name search for {query!r}: no plan (auto_explain takes a superuser as the owner)"
        user_id = conn.execute("SELECT id FROM app_user WHERE username = %s", [RECEPTIONIST]).fetchone()
        act_as_app(conn, user_id[0] if user_id else None)
        _search_name(SimpleNamespace(conn=conn), query, SEARCH_LIMIT + 1)  # type: ignore[arg-type]
        conn.rollback()
    search = [p for p in plans if "patient_search_key" in p]
    return f"name search for {query!r}:\n" + (search[-1] if search else "\n".join(plans))
