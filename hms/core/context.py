"""What one request knows about itself: its transaction, its user, its language."""

from dataclasses import dataclass, field

from hms.core.roles import Permission, Role, has_permission
from hms.db.pool import Conn


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    role: Role
    full_name: str
    locale: str

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)


@dataclass
class RequestContext:
    conn: Conn
    user: CurrentUser | None
    locale: str
    csrf_token: str
    client_addr: str | None
    # The session's own token, to prove the session again in a later transaction
    # of the same request (a refusal's audit row is written after a rollback).
    session_token: str | None = None
    new_csrf_cookie: bool = False
    session_was_idle: bool = False
    flash: list[str] = field(default_factory=list)
    # Patients this request has written an allowed audit row about: a page's
    # parts (the allergy banner) add none of their own to its one row.
    audited_patients: set[int] = field(default_factory=set)
    # False while the guard has not yet proved the session (hms/web/guard.py).
    loaded: bool = True

    @property
    def staff(self) -> CurrentUser:
        """The user, for routes whose policy already required a login."""
        if self.user is None:  # the guard refuses anonymous users before any handler runs
            raise RuntimeError("no user on a route that requires one")
        return self.user
