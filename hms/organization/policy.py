"""Who may read and change the organisation: every member of staff reads the
tree; administrators add to it and close or reopen its units, wards and beds
(the database's privileges say the same)."""

from hms.core.context import CurrentUser
from hms.core.roles import Permission


def can_manage(user: CurrentUser) -> bool:
    return user.can(Permission.ORGANIZATION_MANAGE)
