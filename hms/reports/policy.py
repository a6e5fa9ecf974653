"""Who may read reports, and on which units.

Administrators read the whole hospital; a doctor or nurse an administrator
has appointed to head a department reads that department's units; nobody
else reads any. The database decides the units (``hms_report_units``) and
the report views keep to them, so a page that forgot to ask would still
show nothing: the role check here only turns an empty scope into a clear
refusal. Every figure is an aggregate with small counts suppressed (0038).
"""

from hms.core.context import CurrentUser
from hms.core.roles import Permission

# A count below this is published as "<5", never as the number (the views
# of 0038 hold the same threshold; this one only labels what they withheld).
SUPPRESS_BELOW = 5


def may_ask_for_reports(user: CurrentUser) -> bool:
    """The role may report at all; which units, if any, is the database's answer."""
    return user.can(Permission.REPORTS_READ)


def may_appoint_heads(user: CurrentUser) -> bool:
    return user.can(Permission.DEPARTMENT_HEAD_MANAGE)
