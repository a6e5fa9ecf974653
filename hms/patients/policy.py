"""Who may see and change what in the registry.

Role permissions come from ``hms.access.roles``; the rules here add what a
role alone cannot say: a patient is only ever their own patient, and protected
contact details are shown only to someone with a need.
"""

from hms.access.roles import Permission, Role
from hms.web.context import CurrentUser


def can_search(user: CurrentUser) -> bool:
    return user.can(Permission.PATIENT_SEARCH)


def can_read_demographics(user: CurrentUser, *, own_patient_id: int | None, patient_id: int) -> bool:
    if user.role is Role.PATIENT:
        return own_patient_id == patient_id
    return user.can(Permission.PATIENT_READ_DEMOGRAPHICS)


def can_see_protected_contact(user: CurrentUser, *, own_patient_id: int | None, patient_id: int) -> bool:
    """Skyddade personuppgifter: only the patient themself sees their protected
    address and phone here. Staff with a documented care need get them through
    the care relationship once access control knows it."""
    return user.role is Role.PATIENT and own_patient_id == patient_id


def can_edit_contact(user: CurrentUser) -> bool:
    return user.can(Permission.PATIENT_EDIT_CONTACT)


def can_register(user: CurrentUser) -> bool:
    return user.can(Permission.PATIENT_REGISTER)
