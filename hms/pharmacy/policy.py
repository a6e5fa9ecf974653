"""Who may do what in the pharmacy.

Role permissions live in ``hms.core.roles``: pharmacists run the pharmacy
(PHARMACY_MANAGE), a ward's nurses and doctors order for it (WARD_ORDER), and
they and administrators read stock (STOCK_READ). Which locations each one
sees is the database's ``pharmacy_my_locations``; the steps of a ward order
are below, mirroring ``ward_order_may_move`` in migration 0021, which has the
last word.
"""

from typing import Any

from hms.core.context import CurrentUser
from hms.core.roles import Permission, Role

# The steps of a ward order: (from, to) -> the roles that may take them.
TRANSITIONS: dict[tuple[str, str], frozenset[Role]] = {
    ("requested", "approved"): frozenset({Role.PHARMACIST}),
    ("approved", "picked"): frozenset({Role.PHARMACIST}),
    ("picked", "delivered"): frozenset({Role.PHARMACIST}),
    ("requested", "cancelled"): frozenset({Role.PHARMACIST, Role.NURSE, Role.DOCTOR}),
    ("approved", "cancelled"): frozenset({Role.PHARMACIST}),
    ("picked", "cancelled"): frozenset({Role.PHARMACIST}),
}
STEPS = ("approved", "picked", "delivered", "cancelled")


def can_read_stock(user: CurrentUser) -> bool:
    return user.can(Permission.STOCK_READ)


def can_manage(user: CurrentUser) -> bool:
    """Receive, dispense, adjust, and take a ward order through its steps."""
    return user.can(Permission.PHARMACY_MANAGE)


def can_order(user: CurrentUser) -> bool:
    return user.can(Permission.WARD_ORDER)


def may_move(user: CurrentUser, order: dict[str, Any], to: str) -> bool:
    return user.role in TRANSITIONS.get((order["status"], to), frozenset())


def next_steps(user: CurrentUser, order: dict[str, Any]) -> list[str]:
    """The steps this user may take with the order now, in the order of STEPS."""
    return [to for to in STEPS if may_move(user, order, to)]
