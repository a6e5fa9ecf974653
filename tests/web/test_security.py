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
