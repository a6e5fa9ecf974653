"""Who may read the audit log: administrators, who review it. Row-level
security on audit_log says the same in the database."""

from hms.core.context import CurrentUser
from hms.core.roles import Permission


def can_review(user: CurrentUser) -> bool:
    return user.can(Permission.AUDIT_REVIEW)
