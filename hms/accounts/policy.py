"""Who may change which account, beyond the role table.

Administrators manage staff (``Permission.STAFF_MANAGE``, hms.core.roles);
the rules here are about their own account, which they must not lock
themselves out of mid-task. The database's ``account_*`` functions check that
the verified user is an administrator.
"""

from hms.core.roles import Role


def may_set_role(*, user_id: int, role: Role, by: int | None) -> bool:
    """An administrator who demoted themself would lose this very page mid-task."""
    return user_id != by or role is Role.ADMINISTRATOR


def may_deactivate(*, user_id: int, by: int) -> bool:
    """Nobody deactivates their own account."""
    return user_id != by
