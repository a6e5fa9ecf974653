"""The organisation: every member of staff reads the tree; administrators add
departments, care units, wards, rooms and beds, and deactivate or reactivate
units, wards and beds. Nothing is ever deleted."""

import re

import pytest
from fastapi.routing import APIRoute

from hms.core.roles import Permission
from hms.web.guard import all_routes, policy_of
from tests.conftest import login


@pytest.fixture(autouse=True)
def english(client):
    """The messages below are the English msgids."""
    client.cookies.set("hms_lang", "en")


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="e-{field}">([^<]*)</p>', html)
    assert match, f"no error beside {field}"
    return match.group(1)


def created_id(response, kind: str) -> int:
    assert response.status_code == 303, response.text
    return int(re.search(rf"#{kind}-(\d+)$", response.headers["location"]).group(1))


def count(owner, table: str) -> int:
    return owner.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def test_the_tree_shows_every_level_with_its_counts(client, cast):
    # given the cast's hospital: Internal medicine > Medical ward 1 > Ward 12 > room 1 > beds A, B
    login(client, "adam")
    page = client.get("/admin/organization").text
    medicine = page[page.index('id="department-') : page.index("Surgery")]
    assert "Internal medicine" in medicine and "Medical ward 1" in medicine and "Ward 12" in medicine
    assert "1 care unit" in medicine and "1 ward" in medicine and "2 beds" in medicine
    assert "2 of 2 beds in use" in page
    assert f'id="bed-{cast.bed_a}"' in page and f'id="bed-{cast.bed_b}"' in page


def test_admin_builds_a_department_down_to_a_bed(client, cast, owner):
    csrf = login(client, "adam")
    # a department (codes are taken in capitals)
    department = created_id(
        client.post(
            "/admin/organization/departments/new",
            data={"csrf_token": csrf, "code": "card", "name": "Cardiology"},
            follow_redirects=False,
        ),
        "department",
    )
    # a care unit in it
    assert (
        f'value="{department}" selected'
        in client.get(f"/admin/organization/care-units/new?department_id={department}").text
    )
    unit = created_id(
        client.post(
            "/admin/organization/care-units/new",
            data={
                "csrf_token": csrf,
                "department_id": department,
                "code": "CARD-W1",
                "name": "Cardiology ward",
                "kind": "inpatient",
            },
            follow_redirects=False,
        ),
        "care-unit",
    )
    # a ward, a room and a bed
    ward = created_id(
        client.post(
            "/admin/organization/wards/new",
            data={"csrf_token": csrf, "care_unit_id": unit, "name": "Ward 30"},
            follow_redirects=False,
        ),
        "ward",
    )
    room = created_id(
        client.post(
            "/admin/organization/rooms/new",
            data={"csrf_token": csrf, "ward_id": ward, "name": "3"},
            follow_redirects=False,
        ),
        "room",
    )
    response = client.post(
        "/admin/organization/beds/new",
        data={"csrf_token": csrf, "room_id": room, "label": "A"},
        follow_redirects=False,
    )
    bed = created_id(response, "bed")
    # then the tree shows them, with a notice
    page = client.get(response.headers["location"]).text
    assert "The bed is created." in page
    assert "CARD" in page and "CARD-W1" in page and "Ward 30" in page and f'id="bed-{bed}"' in page
    row = owner.execute(
        "SELECT d.code, cu.kind::text FROM care_unit cu JOIN department d ON d.id = cu.department_id "
        "WHERE cu.id = %s",
        [unit],
    ).fetchone()
    assert row == {"code": "CARD", "kind": "inpatient"}


def test_a_care_unit_code_in_use_is_refused_beside_the_field_and_nothing_is_saved(client, cast, owner):
    # given the cast's care unit MED
    csrf = login(client, "adam")
    before = count(owner, "care_unit")
    # when another unit is created with the same code
    response = client.post(
        "/admin/organization/care-units/new",
        data={
            "csrf_token": csrf,
            "department_id": cast.unit_surg,
            "code": "med",
            "name": "Day surgery",
            "kind": "outpatient",
        },
    )
    # then the form says so beside the code, keeping what was typed
    assert response.status_code == 422
    assert field_error(response.text, "code") == "Another care unit has this code."
    assert 'value="Day surgery"' in response.text
    assert '<option value="outpatient" selected>' in response.text
    assert count(owner, "care_unit") == before


def test_a_missing_or_malformed_field_is_reported_beside_it(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post(
        "/admin/organization/departments/new", data={"csrf_token": csrf, "code": "X", "name": ""}
    )
    assert response.status_code == 422
    assert field_error(response.text, "code") == "Use 2 to 12 capital letters, digits or dashes."
    assert field_error(response.text, "name") == "This field is required."
    assert count(owner, "department") == 2


def test_a_duplicate_bed_label_in_a_room_is_refused(client, cast, owner):
    csrf = login(client, "adam")
    room = owner.execute("SELECT room_id FROM bed WHERE id = %s", [cast.bed_a]).fetchone()["room_id"]
    response = client.post(
        "/admin/organization/beds/new", data={"csrf_token": csrf, "room_id": room, "label": "A"}
    )
    assert response.status_code == 422
    assert field_error(response.text, "label") == "The room already has a bed with this label."
    assert count(owner, "bed") == 2


def test_a_parent_that_does_not_exist_is_refused_beside_its_picker(client, cast, owner):
    csrf = login(client, "adam")
    response = client.post(
        "/admin/organization/wards/new", data={"csrf_token": csrf, "care_unit_id": 999999, "name": "Ward 99"}
    )
    assert response.status_code == 422
    assert field_error(response.text, "care_unit_id") == "Choose a care unit from the list."
    assert count(owner, "ward") == 1


@pytest.mark.parametrize(
    ("path", "table", "key"),
    [("care-units", "care_unit", "unit_med"), ("wards", "ward", "ward_med"), ("beds", "bed", "bed_a")],
)
def test_deactivation_keeps_the_row_and_reactivation_restores_it(client, cast, owner, path, table, key):
    csrf = login(client, "adam")
    item = getattr(cast, key)
    response = client.post(
        f"/admin/organization/{path}/{item}/deactivate", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert owner.execute(f"SELECT is_active FROM {table} WHERE id = %s", [item]).fetchone() == {
        "is_active": False
    }
    assert "Inactive" in client.get(response.headers["location"]).text
    response = client.post(
        f"/admin/organization/{path}/{item}/reactivate", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303
    assert owner.execute(f"SELECT is_active FROM {table} WHERE id = %s", [item]).fetchone() == {
        "is_active": True
    }


def test_a_deactivated_bed_no_longer_counts_as_in_use(client, cast, owner):
    owner.execute("UPDATE bed SET is_active = false WHERE id = %s", [cast.bed_b])
    login(client, "adam")
    assert "1 of 2 beds in use" in client.get("/admin/organization").text


def test_a_deactivated_care_unit_is_no_longer_offered_for_new_wards(client, cast, owner):
    owner.execute("UPDATE care_unit SET is_active = false WHERE id = %s", [cast.unit_surg])
    login(client, "adam")
    form = client.get("/admin/organization/wards/new").text
    assert "Medical ward 1" in form and "Surgical ward 1" not in form


def test_deactivating_something_that_does_not_exist_is_404(client, cast):
    csrf = login(client, "adam")
    response = client.post("/admin/organization/beds/999999/deactivate", data={"csrf_token": csrf})
    assert response.status_code == 404


def test_other_staff_read_the_tree_without_the_means_to_change_it(client, cast):
    login(client, "rita")
    page = client.get("/admin/organization")
    assert page.status_code == 200
    assert "Medical ward 1" in page.text
    assert "/admin/organization/" not in page.text  # no add links, no deactivate buttons


def test_patients_do_not_see_the_organisation(client, cast):
    login(client, "greta")
    assert client.get("/admin/organization").status_code == 403


def write_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in all_routes(app.routes)
        if isinstance(route, APIRoute) and route.path.startswith("/admin/organization")
        for method in route.methods
        if method == "POST" or route.path.endswith("/new")
    )


def test_every_organisation_change_is_declared_for_managers_only(app):
    routes = write_routes(app)
    assert len(routes) >= 16
    for route in all_routes(app.routes):
        if (
            isinstance(route, APIRoute)
            and route.path.startswith("/admin/organization")
            and route.path != "/admin/organization"
        ):
            assert policy_of(route.endpoint).permission is Permission.ORGANIZATION_MANAGE, route.path


@pytest.mark.parametrize("username", ["rita", "alice"])
def test_staff_without_the_permission_are_refused_every_change(client, app, cast, owner, username):
    csrf = login(client, username)
    before = organisation_state(owner)
    form = {
        "csrf_token": csrf,
        "code": "HACK",
        "name": "Hack",
        "kind": "inpatient",
        "label": "Z",
        "department_id": cast.unit_med,
        "care_unit_id": cast.unit_med,
        "ward_id": cast.ward_med,
        "room_id": cast.ward_med,
    }
    for method, path in write_routes(app):
        url = re.sub(r"\{\w+_id\}", str(cast.unit_med), path)
        response = client.request(
            method, url, data=form if method == "POST" else None, follow_redirects=False
        )
        assert response.status_code == 403, f"{username} {method} {url}: {response.status_code}"
    assert organisation_state(owner) == before


def organisation_state(owner) -> dict[str, tuple[int, int]]:
    """Rows and active rows of each level (rooms and departments have no active flag)."""
    state = {}
    for table in ("department", "care_unit", "ward", "room", "bed"):
        active = "is_active" if table in ("care_unit", "ward", "bed") else "true"
        row = owner.execute(
            f"SELECT count(*) AS n, count(*) FILTER (WHERE {active}) AS a FROM {table}"
        ).fetchone()
        state[table] = (row["n"], row["a"])
    return state
