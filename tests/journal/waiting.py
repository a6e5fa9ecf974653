"""Running a statement in another thread and knowing when it waits on a lock."""

import threading
import time

import psycopg


class Background:
    """Runs one statement on `conn` in a thread; keeps its result or error."""

    def __init__(self, conn: psycopg.Connection, query: str, params: list) -> None:
        self.conn = conn
        self.pid = conn.info.backend_pid
        self.result = None
        self.error: psycopg.Error | None = None
        self.thread = threading.Thread(target=self._run, args=(query, params), daemon=True)
        self.thread.start()

    def _run(self, query: str, params: list) -> None:
        try:
            self.result = self.conn.execute(query, params).fetchall()
        except psycopg.Error as error:
            self.error = error

    def join(self) -> "Background":
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the statement never finished"
        return self


def wait_until_blocked(observer: psycopg.Connection, pid: int, timeout: float = 5.0) -> bool:
    """True once backend `pid` waits on a lock held by another transaction
    (`observer` returns dict rows)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = observer.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
        ).fetchone()
        if row and row["wait_event_type"] == "Lock":
            return True
        time.sleep(0.01)
    return False
