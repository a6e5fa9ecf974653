"""Who may do what with a consultation.

Role permissions live in ``hms.core.roles``; here are the rules about one
consultation: a doctor asks, the specialist asked answers while it is open,
the doctor who asked closes it once answered, or withdraws it
while unanswered. Which patient a doctor may
ask about is the access decision (``hms.access.policy``); what a specialist
sees of the patient is ``hms_access_basis``, which counts open consultations
only.
"""

from typing import Any

from hms.core.context import CurrentUser
from hms.core.roles import Permission

# The allowed transitions: (from, to) -> who may make them.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("open", "answered"): "specialist",
    ("answered", "closed"): "requester",
    ("open", "withdrawn"): "requester",
}


def can_take_part(user: CurrentUser) -> bool:
    """Doctors ask and external specialists answer; both read their consultations."""
    return user.can(Permission.CONSULTATION_REQUEST) or user.can(Permission.CONSULTATION_ANSWER)


def is_specialist_of(user: CurrentUser, consultation: dict[str, Any]) -> bool:
    return user.can(Permission.CONSULTATION_ANSWER) and consultation["specialist_id"] == user.id


def is_requester_of(user: CurrentUser, consultation: dict[str, Any]) -> bool:
    return user.can(Permission.CONSULTATION_REQUEST) and consultation["requested_by"] == user.id


def may_transition(user: CurrentUser, consultation: dict[str, Any], to: str) -> bool:
    who = TRANSITIONS.get((consultation["status"], to))
    if who == "specialist":
        return is_specialist_of(user, consultation)
    if who == "requester":
        return is_requester_of(user, consultation)
    return False


def can_answer(user: CurrentUser, consultation: dict[str, Any]) -> bool:
    return may_transition(user, consultation, "answered")


def can_close(user: CurrentUser, consultation: dict[str, Any]) -> bool:
    return may_transition(user, consultation, "closed")


def can_withdraw(user: CurrentUser, consultation: dict[str, Any]) -> bool:
    return may_transition(user, consultation, "withdrawn")
