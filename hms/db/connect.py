"""Where the database is: the owner's URL (migrations) and the app's URL (requests).

Without a DATABASE_URL the embedded server is started and a database named
``settings.db_name`` is created in it on first use.
"""

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from hms.config import Settings
from hms.db import embedded

APP_ROLE = "hms_app"
WORKER_ROLE = "hms_worker"
REPORTER_ROLE = "hms_reporter"


def owner_url(settings: Settings) -> str:
    """The URL of the role that owns the schema; starts the embedded server if needed."""
    if settings.database_url:
        return settings.database_url
    base = embedded.start(settings.data_dir)
    ensure_database(base, settings.db_name)
    return with_database(base, settings.db_name)


def app_url(settings: Settings, owner: str) -> str:
    """The app's own login: same server and database, the hms_app role."""
    if settings.app_database_url:
        return settings.app_database_url
    params = conninfo_to_dict(owner)
    params["user"] = APP_ROLE
    params.pop("password", None)
    if settings.app_db_password:
        params["password"] = settings.app_db_password
    return make_conninfo("", **params)


def worker_url(settings: Settings, owner: str) -> str:
    """Background work's own login: same server and database, the hms_worker
    role, which may only run the jobs it was granted (sealing the audit log)."""
    if settings.worker_database_url:
        return settings.worker_database_url
    params = conninfo_to_dict(owner)
    params["user"] = WORKER_ROLE
    params.pop("password", None)
    if settings.worker_db_password:
        params["password"] = settings.worker_db_password
    return make_conninfo("", **params)


def reporter_url(settings: Settings, owner: str) -> str:
    """The reports' refresh's own login: same server and database, the
    hms_reporter role, which may only run report_refresh() (0038)."""
    if settings.reporter_database_url:
        return settings.reporter_database_url
    params = conninfo_to_dict(owner)
    params["user"] = REPORTER_ROLE
    params.pop("password", None)
    if settings.reporter_db_password:
        params["password"] = settings.reporter_db_password
    return make_conninfo("", **params)


def with_database(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo("", **params)


def ensure_database(url: str, dbname: str) -> None:
    """Create the database if it does not exist (CREATE DATABASE cannot run in a transaction)."""
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
