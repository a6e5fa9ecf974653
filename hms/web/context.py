"""Moved to hms.core.context; kept only until the tests import it from there."""

from hms.core.context import CurrentUser, RequestContext

__all__ = ["CurrentUser", "RequestContext"]
