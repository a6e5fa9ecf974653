"""Who may do what with laboratory orders and imaging.

Role permissions live in ``hms.core.roles``; which patients a user reaches is
the clinical area of the access decision. Here are the rules about one order
or result: which step its status allows, and who acknowledges. The database
holds the same rules (lab_order_guard, lab_result_ack_fill) and has the last
word.
"""

from typing import Any

from hms.core.context import CurrentUser
from hms.core.roles import Permission

# The statuses an order moves to from each (lab_order_status_forward in the database).
FORWARD: dict[str, frozenset[str]] = {
    "ordered": frozenset({"sampled", "cancelled"}),
    "sampled": frozenset({"partially_resulted", "resulted"}),
    "partially_resulted": frozenset({"resulted"}),
    "resulted": frozenset(),
    "cancelled": frozenset(),
}
CRITICAL = frozenset({"critical_low", "critical_high"})


def can_read(user: CurrentUser) -> bool:
    return user.can(Permission.LAB_READ)


def may_sample(user: CurrentUser, order: dict[str, Any], my_units: set[int]) -> bool:
    return (
        user.can(Permission.LAB_SAMPLE)
        and "sampled" in FORWARD[order["status"]]
        and order["care_unit_id"] in my_units
    )


def may_enter_results(user: CurrentUser, order: dict[str, Any]) -> bool:
    return user.can(Permission.LAB_RESULT) and order["status"] in (
        "sampled",
        "partially_resulted",
        "resulted",
    )


def may_acknowledge(user: CurrentUser, row: dict[str, Any], my_units: set[int]) -> bool:
    """The doctor who ordered, or a doctor of the ordering unit."""
    return user.can(Permission.LAB_ACKNOWLEDGE) and (
        row["ordered_by"] == user.id or row["care_unit_id"] in my_units
    )


def may_cancel(user: CurrentUser, order: dict[str, Any], my_units: set[int]) -> bool:
    return "cancelled" in FORWARD[order["status"]] and may_acknowledge(user, order, my_units)


def is_critical(flag: str | None) -> bool:
    return flag in CRITICAL
