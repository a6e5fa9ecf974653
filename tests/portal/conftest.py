"""The portal tests use the access tests' browsers, one per person."""

from tests.access.conftest import browser  # noqa: F401 - a fixture
