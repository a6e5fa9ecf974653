"""The demo hospital: the seed steps, run in order in one transaction.

Each step is a function of the shared ``SeedContext``: it draws from the
context's random sources and leaves the ids it created for the steps after it.
A domain that wants demo data (a journal with clinical history, bookings, …)
adds its own step at the end of ``STEPS``; the steps before it, and so the
people and numbers a seed gives, stay the same.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from hms.accounts.passwords import hash_password
from hms.db.connect import ensure_database, with_database
from hms.db.migrate import migrate
from hms.seed.context import DemoLogin, Progress, SeedContext, new_context, no_progress
from hms.seed.journal import seed_journal
from hms.seed.lab import seed_lab
from hms.seed.medication import seed_medication
from hms.seed.messaging import seed_messaging
from hms.seed.organization import seed_organization
from hms.seed.patients import seed_next_of_kin, seed_patients
from hms.seed.pharmacy import seed_pharmacy
from hms.seed.portal import seed_portal_accounts, seed_relatives
from hms.seed.referrals import seed_referrals
from hms.seed.reports import seed_reports
from hms.seed.requests import seed_requests
from hms.seed.scheduling import seed_scheduling
from hms.seed.staff import GROUPS, seed_staff

# Every demo account has this password; printed by `hms demo`, so never use
# the demo data for anything real.
DEMO_PASSWORD = "Demo-hms-2026"  # noqa: S105 - public on purpose
DEFAULT_SEED = 42
DEFAULT_PATIENTS = 2000

# The well-known accounts, one per role, in the order `hms demo` lists them.
DEMO_USERNAMES = [group.demo_username for group in GROUPS] + ["head", "patient", "relative"]

Step = Callable[[SeedContext], None]

STEPS: list[Step] = [
    seed_organization,
    seed_staff,
    seed_patients,
    seed_next_of_kin,
    seed_portal_accounts,
    seed_relatives,
    seed_journal,
    seed_medication,
    seed_pharmacy,
    seed_scheduling,
    seed_messaging,
    seed_requests,
    seed_referrals,
    seed_lab,
    seed_reports,
]


# Tables that grow with --patients; a step that adds a big table names it here.
ANALYZE_TABLES = (
    "patient", "patient_name_word", "patient_name_key", "next_of_kin", "app_user", "patient_user",
    "encounter", "note", "note_version", "note_section", "diagnosis", "vital_signs",
    "prescription", "prescription_version", "medication_administration",
    "appointment", "appointment_event",
)  # fmt: skip


@dataclass(frozen=True)
class SeedSummary:
    logins: list[DemoLogin]
    patients: int
    staff: int
    portal_users: int
    relatives: int


def seed_hospital(
    url: str,
    *,
    seed: int = DEFAULT_SEED,
    patients: int = DEFAULT_PATIENTS,
    progress: Progress = no_progress,
) -> SeedSummary:
    """Load the demo hospital into the (migrated, empty) database at ``url``, all or nothing.

    Runs as the schema's owner: the rows are demo data, not the work of any user."""
    password_hash = demo_password_hash()
    with psycopg.connect(url) as conn:
        ctx = new_context(
            conn, seed=seed, patient_count=patients, password_hash=password_hash, progress=progress
        )
        for step in STEPS:
            step(ctx)
    _analyze(url)
    return SeedSummary(
        logins=ctx.logins,
        patients=len(ctx.patients),
        staff=sum(len(ids) for ids in ctx.staff.values()),
        portal_users=len(ctx.portal_users),
        relatives=len(ctx.relatives),
    )


@cache
def demo_password_hash() -> str:
    """Hashed once per process and shared by every demo account: argon2 is slow on purpose."""
    return hash_password(DEMO_PASSWORD)


def _analyze(url: str) -> None:
    """Fresh planner statistics for the big tables, so the first searches already use their indexes."""
    statement = sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(map(sql.Identifier, ANALYZE_TABLES)))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def has_users(url: str) -> bool:
    """True when anyone can log in already: the database is in use, not a fresh one."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT EXISTS (SELECT FROM app_user) OR EXISTS (SELECT FROM patient)").fetchone()
    return bool(row and row[0])


def demo_logins(url: str) -> list[DemoLogin]:
    """The well-known demo accounts that exist in the database at ``url``."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT role, username, full_name FROM app_user WHERE username = ANY(%s) AND is_active",
            [DEMO_USERNAMES],
        ).fetchall()
    logins = [DemoLogin(str(role), username, full_name) for role, username, full_name in rows]
    return sorted(logins, key=lambda login: DEMO_USERNAMES.index(login.username))


def patient_count(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM patient").fetchone()
    return int(row[0]) if row else 0


def recreate_database(url: str) -> None:
    """Drop the database at ``url`` and create it again, migrated and empty.

    The audit log refuses deletes even from its owner, so emptying the tables
    is no way back to a clean demo: the whole database goes."""
    dbname = conninfo_to_dict(url).get("dbname")
    if not dbname or not isinstance(dbname, str) or dbname in ("postgres", "template0", "template1"):
        raise ValueError(f"refusing to drop the database {dbname!r}")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
    ensure_database(url, dbname)
    migrate(url)
