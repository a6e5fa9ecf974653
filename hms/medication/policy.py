"""Who may do what with medication.

Role permissions live in ``hms.core.roles``; which patients a user reaches in
the medication area is the access decision (``hms.access.policy``,
``hms_access_basis(patient, 'medication')``). Here are the rules about one
prescription: which changes its status allows and who may review it. The
database holds the same rules (prescription_version_fill,
prescription_review_fill) and has the last word.
"""

from typing import Any

from hms.core.context import CurrentUser
from hms.core.roles import Permission

# The changes each status allows (prescription_version_transition in the database).
CHANGES: dict[str, frozenset[str]] = {
    "active": frozenset({"changed", "renewed", "paused", "discontinued"}),
    "paused": frozenset({"changed", "renewed", "resumed", "discontinued"}),
    "discontinued": frozenset(),
}
# The review outcomes each review state allows, and to whom.
REVIEWS: dict[str, dict[str, Permission]] = {
    "pending": {"approved": Permission.MEDICATION_REVIEW, "queried": Permission.MEDICATION_REVIEW},
    "answered": {"approved": Permission.MEDICATION_REVIEW, "queried": Permission.MEDICATION_REVIEW},
    "queried": {"answered": Permission.PRESCRIBE},
    "approved": {},
}


def can_read(user: CurrentUser) -> bool:
    return user.can(Permission.MEDICATION_READ)


def may_change(user: CurrentUser, prescription: dict[str, Any], change: str) -> bool:
    return user.can(Permission.PRESCRIBE) and change in CHANGES[prescription["status"]]


def review_outcomes(user: CurrentUser, prescription: dict[str, Any]) -> list[str]:
    """The review outcomes this user may record on the prescription now."""
    if prescription["status"] != "active":
        return []
    allowed = REVIEWS[prescription["review_state"]]
    return [outcome for outcome, permission in allowed.items() if user.can(permission)]


def can_record_dose(user: CurrentUser, prescription: dict[str, Any]) -> bool:
    return user.can(Permission.MEDICATION_ADMINISTER) and prescription["status"] == "active"
