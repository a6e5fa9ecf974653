"""Refusals that belong to the web alone (no session, a stale form). What the
domain refuses is in hms.core.errors; hms.web.error_pages maps both."""


class HttpError(Exception):
    status_code = 500


class LoginRequired(HttpError):
    """No (or an expired) session on a route that needs one."""

    status_code = 401

    def __init__(self, *, idle: bool = False) -> None:
        super().__init__()
        self.idle = idle


class CsrfFailed(HttpError):
    status_code = 403
