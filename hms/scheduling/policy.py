"""Who may do what with appointments.

Role permissions live in ``hms.core.roles``; which patients a user reaches
is the appointments area of the access decision (``hms_access_basis``). The
rules of one appointment are here for the pages to offer only what will
work; the database functions (migration 0022) hold the same rules and have
the last word.
"""

from datetime import datetime, timedelta
from typing import Any

from hms.core.context import CurrentUser
from hms.core.roles import Permission, Role

# Patients and relatives change their bookings in the portal until this long before.
PORTAL_CHANGE_LIMIT = timedelta(hours=24)


def can_set_up(user: CurrentUser) -> bool:
    return user.can(Permission.SCHEDULE_SETUP)


def is_portal_user(user: CurrentUser) -> bool:
    return user.role in (Role.PATIENT, Role.RELATIVE)


def may_change(user: CurrentUser, appointment: dict[str, Any], now: datetime) -> bool:
    """Move or cancel: a booked appointment, and in the portal only until 24 hours before
    and only of a type patients book."""
    if appointment["status"] != "booked":
        return False
    if is_portal_user(user):
        return bool(appointment["patient_bookable"]) and appointment["starts_at"] - now >= PORTAL_CHANGE_LIMIT
    return user.can(Permission.APPOINTMENT_BOOK)


def may_check_in(user: CurrentUser, appointment: dict[str, Any], today: Any) -> bool:
    return (
        user.can(Permission.APPOINTMENT_CHECK_IN)
        and appointment["status"] == "booked"
        and appointment["starts_day"] == today
    )


def may_mark_no_show(user: CurrentUser, appointment: dict[str, Any], now: datetime) -> bool:
    return (
        user.can(Permission.SCHEDULE_READ)
        and appointment["status"] == "booked"
        and appointment["starts_at"] <= now
    )
