import pytest

from tests.pharmacy import given


@pytest.fixture()
def room(owner, cast) -> given.Stockroom:
    return given.stockroom(owner, cast)
