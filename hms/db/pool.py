"""The connection pool and the one-transaction-per-request rule.

Every unit of work runs in ``Database.transaction``: one transaction that
declares which user it acts for (``hms.user_id``), so triggers, row-level
security and the audit log all know who is acting.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import Connection
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

Conn = Connection[dict]


class Database:
    def __init__(self, url: str, *, min_size: int = 2, max_size: int = 10) -> None:
        self.url = url
        self.pool = ConnectionPool(
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
    def transaction(self, *, user_id: int | None = None) -> Iterator[Conn]:
        """One transaction acting for ``user_id``: committed on success, rolled back on error."""
        with self.pool.connection() as conn:
            with conn.transaction():
                declare_user(conn, user_id)
                yield conn


def declare_user(conn: Conn, user_id: int | None, role: str | None = None) -> None:
    """Tell the database who this transaction acts for, and as what role (local
    to the transaction). Row-level security and the audit log key on these."""
    conn.execute(
        "SELECT set_config('hms.user_id', %s, true), set_config('hms.user_role', %s, true)",
        ["" if user_id is None else str(user_id), role or ""],
    )
