"""Named SQL, one ``queries.sql`` per domain package, loaded with aiosql."""

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import aiosql
from aiosql.adapters.pyformat import PyFormatAdapter

_ROOT = Path(__file__).resolve().parent.parent


class ListAdapter(PyFormatAdapter):
    """psycopg through aiosql, but a multi-row query returns a list, not a
    generator: rows are read while the request's transaction is still open."""

    # The protocol names a generator; a list is what this adapter is for.
    def select(  # type: ignore[override]
        self,
        conn: Any,
        query_name: str,
        sql: str,
        parameters: dict[str, Any] | list[Any] | None,
        record_class: Callable[..., Any] | None = None,
    ) -> list[Any]:
        return list(super().select(conn, query_name, sql, parameters, record_class))


@cache
def load(domain: str) -> Any:
    """The named queries of ``hms/<domain>/queries.sql``."""
    return aiosql.from_path(_ROOT / domain / "queries.sql", ListAdapter, mandatory_parameters=False)
