"""The registry's tests read the pages in English and usually act as Rita at reception."""

import pytest

from tests.conftest import login


@pytest.fixture()
def client(client):
    """The test client, reading the pages in English (the catalogue's msgids)."""
    client.cookies.set("hms_lang", "en")
    return client


@pytest.fixture()
def rita(client, cast) -> str:
    """Rita at reception, logged in; her session's CSRF token."""
    return login(client, "rita")
