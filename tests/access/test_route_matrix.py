"""Every GET route that names a patient, for every role and every kind of
relation to that patient, answers as the route's declared policy and the
relation rules say: a page where they allow it, 403 or 404 where they do
not, never a 500, and never another patient's name or identity number.

The expected answer is generated from the route registry (each route's
``policy_of``) and the two small tables below, so a new route is covered the
day it is registered."""

import re

import pytest
from fastapi.routing import APIRoute

from hms.core.roles import Role, has_permission
from hms.web.guard import all_routes, policy_of
from tests.access.conftest import (
    block_medicine,
    break_the_glass,
    grant_sven,
    surgical_care,
)

CLINICIANS = {Role.DOCTOR, Role.NURSE}

# What a role reaches of any patient, with no relation at all (hms_decide_basis).
ROLE_AREAS: dict[Role, set[str]] = {
    Role.DOCTOR: {"demographics"},
    Role.NURSE: {"demographics"},
    Role.PHARMACIST: {"demographics", "medication"},
    Role.RECEPTIONIST: {"demographics", "appointments"},
    Role.ADMINISTRATOR: {"demographics", "appointments"},
}

# What a relation to the patient adds. "blocked": in care on another unit
# than the one whose entries the patient blocked, so those entries stay hidden.
RELATION_AREAS: dict[str, set[str]] = {
    "care": {"clinical", "medication", "appointments"},
    "emergency": {"clinical", "medication", "appointments"},
    "blocked": {"clinical", "medication", "appointments"},
    "own": {"demographics", "clinical", "medication", "appointments"},
    "proxy": {"demographics", "clinical", "medication", "appointments"},
    "other_unit": set(),
    "none": set(),
}

ROLES = {
    "alice": Role.DOCTOR,
    "bob": Role.NURSE,
    "charlie": Role.DOCTOR,
    "rita": Role.RECEPTIONIST,
    "adam": Role.ADMINISTRATOR,
    "petra": Role.PHARMACIST,
    "erik": Role.EXTERNAL_SPECIALIST,
    "greta": Role.PATIENT,
    "sven": Role.RELATIVE,
}


def area_of(path: str) -> str | None:
    """The kind of patient data a route shows; None for the emergency access
    form, which asks for a reason and shows nothing of the patient."""
    if path.startswith(("/patients/{patient_id}/medication", "/api/patients/{patient_id}/medication")) or (
        path == "/my/patients/{patient_id}/medication"
    ):
        return "medication"
    if path.startswith(("/patients/{patient_id}/journal", "/my/patients/")):
        return "clinical"
    if path.startswith(
        ("/patients/{patient_id}/lab", "/patients/{patient_id}/radiology", "/api/patients/{patient_id}/lab")
    ):
        return "clinical"
    if path == "/patients/{patient_id}/emergency-access":
        return None
    if path.startswith("/pharmacy/patients/"):
        return "medication"
    if path.startswith("/patients/{patient_id}/appointments"):
        return "appointments"
    if path.startswith("/patients/{patient_id}/referrals"):
        return "clinical"  # a doctor refers only a patient in their care
    return "demographics"


def patient_get_routes(app) -> list[APIRoute]:
    return [
        r
        for r in all_routes(app.routes)
        if isinstance(r, APIRoute) and "GET" in r.methods and "{patient_id}" in r.path
    ]


ALLOWED = frozenset(range(200, 400))


def expected(route: APIRoute, role: Role, relation: str) -> frozenset[int]:
    policy = policy_of(route.endpoint)
    assert policy is not None, route.path
    if policy.permission is not None and not has_permission(role, policy.permission):
        return frozenset({403})
    area = area_of(route.path)
    if area is None or area in ROLE_AREAS.get(role, set()) | RELATION_AREAS[relation]:
        if relation == "blocked" and any(
            f"{{{name}}}" in route.path
            for name in ("note_id", "prescription_id", "order_id", "radiology_id", "encounter_id")
        ):
            return frozenset({404})  # the note, prescription or encounter is the blocked unit's
        return ALLOWED
    if role in CLINICIANS and area in ("clinical", "medication"):
        return frozenset({403})  # with the offer of emergency access
    return frozenset({404})


def url_of(route: APIRoute, world, patient_id: int) -> str:
    ids = {
        "patient_id": patient_id,
        "note_id": world.notes[patient_id],
        "prescription_id": world.prescriptions[patient_id],
        "order_id": world.lab_orders[patient_id],
        "radiology_id": world.radiology[patient_id],
        # Greta's open visit (discharge and close, each a confirmation page)
        "encounter_id": world.encounter,
    }
    names = re.findall(r"{(\w+)}", route.path)
    unknown = set(names) - set(ids)
    assert not unknown, f"{route.path}: give the matrix an object for {unknown}"
    return route.path.format(**ids)


def sweep(app, world, browser, cases: list[tuple[str, int, str]]) -> list[str]:
    """Request every patient GET route for each (user, patient, relation);
    returns the mismatches, one line each."""
    wrong = []
    for username, patient_id, relation in cases:
        role = ROLES[username]
        who = browser(username)
        for route in patient_get_routes(app):
            url = url_of(route, world, patient_id)
            allowed = expected(route, role, relation)
            response = who.get(url)
            if response.status_code not in allowed:
                wrong.append(
                    f"{username} ({relation}) GET {url}: {response.status_code}, expected {_show(allowed)}"
                )
            wrong += leaks(world, username, patient_id, url, response)
    return wrong


def leaks(world, username: str, patient_id: int, url: str, response) -> list[str]:
    """A page may show the patient it is about (when allowed) and, to a patient,
    themselves; no one else."""
    visible = set()
    if 200 <= response.status_code < 300:
        visible.add(patient_id)
    if username == "greta":
        visible.add(world.greta.patient_id)
    return [
        f"{username} GET {url} ({response.status_code}) shows {person.given_name}"
        for person in world.patients()
        if person.patient_id not in visible and person.shown_in(response.text)
    ]


def _show(allowed: frozenset[int]) -> str:
    return "2xx/3xx" if allowed == ALLOWED else "/".join(map(str, sorted(allowed)))


def test_the_registry_has_patient_routes_to_sweep(app):
    paths = {r.path for r in patient_get_routes(app)}
    assert "/patients/{patient_id}/journal/notes/{note_id}" in paths
    assert len(paths) >= 15


def test_every_role_on_greta_and_on_a_patient_nobody_relates_to(app, world, browser):
    greta, olle = world.greta.patient_id, world.olle.patient_id
    relation_to_greta = {
        "alice": "care",
        "bob": "care",
        "greta": "own",
        "charlie": "other_unit",
        "sven": "none",  # no grant yet
        "erik": "none",  # no consultation
    }
    cases = [(u, greta, relation_to_greta.get(u, "none")) for u in ROLES]
    cases += [(u, olle, "none") for u in ROLES]
    assert sweep(app, world, browser, cases) == []


def test_a_relative_with_a_grant_reaches_only_what_the_grant_opens(app, world, browser, owner):
    grant_sven(owner, world.cast)
    cases = [("sven", world.greta.patient_id, "proxy"), ("sven", world.olle.patient_id, "none")]
    assert sweep(app, world, browser, cases) == []


def test_emergency_access_opens_the_journal_of_that_patient_only(app, world, browser):
    break_the_glass(browser("charlie"), world.greta.patient_id)
    cases = [("charlie", world.greta.patient_id, "emergency"), ("charlie", world.olle.patient_id, "none")]
    assert sweep(app, world, browser, cases) == []


MED_ENTRIES = ("Community-acquired pneumonia", "J18.9", "Penicillin")  # note, diagnosis, allergy


def test_a_block_hides_the_medical_wards_entries_from_surgery_in_care(app, world, browser, owner):
    greta = world.greta.patient_id
    surgical_care(owner, world.cast)
    block_medicine(owner, world.cast)
    assert sweep(app, world, browser, [("charlie", greta, "blocked")]) == []
    for path in ("", "/print", "/diagnoses"):
        seen_by_surgery = browser("charlie").get(f"/patients/{greta}/journal{path}").text
        seen_by_medicine = browser("alice").get(f"/patients/{greta}/journal{path}").text
        assert not [e for e in MED_ENTRIES if e in seen_by_surgery], path
        assert [e for e in MED_ENTRIES if e in seen_by_medicine], path


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_the_cast_is_swept(role):
    assert role in ROLES.values()


# Secure messaging: the routes name a thread or a file, not a patient --------------------

MESSAGE_PREFIXES = ("/messages", "/my/messages")
# Who reaches Greta's thread: the ward's doctor and nurse, Greta, and Sven once
# his grant has the messages scope.
REACHES_GRETAS_THREAD = {"alice", "bob", "greta"}


def message_get_routes(app) -> list[APIRoute]:
    return [
        r
        for r in all_routes(app.routes)
        if isinstance(r, APIRoute) and "GET" in r.methods and r.path.startswith(MESSAGE_PREFIXES)
    ]


def expected_for_message_route(route: APIRoute, username: str, reaches: set[str]) -> frozenset[int]:
    policy = policy_of(route.endpoint)
    assert policy is not None and policy.permission is not None, route.path
    if not has_permission(ROLES[username], policy.permission):
        return frozenset({403})
    if route.path in ("/messages", "/my/messages"):
        return ALLOWED  # a list: the user's own, or empty
    return ALLOWED if username in reaches else frozenset({404})


def message_sweep(app, world, browser, ids: dict[str, int], reaches: set[str]) -> list[str]:
    wrong = []
    routes = message_get_routes(app)
    assert len(routes) >= 6, [r.path for r in routes]
    for username in ROLES:
        who = browser(username)
        for route in routes:
            url = route.path.format(**ids)
            if route.path == "/my/messages/new":
                url += f"?patient_id={world.greta.patient_id}"
            response = who.get(url)
            allowed = expected_for_message_route(route, username, reaches)
            if response.status_code not in allowed:
                wrong.append(f"{username} GET {url}: {response.status_code}, expected {_show(allowed)}")
            shown = 200 <= response.status_code < 300 and world.greta.shown_in(response.text)
            if shown and username not in reaches:
                wrong.append(f"{username} GET {url} shows Greta")
    return wrong


@pytest.fixture()
def greta_thread_ids(world, acting_as) -> dict[str, int]:
    from tests.messaging.conftest import PDF, start

    cast = world.cast
    greta = acting_as(cast.greta)
    thread = start(greta, cast.greta_patient, cast.unit_med, files=(("remiss.pdf", PDF),))
    attachment = greta.execute("SELECT id FROM message_attachment").fetchone()["id"]
    return {"thread_id": thread, "attachment_id": attachment}


def test_every_role_on_gretas_thread_and_its_file(app, world, browser, greta_thread_ids):
    assert message_sweep(app, world, browser, greta_thread_ids, REACHES_GRETAS_THREAD) == []


def test_a_relative_reaches_the_thread_only_with_the_messages_scope(
    app, world, browser, owner, greta_thread_ids
):
    grant_sven(owner, world.cast)  # the record scope: not messages
    assert message_sweep(app, world, browser, greta_thread_ids, REACHES_GRETAS_THREAD) == []
    owner.execute("UPDATE proxy_grant SET revoked_at = now()")
    owner.execute(
        "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, granted_by) VALUES (%s, %s, '{messages}', %s)",
        [world.cast.greta_patient, world.cast.sven, world.cast.greta],
    )
    assert message_sweep(app, world, browser, greta_thread_ids, REACHES_GRETAS_THREAD | {"sven"}) == []


# Care requests (hms.requests): their routes name a request, not a patient.
# A request reaches its patient side and the staff it is routed to; a
# question of the medical ward goes to its doctors and nurses.
REQUEST_SEES = {"greta": "portal", "alice": "staff", "bob": "staff"}


def request_get_routes(app) -> list[APIRoute]:
    return [
        r
        for r in all_routes(app.routes)
        if isinstance(r, APIRoute) and "GET" in r.methods and r.path.startswith(("/requests", "/my/requests"))
    ]


def expected_for_request(route: APIRoute, username: str) -> frozenset[int]:
    policy = policy_of(route.endpoint)
    assert policy is not None, route.path
    if policy.permission is not None and not has_permission(ROLES[username], policy.permission):
        return frozenset({403})
    if route.path == "/my/requests/new" and username == "sven":
        return frozenset({404})  # a relative without a grant files for nobody
    if "{request_id}" not in route.path:
        return ALLOWED
    side = "portal" if route.path.startswith("/my/") else "staff"
    return ALLOWED if REQUEST_SEES.get(username) == side else frozenset({404})


def test_every_care_request_route_answers_as_its_routing(app, world, browser, owner):
    from tests.requests.conftest import file

    assert len(request_get_routes(app)) >= 5
    token = session_token(owner, world.cast.greta)
    with owner.transaction():
        owner.execute("SELECT hms_authenticate(%s)", [token])
        request = file(owner, world.greta.patient_id, "question", unit=world.cast.unit_med)
    wrong = []
    for username in ROLES:
        who = browser(username)
        for route in request_get_routes(app):
            url = route.path.format(request_id=request)
            response = who.get(url)
            allowed = expected_for_request(route, username)
            if response.status_code not in allowed:
                wrong.append(f"{username} GET {url}: {response.status_code}, expected {_show(allowed)}")
            if username not in REQUEST_SEES and world.greta.shown_in(response.text) and username != "sven":
                wrong.append(f"{username} GET {url} shows Greta")
    assert wrong == []


def session_token(owner, user_id: int) -> str:
    from tests.acting import session_for

    return session_for(owner, user_id)


# The ward board (hms.ward): its routes name a ward, not a patient. A ward's
# board answers to the doctors and nurses of its care unit; a ward of another
# unit is not found, and no page shows a patient of a ward one may not see.
WARD_PREFIX = "/ward"
WARD_STAFF = {"alice", "bob"}


def ward_get_routes(app) -> list[APIRoute]:
    return [
        r
        for r in all_routes(app.routes)
        if isinstance(r, APIRoute) and "GET" in r.methods and r.path.startswith(WARD_PREFIX)
    ]


def expected_for_ward(route: APIRoute, username: str) -> frozenset[int]:
    policy = policy_of(route.endpoint)
    assert policy is not None and policy.permission is not None, route.path
    if not has_permission(ROLES[username], policy.permission):
        return frozenset({403})
    if "{ward_id}" not in route.path:
        return ALLOWED  # the wards of the user's own units
    return ALLOWED if username in WARD_STAFF else frozenset({404})


def test_every_ward_board_route_answers_to_the_wards_unit_only(app, world, browser, acting_as):
    from tests.journal import given

    given.admit(acting_as(world.cast.alice), world.cast)  # Greta lies in bed A of the medical ward
    routes = ward_get_routes(app)
    assert len(routes) >= 2
    wrong = []
    for username in ROLES:
        who = browser(username)
        for route in routes:
            url = route.path.format(ward_id=world.cast.ward_med)
            response = who.get(url)
            allowed = expected_for_ward(route, username)
            if response.status_code not in allowed:
                wrong.append(f"{username} GET {url}: {response.status_code}, expected {_show(allowed)}")
            # (Greta's own name heads every page she opens)
            if username not in WARD_STAFF | {"greta"} and world.greta.shown_in(response.text):
                wrong.append(f"{username} GET {url} shows Greta")
    assert wrong == []


# Reports: aggregates for the people who run the hospital --------------------------------

REPORT_PREFIXES = ("/reports", "/admin/department-heads")


def report_get_routes(app) -> list[APIRoute]:
    return [
        r
        for r in all_routes(app.routes)
        if isinstance(r, APIRoute) and "GET" in r.methods and r.path.startswith(REPORT_PREFIXES)
    ]


def expected_for_report(route: APIRoute, username: str, heads: set[str]) -> frozenset[int]:
    """The administrator reaches every report route; a doctor or nurse only
    once appointed head of a department (and never the heads' page); the
    database gives anyone else no unit, which the page answers with 403."""
    policy = policy_of(route.endpoint)
    assert policy is not None and policy.permission is not None, route.path
    if not has_permission(ROLES[username], policy.permission):
        return frozenset({403})
    if username == "adam" or username in heads:
        return ALLOWED
    return frozenset({403})


def report_sweep(app, world, browser, heads: set[str]) -> list[str]:
    routes = report_get_routes(app)
    assert len(routes) >= 10, [r.path for r in routes]
    wrong = []
    people = world.patients()
    for username in ROLES:
        who = browser(username)
        for route in routes:
            response = who.get(route.path)
            allowed = expected_for_report(route, username, heads)
            if response.status_code not in allowed:
                wrong.append(
                    f"{username} GET {route.path}: {response.status_code}, expected {_show(allowed)}"
                )
            body = response.text if response.headers.get("content-type", "").startswith("text") else ""
            # (Greta's own name heads every page she opens)
            wrong += [
                f"{username} GET {route.path} shows {p.given_name}"
                for p in people
                if p.shown_in(body) and not (username == "greta" and p.patient_id == world.greta.patient_id)
            ]
    return wrong


def test_every_report_route_answers_only_to_those_who_report(app, world, browser, acting_as, owner):
    from tests.journal import given

    given.admit(acting_as(world.cast.alice), world.cast)  # Greta lies in bed A of the medical ward
    owner.execute("SELECT report_refresh()")
    assert report_sweep(app, world, browser, heads=set()) == []


def test_a_department_head_reaches_the_reports_and_still_no_patient(app, world, browser, acting_as, owner):
    from tests.journal import given

    given.admit(acting_as(world.cast.alice), world.cast)
    owner.execute(
        "INSERT INTO department_head (department_id, user_id) "
        "SELECT department_id, %s FROM care_unit WHERE id = %s",
        [world.cast.bob, world.cast.unit_med],
    )
    owner.execute("SELECT report_refresh()")
    assert report_sweep(app, world, browser, heads={"bob"}) == []
