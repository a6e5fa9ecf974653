"""The one way a write runs: in a savepoint of the request's transaction, with
the database's refusals turned into field messages (hms.db.errors)."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from hms.core.errors import Invalid
from hms.db.errors import field_error, is_refusal
from hms.db.pool import Conn


@contextmanager
def savepoint(conn: Conn) -> Iterator[None]:
    """All or nothing: the block's statements are kept together or not at all.

    A write the rules refused (a constraint, an ``HM…`` SQLSTATE) becomes
    ``Invalid`` with a message beside the field it names. Any other database
    error (a broken connection, a fault of the app) passes on.
    """
    try:
        with conn.transaction():
            yield
    except psycopg.Error as exc:
        if not is_refusal(exc):
            raise
        field, message = field_error(exc)
        raise Invalid({field: message}) from None
