"""Moved to hms.core.roles; kept only until the tests import it from there."""

from hms.core.roles import *  # noqa: F403
from hms.core.roles import has_permission  # noqa: F401
