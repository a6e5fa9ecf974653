"""Administrators manage staff accounts: create, edit, role and care units,
password reset, deactivation. Nobody else may."""

import re

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from hms.web.guard import all_routes
from tests.conftest import login

NEW_PASSWORD = "Fresh-start-42"


@pytest.fixture(autouse=True)
def english(client):
    """The messages below are the English msgids."""
    client.cookies.set("hms_lang", "en")


def new_staff(csrf: str, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": csrf,
        "username": "nora",
        "full_name": "Nora Nilsson",
        "email": "nora@example.se",
        "role": "nurse",
        "profession": "Registered nurse",
        "licence_number": "NUR-2002",
        "title": "Ward nurse",
        "phone": "018-611 00 00",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
    }
    form.update(changes)
    return form


def count_users(owner, username: str) -> int:
    return owner.execute("SELECT count(*) AS n FROM app_user WHERE username = %s", [username]).fetchone()["n"]


def sessions_of(owner, user_id: int) -> int:
    return owner.execute("SELECT count(*) AS n FROM user_session WHERE user_id = %s", [user_id]).fetchone()[
        "n"
    ]


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="e-{field}">([^<]*)</p>', html)
    assert match, f"no error beside {field}"
    return match.group(1)


# --- creating -------------------------------------------------------------


def test_admin_creates_a_staff_member_who_can_then_log_in(client, app, cast, owner):
    # given the administrator
    csrf = login(client, "adam")
    # when he creates Nora, a nurse on the medical ward
    response = client.post(
        "/admin/staff/new",
        data=new_staff(csrf, care_unit_ids=[str(cast.unit_med)]),
        follow_redirects=False,
    )
    # then he lands on her page with a notice
    assert response.status_code == 303
    user_id = int(re.fullmatch(r"/admin/staff/(\d+)\?notice=created", response.headers["location"]).group(1))
    page = client.get(response.headers["location"])
    assert "The staff account is created." in page.text
    assert "Nora Nilsson" in page.text and "NUR-2002" in page.text
    units = owner.execute("SELECT care_unit_id FROM staff_care_unit WHERE user_id = %s", [user_id]).fetchall()
    assert [u["care_unit_id"] for u in units] == [cast.unit_med]
    # and Nora can log in with the password he gave her
    with TestClient(app) as nora:
        login(nora, "nora", NEW_PASSWORD)
        assert "Nora Nilsson" in nora.get("/").text


def test_a_taken_username_is_refused_beside_the_field_with_the_typed_values_kept(client, cast, owner):
    # given Dr Alice already has the username "alice"
    csrf = login(client, "adam")
    # when the administrator creates another account called "Alice"
    response = client.post("/admin/staff/new", data=new_staff(csrf, username="Alice", licence_number="NUR-9"))
    # then the form comes back with the message beside the username
    assert response.status_code == 422
    assert field_error(response.text, "username") == "This username is taken."
    # and everything typed is still there, except the password
    assert 'value="Nora Nilsson"' in response.text
    assert 'value="Alice"' in response.text and 'value="NUR-9"' in response.text
    assert 'value="018-611 00 00"' in response.text
    assert NEW_PASSWORD not in response.text
    # and nothing was saved
    assert (
        owner.execute("SELECT count(*) AS n FROM app_user WHERE full_name = 'Nora Nilsson'").fetchone()["n"]
        == 0
    )


def test_a_weak_password_is_refused_and_nothing_is_saved(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post(
        "/admin/staff/new",
        data=new_staff(
            csrf, password="password", password_confirm="password", care_unit_ids=[str(cast.unit_surg)]
        ),
    )
    assert response.status_code == 422
    assert field_error(response.text, "password") == "Use at least 10 characters."
    assert 'value="nora"' in response.text
    # the chosen care unit is still ticked
    assert re.search(rf'value="{cast.unit_surg}" checked', response.text)
    assert 'value="password"' not in response.text
    assert count_users(owner, "nora") == 0


def test_passwords_that_differ_are_refused(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post("/admin/staff/new", data=new_staff(csrf, password_confirm="Fresh-start-43"))
    assert response.status_code == 422
    assert field_error(response.text, "password_confirm") == "The two passwords differ."
    assert count_users(owner, "nora") == 0


def test_a_licence_number_held_by_another_is_refused_and_no_half_account_is_left(client, cast, owner):
    # given Dr Alice holds licence DOC-1001
    csrf = login(client, "adam")
    # when a new account claims it (the user row would insert, the profile would not)
    response = client.post("/admin/staff/new", data=new_staff(csrf, licence_number="doc-1001"))
    # then the refusal sits beside the licence field
    assert response.status_code == 422
    assert field_error(response.text, "licence_number") == "Another staff member has this licence number."
    # and neither the account nor its profile was kept
    assert count_users(owner, "nora") == 0


def test_a_non_staff_role_is_not_offered_and_is_refused(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post("/admin/staff/new", data=new_staff(csrf, role="patient"))
    assert response.status_code == 422
    assert field_error(response.text, "role") == "Choose one of the options."
    assert count_users(owner, "nora") == 0


# --- listing --------------------------------------------------------------


def test_the_list_searches_by_name_or_username_and_filters_by_role(client, cast, owner):
    owner.execute(
        "UPDATE app_user SET locked_until = now() + interval '10 minutes' WHERE id = %s", [cast.bob]
    )
    login(client, "adam")
    everyone = client.get("/admin/staff").text
    assert "Dr Alice Andersson" in everyone and "Petra Pharm" in everyone
    assert "Greta Gustafsson" not in everyone  # patients are not staff
    by_name = client.get("/admin/staff", params={"q": "andersson"}).text
    assert "Dr Alice Andersson" in by_name and "Dr Charlie Carlsson" not in by_name
    by_username = client.get("/admin/staff", params={"q": "charl"}).text
    assert "Dr Charlie Carlsson" in by_username and "Dr Alice Andersson" not in by_username
    nurses = client.get("/admin/staff", params={"role": "nurse"}).text
    assert "Bob Berg" in nurses and "Dr Alice Andersson" not in nurses
    assert "Locked" in nurses


def test_an_unknown_role_filter_shows_everyone_instead_of_failing(client, cast):
    login(client, "adam")
    response = client.get("/admin/staff", params={"role": "wizard", "q": "50%"})
    assert response.status_code == 200


def test_the_staff_page_shows_a_locked_account_and_its_failed_logins(client, cast, owner):
    owner.execute(
        "UPDATE app_user SET failed_login_count = 5, locked_until = now() + interval '10 minutes' WHERE id = %s",
        [cast.bob],
    )
    login(client, "adam")
    page = client.get(f"/admin/staff/{cast.bob}").text
    assert "Locked" in page
    assert '<dd id="failed-logins">5</dd>' in page


def test_a_patient_account_has_no_staff_page(client, cast):
    login(client, "adam")
    assert client.get(f"/admin/staff/{cast.greta}").status_code == 404
    assert client.get("/admin/staff/999999").status_code == 404


# --- editing, role and care units -----------------------------------------


def test_admin_edits_a_staff_members_details(client, cast, owner):
    csrf = login(client, "adam")
    form = client.get(f"/admin/staff/{cast.bob}/edit").text
    assert 'value="Bob Berg"' in form and f'value="{cast.unit_med}" checked' in form
    response = client.post(
        f"/admin/staff/{cast.bob}/edit",
        data=new_staff(
            csrf,
            username="bob.berg",
            full_name="Bob Berg-Lind",
            role="nurse",
            licence_number="NUR-2001",
            care_unit_ids=[str(cast.unit_surg)],
        ),
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/staff/{cast.bob}?notice=saved"
    row = owner.execute(
        "SELECT u.username, u.full_name, sp.title FROM app_user u JOIN staff_profile sp ON sp.user_id = u.id "
        "WHERE u.id = %s",
        [cast.bob],
    ).fetchone()
    assert row == {"username": "bob.berg", "full_name": "Bob Berg-Lind", "title": "Ward nurse"}
    units = owner.execute(
        "SELECT care_unit_id FROM staff_care_unit WHERE user_id = %s", [cast.bob]
    ).fetchall()
    assert [u["care_unit_id"] for u in units] == [cast.unit_surg]


def test_an_edit_with_errors_keeps_what_was_typed_and_changes_nothing(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post(
        f"/admin/staff/{cast.bob}/edit",
        data=new_staff(
            csrf,
            username="bob",
            full_name="Bob Renamed",
            licence_number="DOC-1001",
            care_unit_ids=[str(cast.unit_surg)],
        ),
    )
    assert response.status_code == 422
    assert field_error(response.text, "licence_number") == "Another staff member has this licence number."
    assert 'value="Bob Renamed"' in response.text
    assert (
        owner.execute("SELECT full_name FROM app_user WHERE id = %s", [cast.bob]).fetchone()["full_name"]
        == "Bob Berg"
    )
    units = owner.execute(
        "SELECT care_unit_id FROM staff_care_unit WHERE user_id = %s", [cast.bob]
    ).fetchall()
    assert [u["care_unit_id"] for u in units] == [cast.unit_med]


def test_admin_sets_role_and_care_units(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post(
        f"/admin/staff/{cast.rita}/role",
        data={
            "csrf_token": csrf,
            "role": "administrator",
            "care_unit_ids": [str(cast.unit_med), str(cast.unit_surg)],
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert (
        owner.execute("SELECT role::text FROM staff_profile WHERE user_id = %s", [cast.rita]).fetchone()[
            "role"
        ]
        == "administrator"
    )
    units = owner.execute(
        "SELECT care_unit_id FROM staff_care_unit WHERE user_id = %s ORDER BY 1", [cast.rita]
    ).fetchall()
    assert [u["care_unit_id"] for u in units] == sorted([cast.unit_med, cast.unit_surg])


def test_an_unknown_care_unit_is_refused_and_the_old_placement_kept(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post(
        f"/admin/staff/{cast.rita}/role",
        data={"csrf_token": csrf, "role": "receptionist", "care_unit_ids": ["999999"]},
    )
    assert response.status_code == 422
    assert field_error(response.text, "care_unit_ids") == "Choose care units from the list."
    units = owner.execute(
        "SELECT care_unit_id FROM staff_care_unit WHERE user_id = %s", [cast.rita]
    ).fetchall()
    assert [u["care_unit_id"] for u in units] == [cast.unit_med]


def test_an_administrator_cannot_take_the_administrator_role_from_himself(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post(f"/admin/staff/{cast.adam}/role", data={"csrf_token": csrf, "role": "nurse"})
    assert response.status_code == 422
    assert (
        field_error(response.text, "role") == "You cannot take the administrator role from your own account."
    )
    assert (
        owner.execute("SELECT role::text FROM app_user WHERE id = %s", [cast.adam]).fetchone()["role"]
        == "administrator"
    )


# --- deactivation and passwords -------------------------------------------


def test_a_deactivated_user_cannot_log_in_and_their_sessions_end(client, app, cast, owner):
    # given Nurse Bob is logged in
    with TestClient(app) as bob:
        login(bob, "bob")
        assert sessions_of(owner, cast.bob) == 1
        # when the administrator deactivates him
        csrf = login(client, "adam")
        response = client.post(
            f"/admin/staff/{cast.bob}/deactivate", data={"csrf_token": csrf}, follow_redirects=False
        )
        assert response.status_code == 303
        # then his open session is gone: his next click goes to the login page
        assert sessions_of(owner, cast.bob) == 0
        assert bob.get("/", follow_redirects=False).headers["location"].startswith("/login")
        # and he cannot log in again
        page = bob.get("/login")
        csrf_bob = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        refused = bob.post(
            "/login", data={"username": "bob", "password": "Correct-horse-1", "csrf_token": csrf_bob}
        )
        assert refused.status_code == 401
    assert "Inactive" in client.get(f"/admin/staff/{cast.bob}").text


def test_a_reactivated_user_can_log_in_again(client, app, cast, owner):
    owner.execute("UPDATE app_user SET is_active = false WHERE id = %s", [cast.bob])
    csrf = login(client, "adam")
    response = client.post(
        f"/admin/staff/{cast.bob}/reactivate", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    with TestClient(app) as bob:
        login(bob, "bob")


def test_an_administrator_cannot_deactivate_his_own_account(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post(f"/admin/staff/{cast.adam}/deactivate", data={"csrf_token": csrf})
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.text
    assert owner.execute("SELECT is_active FROM app_user WHERE id = %s", [cast.adam]).fetchone()["is_active"]


def test_a_password_reset_unlocks_a_locked_account_and_ends_its_sessions(client, app, cast, owner):
    # given Bob has a session, then gets locked out after failed logins
    with TestClient(app) as old_browser:
        login(old_browser, "bob")
        owner.execute(
            "UPDATE app_user SET failed_login_count = 5, locked_until = now() + interval '15 minutes' "
            "WHERE id = %s",
            [cast.bob],
        )
        # when the administrator sets a new password
        csrf = login(client, "adam")
        response = client.post(
            f"/admin/staff/{cast.bob}/password",
            data={"csrf_token": csrf, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 303
        # then the old session has ended
        assert old_browser.get("/", follow_redirects=False).status_code == 303
    # and the account is unlocked and opens with the new password
    row = owner.execute(
        "SELECT failed_login_count, locked_until FROM app_user WHERE id = %s", [cast.bob]
    ).fetchone()
    assert row == {"failed_login_count": 0, "locked_until": None}
    with TestClient(app) as bob:
        login(bob, "bob", NEW_PASSWORD)
    assert "Locked" not in client.get(f"/admin/staff/{cast.bob}").text


def test_a_weak_reset_password_is_refused_and_the_old_one_still_works(client, app, cast):
    csrf = login(client, "adam")
    response = client.post(
        f"/admin/staff/{cast.bob}/password",
        data={"csrf_token": csrf, "password": "alllowercase1", "password_confirm": "alllowercase1"},
    )
    assert response.status_code == 422
    assert (
        field_error(response.text, "password") == "Mix upper and lower case letters with digits or symbols."
    )
    assert "alllowercase1" not in response.text
    with TestClient(app) as bob:
        login(bob, "bob")


# --- nobody else ----------------------------------------------------------


def staff_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in all_routes(app.routes)
        if isinstance(route, APIRoute) and route.path.startswith("/admin/staff")
        for method in route.methods
    )


def test_every_staff_route_is_declared_for_administrators_only(app):
    from hms.core.roles import Permission
    from hms.web.guard import policy_of

    for route in all_routes(app.routes):
        if isinstance(route, APIRoute) and route.path.startswith("/admin/staff"):
            assert policy_of(route.endpoint).permission is Permission.STAFF_MANAGE, route.path


@pytest.mark.parametrize("username", ["rita", "alice", "greta"])
def test_anyone_but_an_administrator_is_refused_every_staff_page_and_change(
    client, app, cast, owner, username
):
    csrf = login(client, username)
    before = owner.execute(
        "SELECT count(*) AS users, count(*) FILTER (WHERE is_active) AS active FROM app_user"
    ).fetchone()
    routes = staff_routes(app)
    assert len([r for r in routes if r[0] == "POST"]) >= 6
    for method, path in routes:
        url = path.replace("{user_id}", str(cast.bob))
        data = (
            new_staff(csrf, role="administrator", care_unit_ids=[str(cast.unit_med)])
            if method == "POST"
            else None
        )
        response = client.request(method, url, data=data, follow_redirects=False)
        assert response.status_code == 403, f"{username} {method} {url}: {response.status_code}"
    after = owner.execute(
        "SELECT count(*) AS users, count(*) FILTER (WHERE is_active) AS active FROM app_user"
    ).fetchone()
    assert after == before
    assert (
        owner.execute("SELECT role::text FROM app_user WHERE id = %s", [cast.bob]).fetchone()["role"]
        == "nurse"
    )
