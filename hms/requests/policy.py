"""Who may do what with care requests.

The patient side files, reads and withdraws in the portal; staff handle
what is routed to them. Which requests each one reaches, and every step, is
decided by the database (migration 0026): these functions only let the
pages offer what will work.
"""

from typing import Any

from hms.core.context import CurrentUser
from hms.core.roles import Permission, Role

KINDS = ("renewal", "question", "booking", "certificate", "correction")
OPEN = ("open", "in_progress")
# What a handler may do with a request in progress, by kind.
OUTCOMES = {
    "renewal": ("approved", "refused"),
    "correction": ("approved", "refused"),
    "question": ("answered", "refused"),
    "booking": ("answered", "refused"),
    "certificate": ("answered", "refused"),
}


def is_portal_user(user: CurrentUser) -> bool:
    return user.role in (Role.PATIENT, Role.RELATIVE)


def can_handle(user: CurrentUser) -> bool:
    return user.can(Permission.CARE_REQUEST_HANDLE)


def may_withdraw(user: CurrentUser, request: dict[str, Any]) -> bool:
    return is_portal_user(user) and request["status"] == "open"


def may_take(user: CurrentUser, request: dict[str, Any]) -> bool:
    return can_handle(user) and request["status"] == "open"


def may_decide(user: CurrentUser, request: dict[str, Any]) -> bool:
    """Only the handler who took the request answers it."""
    return can_handle(user) and request["status"] == "in_progress" and request["taken_by"] == user.id
