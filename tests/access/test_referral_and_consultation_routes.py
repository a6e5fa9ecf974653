"""Every referral and consultation route that names one, for every role of
the cast (the IDOR sweep of these ids): the route's permission decides first
(403 without it); then only the parties reach it (the referral's sender and
its receiving unit's doctors; the consultation's requester and specialist),
everyone else gets 404 as if it did not exist, audited under them, and no
page shows a non-party Greta's name. The routes are read from the registry,
so a new one is swept the day it is registered."""

import re

import pytest
from fastapi.routing import APIRoute

from hms.core.roles import has_permission
from hms.web.guard import all_routes, policy_of
from tests.access.test_route_matrix import ROLES

QUESTION = "Gallstones with recurring pain: is a cholecystectomy advisable?"
PREFIXES = ("/referrals", "/consultations")

# Who is a party to what: the referral goes from Alice (medical ward) to the
# surgical ward (Charlie); the consultation from Alice to Erik. Routes only
# the sender or the requester use (the withdrawal) are theirs alone.
PARTIES = {
    "referral_id": {"alice", "charlie"},
    "consultation_id": {"alice", "erik"},
}
SENDER_ONLY = {
    "/referrals/{referral_id}/withdraw": {"alice"},
    "/consultations/{consultation_id}/withdraw": {"alice"},
}


@pytest.fixture()
def ids(world, acting_as) -> dict[str, int]:
    cast = world.cast
    alice = acting_as(cast.alice)
    referral = alice.execute(
        "SELECT referral_send(%s, %s, %s, 'routine', %s, '{}') AS id",
        [cast.greta_patient, cast.unit_med, cast.unit_surg, QUESTION],
    ).fetchone()["id"]
    consultation = alice.execute(
        "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts) "
        "VALUES (%s, %s, %s, %s, %s, '{summary}') RETURNING id",
        [cast.greta_patient, cast.unit_med, cast.alice, cast.erik, QUESTION],
    ).fetchone()["id"]
    return {"referral_id": referral, "consultation_id": consultation}


def routes(app, method: str) -> list[APIRoute]:
    return [
        r
        for r in all_routes(app.routes)
        if isinstance(r, APIRoute) and r.path.startswith(PREFIXES) and method in r.methods and "{" in r.path
    ]


def expected(route: APIRoute, username: str) -> set[int]:
    policy = policy_of(route.endpoint)
    if policy.permission is not None and not has_permission(ROLES[username], policy.permission):
        return {403}
    name = re.findall(r"{(\w+)}", route.path)[0]
    parties = SENDER_ONLY.get(route.path, PARTIES[name])
    if username in parties:
        return set(range(200, 400))
    if username in PARTIES[name]:
        return {404}  # a party, but not to this step
    # not a party: the consultation pages refuse roles that take no part in any (403)
    if name == "consultation_id" and ROLES[username].value not in ("doctor", "external_specialist"):
        return {403}
    return {404}


def test_the_registry_has_the_routes_to_sweep(app):
    paths = {r.path for r in routes(app, "GET")}
    assert {
        "/referrals/{referral_id}",
        "/referrals/{referral_id}/withdraw",
        "/consultations/{consultation_id}",
        "/consultations/{consultation_id}/withdraw",
    } <= paths


def test_every_get_route_answers_each_role_as_its_permission_and_the_parties_say(
    app, world, browser, ids, owner
):
    wrong = []
    for username in ROLES:
        who = browser(username)
        for route in routes(app, "GET"):
            url = route.path.format(**ids)
            before = owner.execute("SELECT coalesce(max(id), 0) AS n FROM audit_log").fetchone()["n"]
            response = who.get(url)
            allowed = expected(route, username)
            if response.status_code not in allowed:
                wrong.append(f"{username} GET {url}: {response.status_code}, expected {sorted(allowed)[:3]}")
            if username != "greta" and response.status_code >= 400 and world.greta.shown_in(response.text):
                wrong.append(f"{username} GET {url}: a refusal shows Greta")
            if (
                response.status_code == 404
                and not owner.execute(
                    "SELECT 1 FROM audit_log WHERE id > %s AND outcome = 'refused' AND user_id = %s",
                    [before, world.cast.ids[username]],
                ).fetchone()
            ):
                wrong.append(f"{username} GET {url}: 404 not audited")
    assert wrong == []


def test_every_post_route_refuses_those_without_its_permission_and_non_parties(
    app, world, browser, ids, owner
):
    snapshot = "SELECT (SELECT array_agg(status::text) FROM referral) AS r, (SELECT array_agg(status::text) FROM consultation) AS c"
    before = owner.execute(snapshot).fetchone()
    wrong = []
    for username in ROLES:
        who = browser(username)
        for route in routes(app, "POST"):
            name = re.findall(r"{(\w+)}", route.path)[0]
            if username in PARTIES[name]:
                continue
            url = route.path.format(**ids)
            status = who.post(url, data={"reason": "Trying it on.", "answer": "Yes."}).status_code
            if status not in (403, 404):
                wrong.append(f"{username} POST {url}: {status}")
    assert wrong == []
    assert owner.execute(snapshot).fetchone() == before


def test_the_referral_form_under_the_patient_is_in_the_route_matrix(app):
    from tests.access.test_route_matrix import area_of, patient_get_routes

    paths = {r.path for r in patient_get_routes(app)}
    assert "/patients/{patient_id}/referrals/new" in paths
    assert area_of("/patients/{patient_id}/referrals/new") == "clinical"
