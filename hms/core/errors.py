"""What the domain refuses, in its own terms. The web layer turns each kind
into a status and a page (hms.web.error_pages); the CLI and jobs see them as
they are."""

from typing import Any


class DomainError(Exception):
    # A refusal to record: the guard writes it after rolling the work back, so a
    # refused access is logged even though nothing else is kept.
    audit: dict[str, Any] | None = None


class NotFound(DomainError):
    """Nothing the user may see by that name (whether or not it exists)."""

    def __init__(self, *, audit: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.audit = audit


class Refused(DomainError):
    """The user may not do this."""

    def __init__(self, *, audit: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.audit = audit


class Invalid(DomainError):
    """Input that cannot be saved; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors
