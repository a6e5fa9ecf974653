"""Who may do what with a referral.

Doctors refer (the role table: REFERRAL); which patients is the access
decision (in care or under emergency access, as for writing in the journal),
held again by referral_send. A referral is decided by a doctor of the unit it
is sent to, and withdrawn by the doctor who sent it, once, while it waits.
"""

from typing import Any

from hms.core.context import CurrentUser
from hms.core.roles import Permission

# The allowed transitions: (from, to) -> who may make them (the database's
# referral_guard holds the same table).
TRANSITIONS: dict[tuple[str, str], str] = {
    ("sent", "accepted"): "receiver",
    ("sent", "rejected"): "receiver",
    ("sent", "withdrawn"): "sender",
}


def can_refer(user: CurrentUser) -> bool:
    return user.can(Permission.REFERRAL)


def is_sender(user: CurrentUser, referral: dict[str, Any]) -> bool:
    return can_refer(user) and referral["sent_by"] == user.id


def is_receiver(user: CurrentUser, referral: dict[str, Any], my_unit_ids: set[int]) -> bool:
    return can_refer(user) and referral["to_unit_id"] in my_unit_ids


def may_transition(user: CurrentUser, referral: dict[str, Any], to: str, my_unit_ids: set[int]) -> bool:
    who = TRANSITIONS.get((referral["status"], to))
    if who == "receiver":
        return is_receiver(user, referral, my_unit_ids)
    if who == "sender":
        return is_sender(user, referral)
    return False
