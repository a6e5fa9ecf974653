"""Every pharmacy route, for every role of the cast: the route's permission
decides (403 without it), and an order or batch of a location the user does
not see answers 404, as if it did not exist. The routes are read from the
registry, so a new one is swept the day it is registered."""

import re

import pytest
from fastapi.routing import APIRoute

from hms.core.roles import has_permission
from hms.web.guard import all_routes, policy_of
from tests.access.test_route_matrix import ROLES
from tests.pharmacy import given


@pytest.fixture()
def stock(owner, acting_as, world):
    cast = world.cast
    room = given.stockroom(owner, cast)
    batch = given.receive(acting_as(cast.petra), room.paracetamol, 10)
    order = (
        acting_as(cast.bob)
        .execute(
            "SELECT ward_order_request(%s, %s::jsonb) AS id",
            [room.ward_med, f'[{{"drug_id": {room.paracetamol}, "quantity": 2}}]'],
        )
        .fetchone()["id"]
    )
    return {"batch_id": batch, "order_id": order, "patient_id": cast.greta_patient}


def pharmacy_routes(app) -> list[APIRoute]:
    return [r for r in all_routes(app.routes) if isinstance(r, APIRoute) and r.path.startswith("/pharmacy")]


def test_the_registry_has_the_pharmacy_routes(app):
    paths = {r.path for r in pharmacy_routes(app)}
    assert {
        "/pharmacy",
        "/pharmacy/receipts/new",
        "/pharmacy/patients/{patient_id}/dispense",
        "/pharmacy/orders/{order_id}",
        "/pharmacy/batches/{batch_id}",
    } <= paths


def test_every_pharmacy_get_route_answers_each_role_as_its_permission_says(app, world, browser, stock):
    wrong = []
    for username, role in ROLES.items():
        who = browser(username)
        for route in pharmacy_routes(app):
            if "GET" not in route.methods:
                continue
            url = route.path.format(**{k: stock[k] for k in re.findall(r"{(\w+)}", route.path)})
            policy = policy_of(route.endpoint)
            allowed = policy.permission is None or has_permission(role, policy.permission)
            status = who.get(url).status_code
            # Nurse Bob and Dr Alice are on the medical ward, whose order this is; the
            # pharmacy's batch they do not see. Dr Charlie sees neither.
            hidden = (username in ("alice", "bob") and "{batch_id}" in route.path) or (
                username == "charlie" and ("{batch_id}" in route.path or "{order_id}" in route.path)
            )
            expected = {403} if not allowed else ({404} if hidden else set(range(200, 400)))
            if status not in expected:
                wrong.append(f"{username} GET {url}: {status}")
    assert wrong == []


def test_every_pharmacy_post_route_refuses_those_without_its_permission(app, world, browser, stock):
    wrong = []
    for username, role in ROLES.items():
        who = browser(username)
        for route in pharmacy_routes(app):
            if "POST" not in route.methods:
                continue
            policy = policy_of(route.endpoint)
            if policy.permission is None or has_permission(role, policy.permission):
                continue
            url = route.path.format(**{k: stock[k] for k in re.findall(r"{(\w+)}", route.path)})
            status = who.post(url, data={"quantity": "1", "reason": "Trying"}).status_code
            if status != 403:
                wrong.append(f"{username} POST {url}: {status}")
    assert wrong == []


def test_a_surgeon_cannot_reach_the_medical_wards_order_or_the_pharmacys_batch(world, browser, stock, owner):
    charlie = browser("charlie")
    assert charlie.get(f"/pharmacy/orders/{stock['order_id']}").status_code == 404
    assert (
        charlie.post(f"/pharmacy/orders/{stock['order_id']}/cancel", data={"reason": "Mine"}).status_code
        == 404
    )
    assert browser("bob").get(f"/pharmacy/batches/{stock['batch_id']}").status_code == 404
    assert owner.execute("SELECT status::text FROM ward_order").fetchone()["status"] == "requested"
