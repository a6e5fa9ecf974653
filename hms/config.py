"""Settings, read from the environment once at start (never at import time).

The defaults run the embedded demo: no DATABASE_URL means HMS starts its own
PostgreSQL server with its data under ``HMS_DATA_DIR``.
"""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HMS_", extra="ignore")

    # Owner connection: runs migrations and owns every table. Unset = embedded server.
    database_url: str | None = None
    # The app's own login, which owns nothing. Unset = derived from database_url.
    app_database_url: str | None = None
    app_db_role: str = "hms_app"
    app_db_password: str | None = None
    # Background work (sealing the audit log) logs in as its own role.
    worker_database_url: str | None = None
    worker_db_password: str | None = None
    # The reports' refresh logs in as its own role, which may only refresh them.
    reporter_database_url: str | None = None
    reporter_db_password: str | None = None
    # How often the app seals new audit rows into the hash chain; 0 = never
    # (then `hms audit seal` must run from cron).
    audit_seal_seconds: float = 2.0
    data_dir: Path = Path("var")
    db_name: str = "hms"
    pool_min: int = 2
    pool_max: int = 10
    idle_timeout_minutes: int = 15
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    secure_cookies: bool = False
    # Behind a load balancer: the balancers' addresses (comma-separated IPs or
    # networks) whose X-Forwarded-For / X-Forwarded-Proto the app believes, so
    # sessions and audit rows carry the client's address, not the balancer's.
    # Empty = the peer's own address is the client's (no header is trusted).
    trusted_proxies: str = ""
    default_locale: str = "sv"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    # DATABASE_URL without prefix is the conventional name; HMS_DATABASE_URL wins.
    import os

    settings = Settings()
    if settings.database_url is None and os.environ.get("DATABASE_URL"):
        settings.database_url = os.environ["DATABASE_URL"]
    return settings
