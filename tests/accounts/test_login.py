"""Logging in and out: failures all look alike, repeated failures lock the
account, sessions end at logout or after 15 idle minutes, and a login link
never sends anyone to another site."""

import hashlib
import re

import pytest

from tests.conftest import PASSWORD, csrf_of, login

LOGIN_FAILED = "The username or password is wrong, or the account is locked or inactive."
IDLE_NOTICE = "You were logged out after 15 minutes without activity."


@pytest.fixture()
def client(client):
    """The test client, reading the pages in English (the catalogue's msgids)."""
    client.cookies.set("hms_lang", "en")
    return client


def attempt(client, username: str, password: str, **extra: str):
    """One login attempt through the form, without following the redirect."""
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, **extra},
        follow_redirects=False,
    )


def error_of(html: str) -> str | None:
    match = re.search(r'<p class="form-errors" role="alert">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else None


def account(owner, username: str) -> dict:
    return owner.execute(
        "SELECT failed_login_count, locked_until > now() AS locked FROM app_user WHERE username = %s",
        [username],
    ).fetchone()


# --- failures look alike -----------------------------------------------------------


def test_the_right_password_logs_in_and_lands_on_the_home_page(client, cast):
    response = attempt(client, "rita", PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client, cast):
    wrong_password = attempt(client, "rita", "not-her-password")
    unknown_user = attempt(client, "nobody", "not-her-password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert error_of(wrong_password.text) == error_of(unknown_user.text) == LOGIN_FAILED
    assert "hms_session" not in client.cookies


def test_a_failed_login_keeps_the_username_but_never_echoes_the_password(client, cast):
    response = attempt(client, "rita", "Secret-typo-1")
    assert 'value="rita"' in response.text
    assert "Secret-typo-1" not in response.text


def test_usernames_are_matched_ignoring_case(client, cast):
    assert attempt(client, "RITA", PASSWORD).status_code == 303


# --- lockout -----------------------------------------------------------------------------


def test_five_failures_lock_the_account_and_then_even_the_right_password_is_refused(
    client, cast, owner, settings
):
    assert settings.max_failed_logins == 5
    for _ in range(settings.max_failed_logins - 1):
        assert attempt(client, "rita", "guess").status_code == 401
    assert account(owner, "rita") == {"failed_login_count": 4, "locked": None}

    last_guess = attempt(client, "rita", "guess")
    assert account(owner, "rita")["locked"] is True

    right_password = attempt(client, "rita", PASSWORD)
    assert right_password.status_code == last_guess.status_code == 401
    assert error_of(right_password.text) == LOGIN_FAILED
    assert "hms_session" not in client.cookies


def test_a_locked_account_answers_exactly_like_an_unknown_user(client, cast, owner):
    owner.execute("UPDATE app_user SET locked_until = now() + interval '15 minutes' WHERE username = 'rita'")
    locked = attempt(client, "rita", PASSWORD)
    unknown = attempt(client, "nobody", PASSWORD)
    assert (locked.status_code, error_of(locked.text)) == (unknown.status_code, error_of(unknown.text))


def test_a_lockout_concerns_only_that_account(client, cast, owner):
    owner.execute("UPDATE app_user SET locked_until = now() + interval '15 minutes' WHERE username = 'rita'")
    assert attempt(client, "bob", PASSWORD).status_code == 303


def test_after_the_lockout_the_right_password_works_and_clears_the_count(client, cast, owner):
    owner.execute(
        "UPDATE app_user SET failed_login_count = 5, locked_until = now() - interval '1 second' "
        "WHERE username = 'rita'"
    )
    assert attempt(client, "rita", PASSWORD).status_code == 303
    assert account(owner, "rita") == {"failed_login_count": 0, "locked": None}


# --- deactivated accounts --------------------------------------------------------------


def test_a_deactivated_user_cannot_log_in(client, cast, owner):
    owner.execute("UPDATE app_user SET is_active = false WHERE username = 'rita'")
    response = attempt(client, "rita", PASSWORD)
    assert response.status_code == 401
    assert error_of(response.text) == LOGIN_FAILED


def test_a_deactivated_users_open_session_stops_working(client, cast, owner):
    login(client, "rita")
    owner.execute("UPDATE app_user SET is_active = false WHERE username = 'rita'")
    response = client.get("/patients", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


# --- sessions ------------------------------------------------------------------------------


def test_logout_ends_the_session_and_the_old_cookie_no_longer_works(client, cast, owner):
    csrf = login(client, "rita")
    old_cookie = client.cookies["hms_session"]

    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert owner.execute("SELECT count(*) AS n FROM user_session").fetchone()["n"] == 0

    client.cookies.set("hms_session", old_cookie)
    again = client.get("/patients", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/login?next=/patients"


def test_logout_needs_the_csrf_token(client, cast, owner):
    login(client, "rita")
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert owner.execute("SELECT count(*) AS n FROM user_session").fetchone()["n"] == 1


def test_after_15_idle_minutes_the_next_request_goes_to_the_login_page(client, cast, owner):
    login(client, "rita")
    owner.execute("UPDATE user_session SET last_seen_at = now() - interval '16 minutes'")

    response = client.get("/patients", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/patients&idle=1"

    page = client.get(response.headers["location"])
    assert IDLE_NOTICE in page.text
    assert 'name="next" value="/patients"' in page.text


def test_a_session_active_within_15_minutes_stays_open(client, cast, owner):
    login(client, "rita")
    owner.execute("UPDATE user_session SET last_seen_at = now() - interval '14 minutes'")
    assert client.get("/patients", follow_redirects=False).status_code == 200
    touched = owner.execute("SELECT last_seen_at > now() - interval '1 minute' AS fresh FROM user_session")
    assert touched.fetchone()["fresh"]


def test_only_the_sha256_of_the_session_token_is_stored(client, cast, owner):
    login(client, "rita")
    token = client.cookies["hms_session"]
    rows = owner.execute("SELECT token_hash, csrf_token, user_agent FROM user_session").fetchall()
    assert len(rows) == 1
    assert bytes(rows[0]["token_hash"]) == hashlib.sha256(token.encode()).digest()
    stored = " ".join(str(v) for v in rows[0].values()) + bytes(rows[0]["token_hash"]).hex()
    assert token not in stored
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM user_session WHERE token_hash = sha256(convert_to(%s, 'UTF8'))",
            [token],
        ).fetchone()["n"]
        == 1
    )


def test_each_login_gets_a_new_session_token(client, cast):
    login(client, "rita")
    first = client.cookies["hms_session"]
    client.cookies.delete("hms_session")
    login(client, "rita")
    assert client.cookies["hms_session"] != first


# --- where a login leads -------------------------------------------------------------------


def test_after_login_the_user_goes_where_they_were_headed(client, cast):
    response = attempt(client, "rita", PASSWORD, next="/patients")
    assert response.headers["location"] == "/patients"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/login",
        "https://evil.example",
        "http://evil.example/patients",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_a_next_link_to_another_site_is_not_followed(client, cast, target):
    form = client.get("/login", params={"next": target})
    assert 'name="next" value="/"' in form.text

    response = attempt(client, "rita", PASSWORD, next=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"

    already_in = client.get("/login", params={"next": target}, follow_redirects=False)
    assert already_in.headers["location"] == "/"


def test_a_backslash_does_not_turn_a_local_next_into_another_site(client, cast):
    # Browsers read "/\evil.example" as "//evil.example"; the redirect must not.
    response = attempt(client, "rita", PASSWORD, next="/\\evil.example")
    location = response.headers["location"]
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
