"""No address, query or form anyone can send makes the hospital answer 500.

Every route in the registry is requested by everyone on the cast, and by a
visitor who has not logged in, with values that once reached the database and
broke there: a NUL byte, a number too big for a bigint, digits of another
script, and their friends. Each value goes in every path parameter in turn,
then in every query parameter and form field the app reads, by GET and by the
route's own method. The answer must be something a person can read (a page, a
redirect to the login, a 400, 403, 404 or 422 error page; JSON under /api/)
with the security headers: never a 500.

The routes, their parameters and the fields come from the app itself, so a new
route or field is swept the day it is added.
"""

import importlib
import random
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest
from fastapi import Depends
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from hms.core.context import RequestContext
from hms.core.roles import Role, has_permission
from hms.web.guard import MAX_FORM_FIELDS, all_routes, current, guarded_router, policy_of, public
from tests.cast import STAFF
from tests.conftest import csrf_of, login
from tests.journal import given

HMS = Path(__file__).resolve().parents[2] / "hms"

BAD = {
    "a NUL byte": "1\x00",
    "a number beyond bigint": "99999999999999999999",
    "Arabic-Indic digits": "١٢",
    "a superscript two": "²",
    "a negative number": "-1",
    "a plus sign": "+1",
    "a leading space": " 1",
    "100,000 digits": "1" * 100_000,
    # Letters that do not compress, as a long name or note would not (not a secret: S311 does not apply)
    "100,000 letters": "".join(random.Random(1942).choices(string.ascii_letters, k=100_000)),  # noqa: S311
}
# Everyone sends these to every route. The others go to every route from one
# person who may use it: the same code runs, at a fraction of the time.
FROM_EVERYONE = ("a NUL byte", "a number beyond bigint", "Arabic-Indic digits")

ROLES = {username: Role(role) for username, role, *_ in STAFF} | {
    "greta": Role.PATIENT,
    "sven": Role.RELATIVE,
}
# Adam goes last: he deactivates staff, who must still be able to log in.
PEOPLE = ["anonymous", "alice", "bob", "charlie", "rita", "petra", "erik", "greta", "sven", "adam"]


def fields_the_app_reads() -> set[str]:
    """Every field a form model declares, and every name a page reads from the
    query string or the form by hand (filters, paging, buttons)."""
    fields: set[str] = set()
    for forms in sorted(HMS.glob("*/forms.py")):
        module = importlib.import_module(f"hms.{forms.parent.name}.forms")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
                fields |= set(value.model_fields)
    by_hand = re.compile(r"""(?:\bp|form|values|query_params)(?:\.get\(|\[)["'](\w+)["']""")
    for pages in sorted(HMS.glob("*/*pages.py")):
        fields |= set(by_hand.findall(pages.read_text()))
    return fields - {"csrf_token"}


def routes_of(app) -> list[APIRoute]:
    return [r for r in all_routes(app.routes) if isinstance(r, APIRoute)]


def may_use(route: APIRoute, who: str) -> bool:
    """Whether the route's policy lets this person past the guard, so that a
    bad value reaches the page (and the database) rather than a refusal."""
    policy = policy_of(route.endpoint)
    if policy.kind == "public":
        return True
    return who != "anonymous" and (policy.permission is None or has_permission(ROLES[who], policy.permission))


@cache
def _quoted(text: str) -> str:
    return quote_plus(text)


def form_encoded(fields: dict[str, str]) -> str:
    # urlencode() would quote the same 100,000 characters once per field, which
    # takes longer than the app takes to answer.
    return "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in fields.items())


@dataclass
class Visitor:
    """One person's browser, logged in once for the whole sweep.

    Requests go straight to the app: httpx refuses a NUL byte in an address
    and anything over 64 KiB, which a script can send all the same."""

    name: str
    client: TestClient
    csrf: str

    def send(self, method: str, path: str, fields: dict[str, str]) -> httpx.Response:
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies.jar)
        headers = [(b"host", b"testserver"), (b"cookie", cookies.encode())]
        query, body = form_encoded(fields), b""
        if method != "GET":
            query, body = "", form_encoded({**fields, "csrf_token": self.csrf}).encode()
            headers += [(b"content-type", b"application/x-www-form-urlencoded")]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "server": ("testserver", 80),
            "client": ("testclient", 50000),
            "root_path": "",
            "path": path,
            "raw_path": quote(path).encode(),
            "query_string": query.encode(),
            "headers": headers,
        }
        return self.client.portal.call(self._call, scope, body)

    async def _call(self, scope: dict, body: bytes) -> httpx.Response:
        sent: dict = {"body": b""}
        request = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict:
            return request.pop() if request else {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                sent["status"], sent["headers"] = message["status"], message.get("headers", [])
            elif message["type"] == "http.response.body":
                sent["body"] += message.get("body", b"")

        try:
            await self.client.app(scope, receive, send)
        except Exception:  # Starlette re-raises after sending its 500 page; the 500 is what counts
            if "status" not in sent:
                raise
        return httpx.Response(sent["status"], headers=sent["headers"], content=sent["body"])


@pytest.fixture()
def visitor_as(app, cast) -> Iterator[Callable[[str], Visitor]]:
    opened: list[TestClient] = []

    def open_as(name: str) -> Visitor:
        client = TestClient(app)
        client.__enter__()
        opened.append(client)
        client.cookies.set("hms_lang", "en")
        if name == "anonymous":
            return Visitor(name, client, csrf_of(client.get("/login").text))
        return Visitor(name, client, login(client, name))

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture()
def real_ids(owner, cast) -> dict[str, int]:
    """Objects that exist, for the path parameters not being spoiled: Greta's
    signed note, her visit, her diagnosis and care plan, a ward and a bed, ..."""
    note, _ = given.signed_note(owner, cast)
    return {
        "patient_id": cast.greta_patient,
        "note_id": note,
        "encounter_id": given.visit(owner, cast),
        "diagnosis_id": given.clinical(owner, cast, "diagnosis"),
        "care_plan_id": given.clinical(owner, cast, "care_plan"),
        "user_id": cast.bob,
        "care_unit_id": cast.unit_med,
        "ward_id": cast.ward_med,
        "bed_id": cast.bed_b,
    }


def requests_for(route: APIRoute, value: str, ids: dict[str, int], fields: set[str], *, refused: bool):
    """(method, path, fields): the value in each path parameter in turn, by GET
    and by the route's own method; then in every field, by the route's methods
    (a GET to a route that takes only POST reads no field). A person the route
    refuses is turned away before any field is read, so gets the fields only
    where the address has no id to spoil."""
    names = [p.name for p in route.dependant.path_params]
    # Kinds of object the sweep has not made (consultations, blocks, ...): the id of a first row.
    real = {name: str(ids.get(name, 1)) for name in names}
    for method in sorted({"GET", *route.methods} - {"HEAD"}):
        for spoiled in names:
            yield method, route.path.format(**{**real, spoiled: value}), {}
        if method in route.methods and not (refused and names):
            yield method, route.path.format(**real), dict.fromkeys(fields, value)


def what_is_wrong(response: httpx.Response, path: str, request: str) -> list[str]:
    if response.status_code >= 500:
        return [f"{request}: {response.status_code}"]
    if response.status_code < 400:
        return []
    wrong = []
    if "content-security-policy" not in response.headers:
        wrong.append(f"{request}: {response.status_code} without the security headers")
    kind = response.headers.get("content-type", "")
    if path.startswith("/api/") or path == "/healthz":
        if not kind.startswith("application/json") or "error" not in response.json():
            wrong.append(f"{request}: {response.status_code} is not the API's JSON error")
    elif not kind.startswith("text/html"):
        wrong.append(f"{request}: {response.status_code} is {kind}, not an error page")
    return wrong


def sweep(visitor: Visitor, plan: list[tuple[APIRoute, str]], ids, fields) -> list[str]:
    wrong = []
    for route, label in plan:
        refused = not may_use(route, visitor.name)
        for method, path, sent in requests_for(route, BAD[label], ids, fields, refused=refused):
            response = visitor.send(method, path, sent)
            where = "the fields" if sent else repr(path[:70])
            request = f"{visitor.name} {method} {route.path} with {label} in {where}"
            wrong += what_is_wrong(response, route.path, request)
    return wrong


def test_every_route_refuses_bad_values_from_everyone_without_a_500(app, visitor_as, real_ids):
    # Given everyone on the cast, each logged in, and the objects the routes name
    routes, fields = routes_of(app), fields_the_app_reads()
    wrong = []
    for who in PEOPLE:
        # When each sends the bad values to every route
        plan = [(route, label) for route in routes for label in FROM_EVERYONE]
        plan += [
            (route, label)
            for route in routes
            if who == next((p for p in PEOPLE if may_use(route, p)), None)
            for label in BAD
            if label not in FROM_EVERYONE
        ]
        # (logging out last, or the rest would be refused before reaching a page)
        plan.sort(key=lambda step: step[0].path == "/logout")
        wrong += sweep(visitor_as(who), plan, real_ids, fields)
    # Then every answer is a page or a readable refusal, with the security headers
    assert not wrong, "\n".join(wrong)


def test_a_visitor_sending_a_nul_byte_gets_a_400_page_in_their_language(client):
    # Given a visitor whose browser is set to Swedish, not logged in
    client.cookies.set("hms_lang", "sv")
    # When the search address carries a NUL byte
    response = client.get("/patients", params={"q": "Greta\x00"}, follow_redirects=False)
    # Then the error page says so in Swedish, before any login is asked for
    assert response.status_code == 400
    assert "Felaktig förfrågan" in response.text
    assert "content-security-policy" in response.headers


def test_an_id_that_is_not_plain_digits_names_nothing(client, cast):
    # Given Dr Alice, who may read any patient's demographics
    login(client, "alice")
    client.cookies.set("hms_lang", "en")
    for spoiled in ("-1", "+1", " 1", "١", "99999999999999999999"):
        # When she opens a patient whose id is not written in plain digits
        response = client.get(f"/patients/{quote(spoiled)}")
        # Then there is no such patient, rather than a patient 1 or a failure
        assert response.status_code == 404, spoiled
        assert "There is nothing at this address." in response.text


def test_a_form_over_the_limits_gets_the_users_own_page(client, cast):
    # Given Rita at reception, logged in, who reads in Swedish
    login(client, "rita")
    client.cookies.set("hms_lang", "sv")
    # When a registration form arrives with more fields than any form of the app sends
    fields = {f"field{n}": "x" for n in range(MAX_FORM_FIELDS + 1)}
    response = client.post("/patients/new", data=fields)
    # Then it is refused before it is read, on her own page, in her language (the
    # form is refused before her handler's thread, where the guard loads her session)
    assert response.status_code == 400
    assert "Rita" in response.text
    assert "Felaktig förfrågan" in response.text


def failing_routes(app) -> None:
    """Pages with faults of their own, not of anything a visitor sends."""
    router = guarded_router()

    @router.get("/broken")
    @public
    def broken() -> None:
        raise RuntimeError("a bug in a page")

    @router.get("/api/broken")
    @public
    def broken_api() -> None:
        raise RuntimeError("a bug in the API")

    @router.get("/divides-by-zero")
    @public
    def divides_by_zero(ctx: RequestContext = Depends(current)) -> None:
        ctx.conn.execute("SELECT 1 / 0")

    @router.get("/stores-a-nul")
    @public
    def stores_a_nul(ctx: RequestContext = Depends(current)) -> None:
        ctx.conn.execute("SELECT %s::text", ["Greta\x00"])

    app.include_router(router)


def test_a_fault_of_the_app_is_a_500_page_with_the_security_headers(app):
    # Given a page and an API route with a bug
    failing_routes(app)
    # When someone opens them
    with TestClient(app, raise_server_exceptions=False) as client:
        page, api = client.get("/broken"), client.get("/api/broken")
    # Then both answer 500 with the security headers, and the page tells nothing of the bug
    assert page.status_code == 500 and api.status_code == 500
    assert "content-security-policy" in page.headers and "content-security-policy" in api.headers
    assert page.headers["content-type"].startswith("text/html")
    assert "a bug" not in page.text and "Traceback" not in page.text
    assert api.json() == {"error": "server error"}


def test_a_value_the_database_cannot_hold_is_a_400_but_a_query_that_fails_stays_a_500(app):
    # A NUL byte is the sender's to fix; a division by zero is the app's own
    # fault and must not be passed off as the visitor's mistake.
    failing_routes(app)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/stores-a-nul").status_code == 400
        assert client.get("/divides-by-zero").status_code == 500
