"""Sealing the audit log: committed rows join the hash chain shortly after
their commit, so no request waits for another to write its audit rows.

The work is audit_log_seal() in the database, run as the hms_worker role: by
the app in a background thread every ``audit_seal_seconds``, and by
``hms audit seal`` (for cron, or a deployment that runs no background work).
Two sealers at once are harmless: the second finds the first busy and returns.
"""

import logging
import threading

import psycopg
from psycopg.rows import TupleRow

log = logging.getLogger("hms.audit.sealing")


def seal(worker_url: str, *, limit: int = 50_000) -> int:
    """Seal what has been committed so far; returns how many rows were sealed."""
    with psycopg.connect(worker_url, autocommit=True) as conn:
        return seal_on(conn, limit=limit)


def seal_on(conn: psycopg.Connection[TupleRow], *, limit: int = 50_000) -> int:
    """seal() on a connection the caller keeps (the background round)."""
    total = 0
    while True:
        row = conn.execute("SELECT audit_log_seal(%s)", [limit]).fetchone()
        sealed = int(row[0]) if row else 0
        total += sealed
        if sealed < limit:
            return total


def forget_ended_backends(conn: psycopg.Connection[TupleRow]) -> int:
    """Clear the verified identities and access decisions of connections that
    have ended (housekeeping that shares the sealer's round)."""
    row = conn.execute("SELECT hms_forget_ended_backends()").fetchone()
    return int(row[0]) if row else 0


class Sealer:
    """A daemon thread that seals the audit log every few seconds until stopped."""

    def __init__(self, worker_url: str, *, every_seconds: float) -> None:
        self.worker_url = worker_url
        self.every_seconds = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hms-audit-sealer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        # One connection for every round (a new one every few seconds would
        # cost the server a backend each time); opened again after a failure.
        conn: psycopg.Connection[TupleRow] | None = None
        while not self._stop.wait(self.every_seconds):
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self.worker_url, autocommit=True)
                seal_on(conn)
                forget_ended_backends(conn)
            except psycopg.Error as exc:
                # The next round tries again; rows wait unsealed, not lost.
                log.warning("audit sealing failed: %s", exc.sqlstate or type(exc).__name__)
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()
