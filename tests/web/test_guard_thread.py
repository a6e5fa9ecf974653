"""A request's guard, its router's gate and its handler run in one worker
thread, in one transaction; afterwards the request holds no connection.

Each hop between the event loop and a worker thread costs a wake-up and a
hand-over of the interpreter's lock. As FastAPI dependencies, the guard took
one hop to open its transaction and one to close it, and the journal's gate a
third, besides the handler's own (hms/web/guard.py)."""

import anyio.to_thread
import pytest
from fastapi import Depends
from fastapi.testclient import TestClient

from hms.core.context import RequestContext
from hms.core.errors import NotFound
from hms.core.roles import Permission
from hms.web.guard import current, guarded_router, requires
from tests.conftest import login
from tests.journal import given


@pytest.fixture()
def hops(monkeypatch):
    """How many times a request's work was handed to a worker thread."""
    seen: list[str] = []
    original = anyio.to_thread.run_sync

    async def counted(func, *args, **kwargs):
        seen.append(getattr(func, "__name__", repr(func)))
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return seen


def test_the_chart_is_one_hop(client, cast, owner, hops):
    # Given Dr Alice, logged in, and Greta's journal with a signed note
    given.signed_note(owner, cast)
    login(client, "alice")
    hops.clear()
    # When she opens Greta's chart (the guard, the journal's gate, the chart)
    response = client.get(f"/patients/{cast.greta_patient}/journal")
    # Then all of it ran in one worker thread
    assert response.status_code == 200
    assert len(hops) == 1, hops


def test_a_form_is_one_hop(client, cast, hops):
    # Given Rita at reception, logged in, on the registration form
    login(client, "rita")
    form = client.get("/patients/new")
    hops.clear()
    # When she sends it with a value to fix (the guard, the CSRF token, the handler)
    token = form.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post("/patients/new", data={"csrf_token": token, "personal_number": "1"})
    # Then it was answered from one worker thread, and kept what she typed
    assert response.status_code == 422
    assert len(hops) == 1, hops


def test_after_the_handler_the_context_holds_no_connection(app, cast):
    """An error page is drawn after the transaction ended and the connection
    went back to the pool, where another request may hold it by then: the page
    is drawn without it (before, it asked the header's counts on it)."""
    router = guarded_router()
    seen: dict[str, object] = {}

    @router.get("/finds-nothing")
    @requires(Permission.PATIENT_SEARCH)
    def finds_nothing(ctx: RequestContext = Depends(current)) -> None:
        seen["ctx"], seen["conn_in_handler"] = ctx, ctx.conn
        raise NotFound()

    app.include_router(router)
    with TestClient(app) as client:
        login(client, "rita")
        response = client.get("/finds-nothing")
    # The page is Rita's, drawn after her connection was handed back
    assert response.status_code == 404
    assert "Rita Reception" in response.text
    assert seen["conn_in_handler"] is not None
    assert seen["ctx"].conn is None  # type: ignore[attr-defined]
