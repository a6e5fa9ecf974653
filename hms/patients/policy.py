"""Who may see and change what in the registry.

Role permissions come from ``hms.core.roles``; the rules here add what a
role alone cannot say: a patient is only ever their own patient, and protected
contact details are shown only to someone with a need.
"""

from hms.access import read as access_read
from hms.core.context import CurrentUser, RequestContext
from hms.core.roles import Permission


def can_search(user: CurrentUser) -> bool:
    return user.can(Permission.PATIENT_SEARCH)


def has_care_need(ctx: RequestContext, *, patient_id: int) -> bool:
    """Skyddade personuppgifter: a protected patient's address and phone are
    shown to a clinician with a care relationship (or emergency access), and
    to the patient; to nobody else. The rule is the database's
    (hms_contact_visible), which patient_directory applies; this asks it."""
    return access_read.contact_visible(ctx, patient_id=patient_id)


def can_edit_contact(user: CurrentUser) -> bool:
    return user.can(Permission.PATIENT_EDIT_CONTACT)
