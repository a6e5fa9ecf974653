"""The ``hms`` command."""

import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from hms.config import get_settings

if TYPE_CHECKING:
    import socket

    import uvicorn

    from hms.seed.context import DemoLogin

warnings.filterwarnings("ignore", module="platformdirs")

app = typer.Typer(help="HMS: hospital management system.", no_args_is_help=True)
db_app = typer.Typer(help="The embedded PostgreSQL server (used when DATABASE_URL is unset).")
app.add_typer(db_app, name="db")


@db_app.command("start")
def db_start() -> None:
    """Start the embedded server (its data survives restarts)."""
    from hms.db import embedded

    settings = get_settings()
    uri = embedded.start(settings.data_dir)
    typer.echo(f"embedded PostgreSQL running: {uri}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded server."""
    from hms.db import embedded

    stopped = embedded.stop(get_settings().data_dir)
    typer.echo("stopped" if stopped else "not running")


@db_app.command("status")
def db_status() -> None:
    """Say whether the embedded server runs (or which server DATABASE_URL names)."""
    from hms.db import embedded

    settings = get_settings()
    if settings.database_url:
        typer.echo("using DATABASE_URL (external server)")
        return
    uri = embedded.status(settings.data_dir)
    typer.echo(f"running: {uri}" if uri else "not running")
    if uri is None:
        raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Apply pending schema migrations."""
    from hms.db.connect import owner_url
    from hms.db.migrate import migrate as run

    applied = run(owner_url(get_settings()))
    typer.echo(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Run the web app."""
    import uvicorn

    if workers <= 1:
        uvicorn.run(
            "hms.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=False,
            access_log=False,
        )
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "hms.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        access_log=False,
    )
    try:
        Multiprocess(config, sockets=[_tcp_listener(config)]).run()
    except KeyboardInterrupt:
        pass


def _tcp_listener(config: "uvicorn.Config") -> "socket.socket":
    """The listening socket uvicorn's supervisor shares with its workers, with Nagle's
    algorithm off for every connection it accepts.

    uvicorn binds it as ``socket.socket(family)``, protocol 0; accepted sockets inherit
    that, and asyncio sets TCP_NODELAY only on sockets that say IPPROTO_TCP. So with
    several workers each keep-alive response written in more than one piece (headers,
    then body) waited for the browser's delayed ACK, some 40 ms (uvicorn issue #3149).
    With one worker asyncio binds the socket itself, as IPPROTO_TCP, and all is well.
    Here the socket is declared TCP again, so asyncio sets the option on each connection
    as with one worker, and the listener carries it too (accepted sockets inherit it)."""
    import socket

    sock = config.bind_socket()
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return sock
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.set_inheritable(True)
    return tcp


@app.command()
def createuser(
    username: str = typer.Argument(..., help="Login name (lower case)."),
    role: str = typer.Option(..., help="doctor, nurse, pharmacist, receptionist, administrator, ..."),
    full_name: str = typer.Option(..., "--name", help="Full name."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    profession: str = typer.Option("", help="Profession for staff (defaults from the role)."),
) -> None:
    """Create a staff account (e.g. the first administrator)."""
    from hms.accounts.passwords import check_password_strength
    from hms.accounts.service import StaffInput, staff_create
    from hms.core.roles import STAFF_ROLES, Role
    from hms.db.connect import owner_url
    from hms.db.pool import Database

    if Role(role) not in STAFF_ROLES:
        raise typer.BadParameter("createuser makes staff accounts; patients get theirs at the desk")
    problem = check_password_strength(password)
    if problem:
        raise typer.BadParameter(problem)
    db = Database(owner_url(get_settings()), min_size=1, max_size=1)
    db.open()
    try:
        with db.transaction() as conn:
            user_id = staff_create(
                conn,
                data=StaffInput(
                    username=username,
                    full_name=full_name,
                    email=None,
                    role=Role(role),
                    profession=profession or role.replace("_", " ").capitalize(),
                    licence_number=None,
                    title=None,
                    phone=None,
                ),
                password=password,
                care_unit_ids=[],
            )
    finally:
        db.close()
    typer.echo(f"created user {username} (id {user_id})")


@contextmanager
def _progress_bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    with typer.progressbar(length=total, label=f"{label:<12}", file=sys.stderr) as bar:
        yield bar.update


def _print_logins(logins: list["DemoLogin"], password: str) -> None:
    typer.echo(f"\n{'role':<20} {'username':<12} {'password':<15} name")
    for login in logins:
        typer.echo(f"{login.role:<20} {login.username:<12} {password:<15} {login.full_name}")


@app.command("seed")
def seed_command(
    seed: int = typer.Option(42, help="Random seed: the same seed gives the same hospital."),
    patients: int = typer.Option(2000, min=0, help="How many patients to register (100000 takes seconds)."),
    reset: bool = typer.Option(
        False, "--reset", help="Drop the whole database (audit log included) and create it anew first."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before --reset drops the database."),
) -> None:
    """Load the demo hospital: departments, wards and beds, ~50 staff, patients with
    next of kin, portal accounts and relatives. Every demo account shares one password.

    Migrates first. A database that already has users or patients is refused unless
    --reset is given, which drops and recreates it: demo data must never mix with real records.
    """
    from hms.db.connect import owner_url
    from hms.db.migrate import migrate as run_migrations
    from hms.seed.demo import DEMO_PASSWORD, has_users, recreate_database, seed_hospital

    url = owner_url(get_settings())
    run_migrations(url)
    if reset:
        if not yes:
            typer.confirm("Drop the whole database and everything in it?", abort=True)
        recreate_database(url)
    elif has_users(url):
        typer.echo("The database already has users or patients; --reset drops it and seeds anew.", err=True)
        raise typer.Exit(1)
    summary = seed_hospital(url, seed=seed, patients=patients, progress=_progress_bar)
    typer.echo(
        f"seeded {summary.patients} patients, {summary.staff} staff, "
        f"{summary.portal_users} portal accounts and {summary.relatives} relatives"
    )
    _print_logins(summary.logins, DEMO_PASSWORD)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
) -> None:
    """Try HMS: migrate, load the demo hospital if the database has no users yet,
    print the demo logins (one per role) and serve the app."""
    from hms.db.connect import owner_url
    from hms.db.migrate import migrate as run_migrations
    from hms.seed.demo import DEMO_PASSWORD, demo_logins, has_users, seed_hospital

    url = owner_url(get_settings())
    run_migrations(url)
    if not has_users(url):
        typer.echo("loading the demo hospital …")
        seed_hospital(url, progress=_progress_bar)
    logins = demo_logins(url)
    if logins:
        _print_logins(logins, DEMO_PASSWORD)
    else:
        typer.echo("This database has users of its own, so no demo logins (see `hms seed --reset`).")
    typer.echo(f"\nHMS is at http://{host}:{port}  (Ctrl-C stops it)\n")
    serve(host=host, port=port, workers=1)


bench_app = typer.Typer(help="Benchmarks through the real HTTP stack.")
app.add_typer(bench_app, name="bench")


@bench_app.command("search")
def bench_search(
    patients: int = typer.Option(100_000, min=1, help="At least this many patients in the bench database."),
    requests: int = typer.Option(300, min=20, help="Timed requests of each kind."),
    seed: int = typer.Option(42, help="Seed of the bench hospital and of the queries drawn from it."),
    explain: bool = typer.Option(
        False, help="Also print EXPLAIN ANALYZE of name searches for the commonest surname."
    ),
) -> None:
    """Time patient search over HTTP as a receptionist: exact identity-number
    lookups and partial or misspelt names, of patients drawn at random and of
    the most and the least frequent surnames, on a database `hms_bench` with at
    least --patients patients (seeded once, then reused). The last line is JSON."""
    from hms.bench import search

    url = search.bench_database(get_settings())
    have = search.prepare(url, patients=patients, seed=seed, progress=_progress_bar)
    typer.echo(f"bench database {search.BENCH_DB}: {have:,} patients")
    if explain:
        typer.echo(search.explain_common_names(url, seed=seed))
    result = search.run(url, requests=requests, seed=seed, say=typer.echo)
    for line in result.lines():
        typer.echo(line)
    typer.echo(result.as_json())


@bench_app.command("chart")
def bench_chart(
    patients: int = typer.Option(100_000, min=1, help="At least this many patients in the bench database."),
    entries: int = typer.Option(5000, min=100, help="Journal entries of the charted patient."),
    requests: int = typer.Option(200, min=20, help="Timed requests of the chart page."),
    seed: int = typer.Option(42, help="Seed of the bench hospital and of the patient's history."),
    explain: bool = typer.Option(False, help="Also print EXPLAIN ANALYZE of the chart's queries."),
) -> None:
    """Time a doctor's chart over HTTP for a patient with --entries journal entries:
    the chart page, then every older timeline page through its keyset links, and
    count the SQL statements of one chart request. Uses `hms_bench` (seeded once,
    the long history written once, then reused). The last line is JSON."""
    from hms.bench import chart, search

    url = search.bench_database(get_settings())
    have = search.prepare(url, patients=patients, seed=seed, progress=_progress_bar)
    typer.echo(f"bench database {search.BENCH_DB}: {have:,} patients")
    patient_id, _ = chart.prepare_patient(url, entries=entries, seed=seed, say=typer.echo)
    if explain:
        typer.echo(chart.explain(url, patient_id, as_user=chart.doctor_of(url, patient_id)))
    result = chart.run(url, patient_id=patient_id, requests=requests, say=typer.echo)
    for line in result.lines():
        typer.echo(line)
    typer.echo(result.as_json())


@bench_app.command("audit")
def bench_audit(
    patients: int = typer.Option(100_000, min=1, help="At least this many patients in the bench database."),
    requests: int = typer.Option(300, min=20, help="Timed chart requests of each app."),
    seed: int = typer.Option(42, help="Seed of the bench hospital."),
    explain: bool = typer.Option(False, help="Also print EXPLAIN ANALYZE of the chart's queries as hms_app."),
) -> None:
    """Time a doctor's chart page twice, interleaved: through the app's role (row-level
    security, policy and audit) and through the schema owner (RLS bypassed, audit still
    written). Uses `hms_bench`. The last line is JSON with the ratio."""
    from hms.bench import audit, search

    url = search.bench_database(get_settings())
    have = search.prepare(url, patients=patients, seed=seed, progress=_progress_bar)
    typer.echo(f"bench database {search.BENCH_DB}: {have:,} patients")
    patient_id, doctor = audit.prepare_patient(url, say=typer.echo)
    result = audit.run(url, patient_id=patient_id, doctor=doctor, requests=requests, say=typer.echo)
    for line in result.lines():
        typer.echo(line)
    if explain or not result.on_target:
        typer.echo(audit.explain(url, patient_id=patient_id, doctor=doctor))
    typer.echo(result.as_json())


@bench_app.command("prescribing")
def bench_prescribing(
    patients: int = typer.Option(2_000, min=1, help="Patients in the bench database (seeded once, reused)."),
    requests: int = typer.Option(300, min=20, help="Timed checks."),
    seed: int = typer.Option(42, help="Seed of the bench hospital and of the drugs checked."),
) -> None:
    """Time the prescribing safety checks through HTTP for a patient on 20 active
    drugs, on `hms_bench_medication`. The last line is JSON."""
    from hms.bench import prescribing, search

    url = prescribing.bench_database(get_settings())
    have = search.prepare(url, patients=patients, seed=seed, progress=_progress_bar)
    typer.echo(f"bench database {prescribing.BENCH_DB}: {have:,} patients")
    patient_id = prescribing.prepare_patient(url, say=typer.echo)
    result = prescribing.run(url, patient_id=patient_id, requests=requests, seed=seed, say=typer.echo)
    for line in result.lines():
        typer.echo(line)
    typer.echo(prescribing.as_json(result))


@bench_app.command("booking")
def bench_booking(
    searches: int = typer.Option(200, min=20, help="Timed free-slot searches."),
    clients: int = typer.Option(16, min=1, help="Concurrent clients booking distinct times."),
    bookings: int = typer.Option(1600, min=16, help="Bookings made by the clients together."),
    race_connections: int = typer.Option(
        32, min=2, max=100, help="Connections the 100 racing attempts share (the server's limit is shared)."
    ),
    seed: int = typer.Option(42, help="Seed of the bookings already made."),
) -> None:
    """Time scheduling in the database on `hms_bench_booking`: the free-slot search for a unit
    of 50 clinicians over 4 weeks (p95), bookings per second with concurrent clients on distinct
    times, and the double bookings of a 100-way race on one time (must be 0). The last line is JSON."""
    from hms.bench import booking

    settings = get_settings()
    url = booking.bench_database(settings)
    result = booking.run(
        url,
        settings,
        searches=searches,
        clients=clients,
        bookings=bookings,
        race_connections=race_connections,
        seed=seed,
        say=typer.echo,
    )
    for line in result.lines():
        typer.echo(line)
    typer.echo(result.as_json())


def _counts(value: str, option: str) -> list[int]:
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(f"{option} takes numbers separated by commas, e.g. 1,4,16") from None
    if not counts or min(counts) < 1:
        raise typer.BadParameter(f"{option} takes numbers of at least 1")
    return sorted(set(counts))


@bench_app.command("mixed")
def bench_mixed(
    patients: int = typer.Option(20_000, min=1, help="Patients in the bench database (seeded once, reused)."),
    users: str = typer.Option("1,4,16,32", help="Concurrent users at each level, comma-separated."),
    workers: str = typer.Option("1,2", help="Server worker processes to compare, comma-separated."),
    seconds: float = typer.Option(15.0, min=0.5, help="Measured seconds of each level."),
    warm_up: float = typer.Option(3.0, min=0.0, help="Seconds of load before each level's measurement."),
    prime: float = typer.Option(
        20.0, min=0.0, help="Seconds of load at the most users before the first level, not measured."
    ),
    hold: float = typer.Option(
        60.0,
        min=0.0,
        help="Seconds of load at the most users after the levels, memory read against requests.",
    ),
    seed: int = typer.Option(42, help="Seed of the bench hospital and of the simulated users."),
) -> None:
    """A mixed clinical load over HTTP: doctors and nurses log in through the form and
    loop over chart opens (60 %), name searches (25 %) and vital-sign writes (15 %) of
    patients in their care, at each number of --users against `hms serve --workers N`
    for each of --workers. Prints req/s, p50/p95 per kind, errors and the backends
    waiting on the audit chain's advisory lock, and the app processes' memory: after a
    --prime of unmeasured load, at each level's start and end, and its slope in MB per
    1,000 requests over a --hold of constant load. Uses `hms_bench_mixed`. The last
    line is JSON."""
    from hms.bench import mixed

    levels, counts = _counts(users, "--users"), _counts(workers, "--workers")
    url = mixed.bench_database(get_settings())
    have = mixed.prepare(url, patients=patients, seed=seed, progress=_progress_bar)
    typer.echo(f"bench database {mixed.BENCH_DB}: {have:,} patients")
    result = mixed.run(
        url,
        users=levels,
        workers=counts,
        seconds=seconds,
        warm_up=warm_up,
        prime=prime,
        hold=hold,
        seed=seed,
        say=typer.echo,
    )
    for line in result.lines():
        typer.echo(line)
    typer.echo(result.as_json())


@bench_app.command("pharmacy")
def bench_pharmacy(
    workers: int = typer.Option(16, min=1, max=200, help="Concurrent dispensers."),
    seconds: float = typer.Option(10.0, min=0.5, help="Measured seconds of each case."),
    checks: int = typer.Option(300, min=20, help="Timed prescribing checks."),
) -> None:
    """Dispenses per second with concurrent pharmacists, each its own connection
    as the app's role and its own session: on distinct batches (a drug each) and
    on one shared batch (`hms_bench_pharmacy`, made anew); then the prescribing
    checks through HTTP for a patient on 20 active drugs (`hms_bench_medication`,
    as `hms bench prescribing`). The last line is JSON with both."""
    from hms.bench import pharmacy, prescribing, search
    from hms.db.connect import app_url

    settings = get_settings()
    url = pharmacy.bench_database(settings)
    typer.echo(f"bench database {pharmacy.BENCH_DB}: {workers} dispensers")
    result = pharmacy.run(url, app_url(settings, url), workers=workers, seconds=seconds, say=typer.echo)
    checks_url = prescribing.bench_database(settings)
    search.prepare(checks_url, patients=2_000, seed=42, progress=_progress_bar)
    patient_id = prescribing.prepare_patient(checks_url, say=typer.echo)
    checked = prescribing.run(checks_url, patient_id=patient_id, requests=checks, say=typer.echo)
    for line in result.lines() + checked.lines():
        typer.echo(line)
    result.figures |= checked.figures()
    typer.echo(result.as_json())


@bench_app.command("lab")
def bench_lab(
    patients: int = typer.Option(2_000, min=1, help="Patients in the bench database (seeded once, reused)."),
    ward: int = typer.Option(
        30, min=1, max=500, help="Patients on the ward, each with weeks of blood tests."
    ),
    requests: int = typer.Option(200, min=20, help="Timed requests of each kind."),
    seed: int = typer.Option(42, help="Seed of the bench hospital and of the patients opened."),
) -> None:
    """Time the lab page and an analyte's trend through HTTP, and the ward board's query of
    unacknowledged critical results, for a ward of patients with 20 orders each, on
    `hms_bench_lab`. The last line is JSON."""
    from hms.bench import lab, search

    url = lab.bench_database(get_settings())
    have = search.prepare(url, patients=patients, seed=seed, progress=_progress_bar)
    typer.echo(f"bench database {lab.BENCH_DB}: {have:,} patients")
    on_ward = lab.prepare(url, ward=ward, say=typer.echo)
    result = lab.run(url, patients=on_ward, requests=requests, seed=seed, say=typer.echo)
    for line in result.lines():
        typer.echo(line)
    typer.echo(lab.as_json(result))


@bench_app.command("ward")
def bench_ward(
    patients: int = typer.Option(2_000, min=1, help="Patients in the bench database (seeded once, reused)."),
    beds: int = typer.Option(30, min=1, max=200, help="Beds on the bench ward, every one occupied."),
    requests: int = typer.Option(200, min=20, help="Timed board requests."),
    seed: int = typer.Option(42, help="Seed of the bench hospital and of the ward's history."),
) -> None:
    """Time the ward board through HTTP for a ward of 30 occupied beds, each
    patient with two years of vitals every 4 hours and of blood tests every other
    day, and count the SQL statements of one board request, on `hms_bench_ward`
    (seeded once, reused). The last line is JSON."""
    from hms.bench import search, ward

    url = ward.bench_database(get_settings())
    have = search.prepare(url, patients=patients, seed=seed, progress=_progress_bar)
    typer.echo(f"bench database {ward.BENCH_DB}: {have:,} patients")
    ward_id = ward.prepare(url, beds=beds, seed=seed, say=typer.echo)
    result = ward.run(url, ward=ward_id, requests=requests, say=typer.echo)
    for line in result.lines():
        typer.echo(line)
    typer.echo(ward.as_json(result))


@bench_app.command("reports")
def bench_reports(
    rows: int = typer.Option(
        10_000_000, min=1_000, help="At least this many journal rows (loaded once, reused)."
    ),
    seed: int = typer.Option(42, help="Seed of the bench hospital and of its journal."),
) -> None:
    """Time each report cold from the plain views and from the materialised
    views (as the administrator), and the refresh of every figure, on
    `hms_bench_reports` with at least --rows journal rows (vital signs,
    diagnoses, procedures, admissions) loaded with COPY. The last line is JSON."""
    from hms.bench import reports

    settings = get_settings()
    url = reports.bench_database(settings)
    have = reports.prepare(url, rows=rows, seed=seed, say=typer.echo)
    typer.echo(f"bench database {reports.BENCH_DB}: {have:,} journal rows")
    result = reports.run(url, settings, say=typer.echo)
    for line in result.lines():
        typer.echo(line)
    typer.echo(reports.as_json(result))


audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain: every row unchanged and none removed.
    Exits 1 and names the first broken link otherwise."""
    from hms.audit.read import chain_verify
    from hms.db.connect import owner_url
    from hms.db.migrate import pending

    url = owner_url(get_settings())
    if pending(url):
        typer.echo("the database has pending migrations; run `hms migrate` first", err=True)
        raise typer.Exit(2)
    check = chain_verify(url)
    if check.intact:
        typer.echo(f"audit log intact: {check.rows} rows sealed, {check.waiting} waiting for their seal")
        return
    typer.echo(f"audit log chain broken at chain_seq {check.broken_at} ({check.rows} rows sealed)", err=True)
    raise typer.Exit(1)


@audit_app.command("seal")
def audit_seal() -> None:
    """Seal committed audit rows into the hash chain, as the hms_worker role,
    and clear the verified identities of connections that have ended (the
    app's sealing round does both every few seconds; run this from cron where
    it does not). Running it twice at once is harmless."""
    import psycopg

    from hms.audit.sealing import forget_ended_backends, seal_on
    from hms.db.connect import owner_url, worker_url

    settings = get_settings()
    with psycopg.connect(worker_url(settings, owner_url(settings)), autocommit=True) as conn:
        sealed = seal_on(conn)
        forgotten = forget_ended_backends(conn)
    typer.echo(f"sealed {sealed} audit rows; cleared {forgotten} ended connections' identities")


docs_app = typer.Typer(help="Documentation generated from the running system.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@docs_app.command("schema")
def docs_schema(
    output: str = typer.Option("docs/SCHEMA.md", help="Where to write the document."),
) -> None:
    """Write the schema reference (ER diagram, tables, constraints) from the migrated database."""
    from pathlib import Path

    from hms.db.connect import owner_url
    from hms.db.migrate import pending
    from hms.db.schema_doc import write

    url = owner_url(get_settings())
    if pending(url):
        typer.echo("the database has pending migrations; run `hms migrate` first", err=True)
        raise typer.Exit(1)
    changed = write(url, Path(output))
    typer.echo(f"{'wrote' if changed else 'unchanged:'} {output}")


if __name__ == "__main__":
    app()


jobs_app = typer.Typer(help="Timed background work, for cron.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("run")
def jobs_run() -> None:
    """Do the timed work once, as the hms_worker role: reminders of tomorrow's
    appointments and waitlist offers that expire, and the words of names no patient
    has any more; then refresh the reports' figures as the hms_reporter role.
    Running it twice is harmless."""
    from hms.db.connect import owner_url, reporter_url, worker_url
    from hms.jobs import names, reports, scheduling

    settings = get_settings()
    owner = owner_url(settings)
    report = scheduling.run(worker_url(settings, owner))
    typer.echo(report.line())
    typer.echo(names.run(worker_url(settings, owner)).line())
    typer.echo(reports.run(reporter_url(settings, owner)).line())
