"""The access policy: may this user reach this patient's data, in this area?

The decision itself is one SQL function, ``hms_access_basis`` (migration
0009), which the row-level security policies also use: the app asks the same
question the database enforces, so the two walls cannot disagree. This module
turns its answer into a basis for the audit log, or a refusal.

Areas: ``demographics`` (registry), ``clinical`` (the journal),
``medication`` (what pharmacists need). Bases: role, care, emergency, own,
proxy, consultation.
"""

from dataclasses import dataclass

from hms.core.context import CurrentUser, RequestContext
from hms.core.errors import NotFound, Refused
from hms.core.roles import Permission, Role
from hms.db.queries import load

q = load("access")

EMERGENCY_ROLES = frozenset({Role.DOCTOR, Role.NURSE})


class AccessRefused(Refused):
    """Refused for lack of a care relationship; a clinician may break the glass."""

    def __init__(self, *, patient_id: int, audit: dict[str, object]) -> None:
        super().__init__(audit=audit)
        self.patient_id = patient_id


@dataclass(frozen=True)
class Access:
    patient_id: int
    area: str
    basis: str

    @property
    def reason(self) -> str | None:
        """What the audit row says about how access was had."""
        return None if self.basis in ("role", "care", "own") else self.basis


def patient_access(ctx: RequestContext, *, patient_id: int, area: str, action: str) -> Access:
    """The basis on which the user reaches this patient's data, or a refusal
    (recorded in the audit log after the request's work is rolled back).

    Clinicians without a care relationship get 403 with the offer of emergency
    access; everyone else gets 404 whether or not the patient exists."""
    row = q.access_basis(ctx.conn, patient_id=patient_id, area=area)
    if row["basis"] is not None:
        return Access(patient_id, area, row["basis"])
    audit: dict[str, object] = {
        "patient_id": patient_id if row["known"] else None,
        "action": action,
        "detail": f"no access to {area}" + ("" if row["known"] else f" (no patient {patient_id})"),
    }
    user = ctx.staff
    if user.role in EMERGENCY_ROLES and area in ("clinical", "medication") and row["known"]:
        raise AccessRefused(patient_id=patient_id, audit=audit)
    raise NotFound(audit=audit)


def can_review_emergency_access(user: CurrentUser) -> bool:
    """Administrators review emergency access (the database: only one who did not use it)."""
    return user.can(Permission.AUDIT_REVIEW)
