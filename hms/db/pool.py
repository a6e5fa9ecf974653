"""The connection pool and the one-transaction-per-request rule.

Every unit of work runs in one transaction. A request's transaction starts by
proving its session to the database (``hms_authenticate``, see
hms/web/sessions.py); work outside a request (the CLI, background jobs) acts
as no user, and row-level security shows it no patient data.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import Connection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

Conn = Connection[DictRow]


class Database:
    def __init__(self, url: str, *, min_size: int = 2, max_size: int = 10) -> None:
        self.url = url
        self.pool: ConnectionPool[Conn] = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"row_factory": dict_row, "autocommit": False},
            open=False,
            name="hms",
        )

    def open(self) -> None:
        self.pool.open(wait=True, timeout=30)

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        """One transaction: committed on success, rolled back on error."""
        with self.pool.connection() as conn:
            with conn.transaction():
                yield conn
