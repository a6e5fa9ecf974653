"""Reception gives a patient or a relative a portal login with a one-time
activation code, shown once; the person activates it at /activate with their
own password. Bad input: a clear message, nothing saved, what was typed kept
(passwords aside)."""

import re

import pytest

from tests.conftest import csrf_of, login

NEW_PASSWORD = "Fresh-start-42"
CODE = re.compile(r'id="activation-code">([0-9A-Z-]+)<')


@pytest.fixture(autouse=True)
def english(client):
    """The messages below are the English msgids."""
    client.cookies.set("hms_lang", "en")


@pytest.fixture()
def patient(owner) -> int:
    return owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('195001012391', 'Olle', 'Olsson', '1950-01-01', 'male') RETURNING id"
    ).fetchone()["id"]


def create(client, csrf: str, patient_id: int, username: str = "olle"):
    return client.post(
        f"/patients/{patient_id}/portal-account",
        data={"csrf_token": csrf, "username": username, "locale": "sv"},
        follow_redirects=False,
    )


def activation(client, username: str, code: str, password: str = NEW_PASSWORD, again: str | None = None):
    page = client.get("/activate")
    return client.post(
        "/activate",
        data={
            "csrf_token": csrf_of(page.text),
            "username": username,
            "code": code,
            "password": password,
            "password_confirm": password if again is None else again,
        },
        follow_redirects=False,
    )


def log_out(client) -> None:
    """A fresh browser: no session, English pages."""
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")


def accounts_named(owner, username: str) -> int:
    return owner.execute("SELECT count(*) AS n FROM app_user WHERE username = %s", [username]).fetchone()["n"]


def test_reception_creates_a_patients_account_and_sees_the_code_once(client, cast, owner, patient):
    csrf = login(client, "rita")
    assert f"/patients/{patient}/portal-account" in client.get(f"/patients/{patient}").text
    form = client.get(f"/patients/{patient}/portal-account")
    assert form.status_code == 200 and "Create portal account" in form.text
    response = create(client, csrf, patient)
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    code = CODE.search(response.text).group(1)
    assert "72 hours" in response.text and "olle" in response.text
    again = client.get(f"/patients/{patient}/portal-account")
    assert code not in again.text and "Waiting for activation" in again.text


def test_a_nurse_cannot_create_portal_accounts(client, cast, patient):
    csrf = login(client, "bob")
    assert client.get(f"/patients/{patient}/portal-account").status_code == 403
    assert create(client, csrf, patient).status_code == 403
    assert f"/patients/{patient}/portal-account" not in client.get(f"/patients/{patient}").text


def test_a_bad_or_taken_username_is_refused_and_kept(client, cast, owner, patient):
    csrf = login(client, "rita")
    bad = create(client, csrf, patient, "Olle Olsson!")
    assert bad.status_code == 422 and 'value="Olle Olsson!"' in bad.text
    assert "lower-case letters" in bad.text
    taken = create(client, csrf, patient, "greta")
    assert taken.status_code == 422 and "This username is taken." in taken.text
    assert (
        owner.execute("SELECT count(*) AS n FROM patient_user WHERE patient_id = %s", [patient]).fetchone()[
            "n"
        ]
        == 0
    )


def test_the_patient_activates_and_logs_in(client, cast, owner, patient):
    csrf = login(client, "rita")
    code = CODE.search(create(client, csrf, patient).text).group(1)
    log_out(client)
    done = activation(client, "olle", code.lower())
    assert done.status_code == 303 and done.headers["location"] == "/login?activated=1"
    assert "Your account is activated" in client.get("/login?activated=1").text
    login(client, "olle", NEW_PASSWORD)
    assert "Olle" in client.get("/my").text


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short", None, "Use at least 10 characters."),
        ("alllowercase123", None, "Mix upper and lower case"),
        (NEW_PASSWORD, "Something-else-9", "The two passwords differ."),
    ],
)
def test_a_weak_or_mistyped_password_saves_nothing(client, cast, owner, patient, password, again, message):
    csrf = login(client, "rita")
    code = CODE.search(create(client, csrf, patient).text).group(1)
    log_out(client)
    answer = activation(client, "olle", code, password, again)
    assert answer.status_code == 422 and message in answer.text
    assert 'value="olle"' in answer.text and f'value="{code}"' in answer.text
    assert password not in answer.text
    assert not owner.execute("SELECT is_active FROM app_user WHERE username = 'olle'").fetchone()["is_active"]
    # the code still works after a refused password
    assert activation(client, "olle", code).status_code == 303


def test_a_wrong_expired_or_used_code_gets_one_clear_message(client, cast, owner, patient):
    csrf = login(client, "rita")
    code = CODE.search(create(client, csrf, patient).text).group(1)
    log_out(client)
    wrong = activation(client, "olle", "AAAA-BBBB-CCCC")
    assert wrong.status_code == 422 and "Ask reception for a new code." in wrong.text
    assert 'value="olle"' in wrong.text and NEW_PASSWORD not in wrong.text
    unknown = activation(client, "nobody", code)
    assert unknown.status_code == 422 and "Ask reception for a new code." in unknown.text
    assert activation(client, "olle", code).status_code == 303
    used = activation(client, "olle", code, "Another-one-77")
    assert used.status_code == 422 and "Ask reception for a new code." in used.text


def test_the_wrong_tries_are_counted_even_though_the_page_refuses(client, cast, owner, patient):
    csrf = login(client, "rita")
    code = CODE.search(create(client, csrf, patient).text).group(1)
    log_out(client)
    for _ in range(5):
        assert activation(client, "olle", "0000-0000-0000").status_code == 422
    assert activation(client, "olle", code).status_code == 422


def test_reception_issues_a_new_code_and_the_old_one_stops_working(client, cast, owner, patient):
    csrf = login(client, "rita")
    old = CODE.search(create(client, csrf, patient).text).group(1)
    user_id = owner.execute("SELECT id FROM app_user WHERE username = 'olle'").fetchone()["id"]
    again = client.post(f"/portal-accounts/{user_id}/code", data={"csrf_token": csrf})
    new = CODE.search(again.text).group(1)
    assert new != old
    log_out(client)
    assert activation(client, "olle", old).status_code == 422
    assert activation(client, "olle", new).status_code == 303


def test_no_code_for_a_staff_account(client, cast):
    csrf = login(client, "rita")
    assert client.post(f"/portal-accounts/{cast.alice}/code", data={"csrf_token": csrf}).status_code == 404


def test_reception_creates_a_relatives_account_linked_to_no_patient(client, cast, owner):
    csrf = login(client, "rita")
    assert client.get("/portal-accounts/relatives/new").status_code == 200
    bad = client.post(
        "/portal-accounts/relatives/new",
        data={"csrf_token": csrf, "username": "olga", "full_name": "", "email": "nope"},
    )
    assert bad.status_code == 422 and 'value="olga"' in bad.text and accounts_named(owner, "olga") == 0
    made = client.post(
        "/portal-accounts/relatives/new",
        data={
            "csrf_token": csrf,
            "username": "olga",
            "full_name": "Olga Olsson",
            "email": "",
            "locale": "en",
        },
    )
    assert made.status_code == 200 and CODE.search(made.text)
    olga = owner.execute("SELECT id, role, is_active FROM app_user WHERE username = 'olga'").fetchone()
    assert olga["role"] == "relative" and not olga["is_active"]
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM proxy_grant WHERE relative_user_id = %s", [olga["id"]]
        ).fetchone()["n"]
        == 0
    )
