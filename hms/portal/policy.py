"""Who does what in the portal. A patient reads their own record and grants
and revokes their relatives' access in their own name; a relative reads the
records whose grant is in force; staff register a grant on a legal basis
(hms.core.roles: PORTAL_OWN_RECORD, PROXY_MANAGE). The access decision itself
is ``hms_access_basis``, asked through hms.access.policy."""

from hms.access.policy import Access
from hms.core.context import CurrentUser
from hms.core.roles import Role


def reads_for_others(user: CurrentUser) -> bool:
    """A relative's portal lists the patients who granted them access."""
    return user.role is Role.RELATIVE


def grants_in_own_name(access: Access) -> bool:
    """The patient themself grants (basis own); anyone else registers a grant."""
    return access.basis == "own"
