"""Moved to hms.app; kept only until the tests import it from there."""

from hms.app import create_app

__all__ = ["create_app"]
