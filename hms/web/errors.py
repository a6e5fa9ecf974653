"""Errors a route raises, and the pages and JSON they become."""

from typing import Any


class HttpError(Exception):
    status_code = 500

    def __init__(self, *, audit: dict[str, Any] | None = None) -> None:
        super().__init__()
        # A refusal to record: the guard writes it after rolling the work back,
        # so a refused access is logged even though nothing else is kept.
        self.audit = audit


class NotFound(HttpError):
    status_code = 404


class Forbidden(HttpError):
    status_code = 403


class LoginRequired(HttpError):
    """No (or an expired) session on a route that needs one."""

    status_code = 401

    def __init__(self, *, idle: bool = False) -> None:
        super().__init__()
        self.idle = idle


class CsrfFailed(HttpError):
    status_code = 403
