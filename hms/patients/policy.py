"""Who may see and change what in the registry.

Role permissions come from ``hms.access.roles``; the rules here add what a
role alone cannot say: a patient is only ever their own patient, and protected
contact details are shown only to someone with a need.
"""

from hms.access.roles import Permission
from hms.web.context import CurrentUser, RequestContext


def can_search(user: CurrentUser) -> bool:
    return user.can(Permission.PATIENT_SEARCH)


def has_care_need(ctx: "RequestContext", *, patient_id: int) -> bool:
    """Skyddade personuppgifter: a protected patient's address and phone are
    shown to a clinician with a care relationship (or emergency access), and
    to the patient; to nobody else. The rule is the database's
    (hms_contact_visible), which patient_directory applies; this asks it."""
    from hms.access.policy import q as access_queries

    return bool(access_queries.contact_visible(ctx.conn, patient_id=patient_id))


def can_edit_contact(user: CurrentUser) -> bool:
    return user.can(Permission.PATIENT_EDIT_CONTACT)


def can_register(user: CurrentUser) -> bool:
    return user.can(Permission.PATIENT_REGISTER)
