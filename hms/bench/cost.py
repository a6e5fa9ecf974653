"""What a request costs, layer by layer: the whole request, its own SQL, and the
same SQL without the policy layer.

The app runs in the benchmark's own process, so its SQL statements can be
recorded by wrapping psycopg's cursor (``StatementCounter``): each statement with
its parameters and the time it took (round trip included). The statements of a
request are then replayed twice, each time in transactions that commit:
as the app's role, acting for the same session (row-level security, the access
decisions and the audit row's checks all at work), and as the schema's owner,
whom row-level security does not bind. Three figures follow:

- request ÷ SQL: what Python, the templates and HTTP add to the database's work;
- SQL as the app ÷ SQL as the owner: what the policy layer adds to the queries.

A statement that fails as the owner (none is expected) makes the owner's figure
unknown rather than wrong.
"""

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg._connection_base import BaseConnection

REPLAYS = 7  # replays of one request's statements per role; the median is kept
# The first replays on a new connection are not kept: they fill its caches, and
# PostgreSQL plans a prepared statement anew at each of its first five executions
# before it weighs keeping one plan, as the app's long-lived connections have.
COLD = 8


@dataclass(frozen=True)
class Statement:
    label: str  # first words, without the query's name comment
    query: Any
    params: Any
    ms: float


class StatementCounter:
    """Records the SQL statements the app's role runs while counting, with their
    parameters and the time each took to execute (round trip included), by wrapping
    psycopg's Cursor.execute and executemany: Connection.execute and aiosql both go
    through them. Other logins (the app's background sealing of the audit log runs
    as hms_worker in a thread of its own) are not the request's and not recorded.

    The transaction's own commands (BEGIN, SAVEPOINT, RELEASE, COMMIT), which psycopg
    sends itself, are a round trip each too: they are listed in ``commands``."""

    def __init__(self, role: str = "hms_app") -> None:
        self.role = role
        self.recorded: list[Statement] = []
        self.commands: list[str] = []
        self.active = False

    @property
    def statements(self) -> list[tuple[str, float]]:
        return [(s.label, s.ms) for s in self.recorded]

    @property
    def round_trips(self) -> int:
        return len(self.recorded) + len(self.commands)

    @contextmanager
    def installed(self) -> Iterator["StatementCounter"]:
        originals = {name: getattr(psycopg.Cursor, name) for name in ("execute", "executemany")}
        # psycopg's private way of sending BEGIN, SAVEPOINT, RELEASE and COMMIT.
        send_command = BaseConnection._exec_command

        def command(conn: BaseConnection[Any], sql: Any, *args: Any, **kwargs: Any) -> Any:
            if self.active and conn.info.user == self.role:
                self.commands.append(label(sql).split(" ")[0].strip('"'))
            return send_command(conn, sql, *args, **kwargs)

        def wrap(name: str) -> Callable[..., Any]:
            def recorded(cursor: psycopg.Cursor, query: Any, *args: Any, **kwargs: Any) -> Any:
                if not self.active or cursor.connection.info.user != self.role:
                    return originals[name](cursor, query, *args, **kwargs)
                start = time.perf_counter()
                try:
                    return originals[name](cursor, query, *args, **kwargs)
                finally:
                    ms = (time.perf_counter() - start) * 1000
                    params = args[0] if args else kwargs.get("params", kwargs.get("params_seq"))
                    many = name == "executemany"
                    self.recorded.append(
                        Statement(label(query), query, ("many", params) if many else params, ms)
                    )

            return recorded

        for name in originals:
            setattr(psycopg.Cursor, name, wrap(name))
        BaseConnection._exec_command = command  # type: ignore[method-assign,assignment]
        try:
            yield self
        finally:
            for name, original in originals.items():
                setattr(psycopg.Cursor, name, original)
            BaseConnection._exec_command = send_command  # type: ignore[method-assign]

    @contextmanager
    def counting(self) -> Iterator[None]:
        self.recorded = []
        self.commands = []
        self.active = True
        try:
            yield
        finally:
            self.active = False


def label(query: Any) -> str:
    """A statement's first words, with its leading comment (the query's name) dropped."""
    if isinstance(query, bytes):
        query = query.decode()
    elif not isinstance(query, str):
        query = query.as_string(None) if hasattr(query, "as_string") else repr(query)
    lines = [line for line in query.splitlines() if line.strip() and not line.lstrip().startswith("--")]
    return " ".join(" ".join(lines).split())[:100]


def replay(url: str, statements: list[Statement], *, as_app: bool) -> float:
    """The statements' total time (ms, median of REPLAYS after COLD), each replay
    a transaction that commits: as the app's role (SET ROLE, so row-level security
    applies) or as the owner connected by ``url``, whom it does not bind.

    Committed, as the app's own transactions are, and not rolled back: rolled back,
    each replay leaves aborted versions of the rows it wrote behind (the connection's
    verified identity and access decisions, read some thirty times a chart), and the
    replays of a chart took 8.9-9.5 ms where the app's own statements took 4.6 ms;
    committed, they take what the app's do (the summary 0.6-0.7 ms against 2.0-2.3
    ms rolled back). The bench database is the bench's own, so the audit rows and
    the vital signs the replays write stay there."""
    totals = []
    with psycopg.connect(url) as conn:
        for _ in range(COLD + REPLAYS):
            total = 0.0
            with conn.transaction(), conn.cursor() as cur:
                if as_app:
                    cur.execute("SET LOCAL ROLE hms_app")
                for s in statements:
                    start = time.perf_counter()
                    if isinstance(s.params, tuple) and len(s.params) == 2 and s.params[0] == "many":
                        cur.executemany(s.query, s.params[1])
                    else:  # prepared at once, as the app's are after their fifth use
                        cur.execute(s.query, s.params, prepare=True)
                    total += (time.perf_counter() - start) * 1000
            totals.append(total)
    return statistics.median(totals[COLD:])


@dataclass(frozen=True)
class Cost:
    """One kind of request: medians over the counted requests."""

    kind: str
    requests: int
    request_ms: float
    sql_ms: float
    statements: int
    round_trips: int  # the statements and the transaction's own commands (BEGIN, COMMIT, ...)
    app_replay_ms: float | None  # the request's statements again, as the app's role
    owner_replay_ms: float | None  # and as the owner: no row-level security
    db_cpu_ms: float | None = None  # CPU time of the app's database backends per request
    note: str = ""

    @property
    def request_over_sql(self) -> float:
        return self.request_ms / self.sql_ms if self.sql_ms else float("nan")

    @property
    def sql_over_owner(self) -> float | None:
        if self.app_replay_ms is None or not self.owner_replay_ms:
            return None
        return self.app_replay_ms / self.owner_replay_ms

    def line(self) -> str:
        policy = (
            f"same SQL as the app {self.app_replay_ms:.2f} ms vs as the owner (no policies) "
            f"{self.owner_replay_ms:.2f} ms: SQL / no-policy {self.sql_over_owner:.2f}"
            if self.sql_over_owner is not None
            else f"SQL / no-policy unknown ({self.note or 'no replay'})"
        )
        cpu = f"; database CPU {self.db_cpu_ms:.2f} ms" if self.db_cpu_ms is not None else ""
        return (
            f"{self.kind:<7} request {self.request_ms:6.2f} ms, its SQL {self.sql_ms:6.2f} ms in "
            f"{self.statements} statements ({self.round_trips} round trips){cpu}: "
            f"request / SQL {self.request_over_sql:.2f}; {policy}"
        )

    def figures(self, prefix: str) -> dict[str, float | int | None]:
        def r(x: float | None) -> float | None:
            return None if x is None or x != x else round(x, 2)

        return {
            f"{prefix}request_ms": r(self.request_ms),
            f"{prefix}sql_ms": r(self.sql_ms),
            f"{prefix}statements": self.statements,
            f"{prefix}round_trips": self.round_trips,
            f"{prefix}request_over_sql": r(self.request_over_sql),
            f"{prefix}sql_app_replay_ms": r(self.app_replay_ms),
            f"{prefix}sql_owner_replay_ms": r(self.owner_replay_ms),
            f"{prefix}sql_over_no_policy": r(self.sql_over_owner),
            f"{prefix}db_cpu_ms": r(self.db_cpu_ms),
        }


def measure(
    kind: str,
    counter: StatementCounter,
    request: Callable[[], object],
    *,
    owner_url: str,
    requests: int = 15,
) -> Cost:
    """Time ``requests`` calls of ``request`` (one HTTP request each) with their
    statements recorded, and the CPU time the app's database backends spent on
    them, then replay the statements of the median request."""
    timed: list[tuple[float, list[Statement]]] = []
    round_trips: list[int] = []
    backends = app_backends(owner_url)
    cpu_before = cpu_ms(backends)
    for _ in range(requests):
        with counter.counting():
            start = time.perf_counter()
            request()
            ms = (time.perf_counter() - start) * 1000
        timed.append((ms, list(counter.recorded)))
        round_trips.append(counter.round_trips)
    cpu_after = cpu_ms(backends)
    db_cpu = sum(cpu_after[p] - cpu_before[p] for p in cpu_after.keys() & cpu_before.keys()) / requests
    sql = [sum(s.ms for s in stmts) for _, stmts in timed]
    middle = sorted(timed, key=lambda t: sum(s.ms for s in t[1]))[len(timed) // 2][1]
    app_ms = owner_ms = None
    note = ""
    try:
        app_ms = replay(owner_url, middle, as_app=True)
        owner_ms = replay(owner_url, middle, as_app=False)
    except psycopg.Error as exc:
        note = f"replay failed: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    return Cost(
        kind=kind,
        requests=requests,
        request_ms=statistics.median(ms for ms, _ in timed),
        sql_ms=statistics.median(sql),
        statements=round(statistics.median(len(stmts) for _, stmts in timed)),
        round_trips=round(statistics.median(round_trips)),
        app_replay_ms=app_ms,
        owner_replay_ms=owner_ms,
        db_cpu_ms=db_cpu if backends else None,
        note=note,
    )


def cpu_ms(pids: list[int]) -> dict[int, float]:
    """CPU time (ms) each process has run so far, all its threads together, from
    /proc/<pid>/task/<tid>/schedstat (in nanoseconds, unlike the 10 ms ticks of
    /proc/<pid>/stat); an ended process is left out (and so is everything where
    /proc cannot be read). A thread that ends between the listing and its reading
    is left out alone, not its whole process."""
    out = {}
    for pid in pids:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        total = 0
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as stat:
                    total += int(stat.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        out[pid] = total / 1e6
    return out


def app_backends(url: str, clients: list[int] | None = None) -> list[int]:
    """The server processes of the app's connections to the database ``url`` names,
    made by the processes ``clients`` (this one by default), so that other work on
    the same database is not counted. Their CPU time is read from /proc: the
    database runs on this machine. A connection over a Unix socket (the embedded
    server) has no port to match, so each of those is counted: the bench
    database is the bench's own."""
    ports = local_ports(clients or [os.getpid()])
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pid, client_port FROM pg_stat_activity "
            "WHERE datname = current_database() AND usename = 'hms_app'"
        ).fetchall()
    return [int(pid) for pid, port in rows if port in ports or port is None or port < 0]


def local_ports(pids: list[int]) -> set[int]:
    """The local TCP ports of the sockets the processes hold open."""
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                for line in list(lines)[1:]:
                    fields = line.split()
                    if fields[9] in inodes:
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            continue
    return ports
