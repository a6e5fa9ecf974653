"""Only administrators review the audit log: everyone else gets 403 on every
audit route, and so does a plain SQL read by the app's role without the role."""

import pytest

from tests.conftest import login

OTHERS = ["alice", "bob", "charlie", "rita", "petra", "erik", "greta", "sven"]


@pytest.mark.parametrize("username", OTHERS)
def test_non_administrators_are_refused_every_audit_route(client, cast, username):
    csrf = login(client, username)
    for path in ("/admin/audit", "/admin/audit/emergency", "/admin/audit/reports"):
        assert client.get(path).status_code == 403, path
    response = client.post("/admin/audit/emergency/1", data={"review": "justified", "csrf_token": csrf})
    assert response.status_code == 403


def test_every_audit_route_requires_the_audit_permission(app):
    from hms.core.roles import Permission
    from hms.web.guard import all_routes

    routes = [r for r in all_routes(app.routes) if getattr(r, "path", "").startswith("/admin/audit")]
    assert len(routes) >= 4
    assert all(r.policy.permission == Permission.AUDIT_REVIEW for r in routes)


def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    response = client.get("/admin/audit", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
