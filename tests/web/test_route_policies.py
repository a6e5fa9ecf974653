"""Every route declares who may use it; none slips past the guard."""

import pytest
from fastapi.routing import APIRoute

from hms.web.guard import GuardedRoute, all_routes, guarded_router, policy_of


def test_every_api_route_is_guarded_and_declares_a_policy(app):
    routes = [r for r in all_routes(app.routes) if isinstance(r, APIRoute)]
    assert routes, "the app has no routes"
    for route in routes:
        assert isinstance(route, GuardedRoute), f"{route.path} bypasses the guard"
        assert policy_of(route.endpoint) is not None, f"{route.path} declares no policy"


def test_a_route_without_a_declaration_cannot_be_registered():
    router = guarded_router()

    def undeclared() -> None:
        return None

    with pytest.raises(RuntimeError, match="declares no access policy"):
        router.add_api_route("/undeclared", undeclared)


def test_only_login_health_language_the_calendar_feed_activation_and_static_are_public(app):
    """The calendar feed is public because a calendar program fetches it with
    no session: its private token (checked, revocable and audited by the
    database) is the key, and it shows no patient. Activation is public
    because the person has no password yet: the one-time code (checked by the
    database, five wrong tries void it) is the key, and it shows nothing."""
    public = sorted(
        r.path
        for r in all_routes(app.routes)
        if isinstance(r, APIRoute) and policy_of(r.endpoint).kind == "public"
    )
    assert public == [
        "/activate",
        "/activate",
        "/calendar/feed.ics",
        "/healthz",
        "/language",
        "/login",
        "/login",
    ]


def test_pages_without_session_redirect_to_login(client):
    response = client.get("/patients", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/patients")


def test_api_without_session_answers_401_json(client):
    response = client.get("/api/patients?q=greta")
    assert response.status_code == 401
    assert response.json() == {"error": "login required"}
