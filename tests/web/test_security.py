"""Security headers, CSRF, error pages and the health check."""

from tests.conftest import login


def test_every_page_carries_security_headers(client):
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, cast):
    login(client, "rita")
    cookie = next(c for c in client.cookies.jar if c.name == "hms_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.get_nonstandard_attr("SameSite").lower() == "lax"


def test_a_form_without_the_csrf_token_is_refused_and_saves_nothing(client, cast, owner):
    login(client, "rita")
    response = client.post(
        "/patients/new",
        data={"personal_number": "19850709-9805", "given_name": "Åsa", "family_name": "Ek", "sex": "female"},
    )
    assert response.status_code == 403
    assert owner.execute("SELECT count(*) AS n FROM patient WHERE family_name = 'Ek'").fetchone()["n"] == 0


def test_login_form_is_csrf_protected_too(client, cast):
    response = client.post("/login", data={"username": "rita", "password": "x", "csrf_token": "forged"})
    assert response.status_code == 403


def test_unknown_url_gets_a_404_page_that_reveals_nothing(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Traceback" not in response.text and "psycopg" not in response.text


def test_forbidden_page_is_403(client, cast):
    login(client, "greta")
    response = client.get("/patients/new")
    assert response.status_code == 403


def test_healthz_reports_database_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["state"] == "ok"
    assert body["database"]["migrated"] is True


def _login_from(app, peer: str, forwarded: str, owner) -> str | None:
    """Log rita in through a connection from ``peer`` that says it forwards
    ``forwarded``; the address her new session was given."""
    from starlette.testclient import TestClient

    with TestClient(app, client=(peer, 50000), headers={"X-Forwarded-For": forwarded}) as c:
        login(c, "rita")
    row = owner.execute(
        "SELECT host(s.client_addr) AS addr FROM user_session AS s JOIN app_user AS u ON u.id = s.user_id"
        " WHERE u.username = 'rita' ORDER BY s.created_at DESC LIMIT 1"
    ).fetchone()
    return row["addr"] if row else None


def test_behind_a_trusted_balancer_the_session_keeps_the_clients_address(settings, database, cast, owner):
    from hms.app import create_app

    app = create_app(
        settings.model_copy(update={"trusted_proxies": "10.0.0.1, 10.9.0.0/16"}), database=database
    )
    assert _login_from(app, "10.0.0.1", "203.0.113.7", owner) == "203.0.113.7"
    assert _login_from(app, "10.9.4.2", "198.51.100.9", owner) == "198.51.100.9"


def test_a_forwarded_address_from_anyone_else_is_not_believed(settings, database, cast, owner):
    from hms.app import create_app

    trusting = create_app(settings.model_copy(update={"trusted_proxies": "10.0.0.1"}), database=database)
    assert _login_from(trusting, "192.0.2.50", "203.0.113.7", owner) == "192.0.2.50"
    default = create_app(settings, database=database)
    assert _login_from(default, "192.0.2.51", "203.0.113.7", owner) == "192.0.2.51"
