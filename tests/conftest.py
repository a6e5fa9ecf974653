"""Tests run against a real PostgreSQL: the embedded server by default, the one
in DATABASE_URL when set. A database ``hms_test_<pid>`` is created fresh and migrated
once per run; every test starts from empty tables (reference data kept).

The cast (see ``tests/cast.py``): Dr Alice, attending on the medical ward; Nurse
Bob, same ward; Dr Charlie, on another unit; Rita at reception; Adam the
administrator; Petra the pharmacist; Dr Erik, external specialist; patient Greta
and her son Sven.
"""

import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from psycopg.rows import dict_row, tuple_row

from hms.app import create_app
from hms.config import Settings
from hms.db import embedded
from hms.db.connect import app_url, ensure_database, with_database
from hms.db.migrate import migrate
from hms.db.pool import Database
from tests import cast as cast_module
from tests.acting import Acting, session_for

warnings.filterwarnings("ignore", module="platformdirs")

# One database per test run (several runs may share a server at once).
TEST_DB = f"hms_test_{os.getpid()}"
ROOT = Path(__file__).resolve().parent.parent
# Tables whose rows are reference data loaded by migrations (ICD-10 codes, the
# LOINC codes of vitals); never emptied.
REFERENCE_TABLES = {
    "icd10_code",
    "vital_sign_code",
    "atc_group",
    "drug",
    "drug_interaction",
    "referral_urgency_target",
    "lab_test",
    "lab_reference_range",
    "lab_panel",
    "lab_panel_test",
}
PASSWORD = cast_module.PASSWORD


def _server_url() -> str:
    url = os.environ.get("HMS_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    return embedded.start(Path(os.environ.get("HMS_DATA_DIR", ROOT / "var")))


@pytest.fixture(scope="session")
def owner_url() -> Iterator[str]:
    server = _server_url()
    with psycopg.connect(with_database(server, _admin_db(server)), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(TEST_DB)))
    ensure_database(with_database(server, _admin_db(server)), TEST_DB)
    url = with_database(server, TEST_DB)
    migrate(url)
    yield url
    with psycopg.connect(with_database(server, _admin_db(server)), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(TEST_DB)))


def _admin_db(server: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return conninfo_to_dict(server).get("dbname") or "postgres"


@pytest.fixture(scope="session")
def settings(owner_url: str) -> Settings:
    # The tests seal the audit log themselves where they need it (the seal fixture).
    return Settings(database_url=owner_url, pool_min=1, pool_max=4, audit_seal_seconds=0)


@pytest.fixture(scope="session")
def database(settings: Settings, owner_url: str) -> Iterator[Database]:
    db = Database(app_url(settings, owner_url), min_size=1, max_size=4)
    db.open()
    yield db
    db.close()


@pytest.fixture()
def owner(owner_url: str) -> Iterator[psycopg.Connection]:
    """A connection as the schema's owner (a superuser here), autocommit."""
    with psycopg.connect(owner_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture()
def app_conn(settings: Settings, owner_url: str) -> Iterator[psycopg.Connection]:
    """A raw connection as the app's own role, autocommit, declaring no user:
    what a bug in the app (or an attacker with its credentials) could do with
    plain SQL. Row-level security shows it no patient data at all."""
    with psycopg.connect(app_url(settings, owner_url), autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture()
def acting_as(
    settings: Settings, owner_url: str, owner: psycopg.Connection
) -> Iterator[Callable[..., Acting]]:
    """Connections as the app's role acting for one user: acting_as(user_id)
    opens a live session of that user and proves it at the start of every
    transaction, as each request's transaction does, so row-level security
    lets them reach the patients in their care: the strongest position from
    which the app could try to break a rule. (The role argument, kept for the
    reader, is not a claim: the database takes the role from the account.)"""
    conns: list[psycopg.Connection] = []

    def act(user_id: int, role: str | None = None) -> Acting:
        conn = psycopg.connect(app_url(settings, owner_url), autocommit=True, row_factory=dict_row)
        conns.append(conn)
        return Acting(conn, session_for(owner, user_id), user_id)

    yield act
    for conn in conns:
        conn.close()


@pytest.fixture()
def app_as(acting_as: Callable[..., Acting]) -> Callable[..., Acting]:
    """The former name of ``acting_as``, still used by the wall's tests."""
    return acting_as


@pytest.fixture()
def seal(settings: Settings, owner_url: str):
    """Seal the audit rows committed so far, as the background worker does."""
    from hms.audit.sealing import seal as seal_rows
    from hms.db.connect import worker_url

    return lambda: seal_rows(worker_url(settings, owner_url))


def empty_tables(conn: psycopg.Connection) -> None:
    """Empty every table of schema public but reference data and the
    migrations' own, in one transaction, with DELETE: each test writes a
    handful of rows, and deleting those is far cheaper than TRUNCATE, which
    gives every table new files. Identity sequences keep counting, so a test
    takes its ids from the rows it made, never assumes 1. Tables in
    hms_private are left alone: salt_key holds the key a migration made, and
    the rest describe live transactions only."""
    with conn.transaction():
        # Replica mode skips the triggers for this cleanup only (SET LOCAL):
        # the audit log's and the journal's append-only guards, which refuse
        # any DELETE, and the foreign keys, so the order does not matter.
        conn.execute("SET LOCAL session_replication_role = replica")
        tables = [
            name
            for (name,) in conn.cursor(row_factory=tuple_row).execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename NOT LIKE '\\_yoyo%' AND tablename <> 'yoyo_lock'"
            )
            if name not in REFERENCE_TABLES
        ]
        conn.execute(sql.SQL("; ").join(sql.SQL("DELETE FROM {}").format(sql.Identifier(t)) for t in tables))
        # Reference rows are kept, but a test may retire a drug (the formulary
        # page, or the bad-input sweep posting to it): every drug is current again.
        conn.execute("UPDATE drug SET retired_at = NULL WHERE retired_at IS NOT NULL")


@pytest.fixture(scope="session")
def cleaner(owner_url: str) -> Iterator[psycopg.Connection]:
    """The owner's connection that empties the tables between tests, kept for
    the whole run: a new one would first read the catalog entry of every
    table again, which takes longer than the deletes themselves."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        yield conn


@pytest.fixture(autouse=True)
def clean(cleaner: psycopg.Connection) -> None:
    """Every test starts from empty tables (reference data kept)."""
    empty_tables(cleaner)


@pytest.fixture()
def app(settings: Settings, database: Database):
    return create_app(settings, database=database)


@pytest.fixture()
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def cast(owner: psycopg.Connection) -> cast_module.Cast:
    """The suite's fixed cast, inserted in one transaction: one commit instead
    of one per row, which counts when hundreds of tests each need it."""
    with owner.transaction():
        return cast_module.create(owner)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, f"login as {username} failed: {response.status_code}"
    return csrf_of(client.get("/").text)
