"""The demo hospital: the same seed gives the same hospital, every identity
number is one the database accepts, and every role has a login that works."""

import random

import psycopg
from faker import Faker
from personnummer import personnummer

from hms.core.roles import Role
from hms.seed.demo import DEMO_PASSWORD, demo_logins, seed_hospital
from hms.seed.people import PeopleFactory, luhn_check_digit
from tests.conftest import csrf_of, empty_tables, login

SMALL = 50


def snapshot(owner) -> dict[str, list[tuple]]:
    """What a seed decides: who the people are, not the ids or timestamps."""
    queries = {
        "patients": "SELECT personal_number, given_name, family_name, date_of_birth, sex, phone, city, "
        "protected_identity FROM patient ORDER BY personal_number",
        "users": "SELECT username, role::text, full_name FROM app_user ORDER BY username",
        "kin": "SELECT p.personal_number, k.full_name, k.relationship::text, k.is_primary "
        "FROM next_of_kin AS k JOIN patient AS p ON p.id = k.patient_id ORDER BY 1, 2",
        "units": "SELECT code, name FROM care_unit ORDER BY code",
    }
    return {name: [tuple(row.values()) for row in owner.execute(q)] for name, q in queries.items()}


def test_the_same_seed_gives_the_same_hospital(owner_url, owner):
    # given a small hospital seeded with seed 7
    seed_hospital(owner_url, seed=7, patients=SMALL)
    first = snapshot(owner)
    # when the database is emptied and seeded again with the same seed
    empty_tables(owner)
    seed_hospital(owner_url, seed=7, patients=SMALL)
    # then the same people, numbers, accounts and next of kin come back
    assert snapshot(owner) == first
    assert len(first["patients"]) == SMALL


def test_another_seed_gives_other_people(owner_url, owner):
    seed_hospital(owner_url, seed=7, patients=SMALL)
    first = snapshot(owner)["patients"]
    empty_tables(owner)
    seed_hospital(owner_url, seed=8, patients=SMALL)
    assert snapshot(owner)["patients"] != first


def test_every_generated_identity_number_passes_the_database_check(owner):
    # given many people, half of them with coordination numbers (day + 60)
    people = PeopleFactory(random.Random(1), Faker("sv_SE"))  # noqa: S311 - test data, not secrets
    persons = [people.person(coordination_rate=0.5) for _ in range(2000)]
    numbers = [p.personal_number for p in persons]
    # then the numbers are unique, valid to the database and to the personnummer library
    assert len(set(numbers)) == len(numbers)
    refused = owner.execute(
        "SELECT n FROM unnest(%s::text[], %s::date[]) AS t(n, born) "
        "WHERE NOT pnr_is_valid(n) OR pnr_birth_date(n) IS DISTINCT FROM born",
        [numbers, [p.date_of_birth for p in persons]],
    ).fetchall()
    assert refused == []
    assert all(personnummer.valid(n) for n in numbers)
    assert any(int(n[6:8]) > 60 for n in numbers)
    # and the second-to-last digit says the sex: odd for men, even for women
    assert all((int(p.personal_number[-2]) % 2 == 1) == (p.sex == "male") for p in persons)


def test_check_digit_matches_a_known_number():
    # 194202142388 is Greta's number in the test cast; 811218-9876 the textbook example
    assert luhn_check_digit("420214238") == 8
    assert luhn_check_digit("811218987") == 6


def test_seeded_patients_are_stored_with_valid_numbers_and_matching_sex(owner_url, owner):
    seed_hospital(owner_url, seed=3, patients=SMALL)
    wrong = owner.execute(
        "SELECT count(*) AS n FROM patient "
        "WHERE (substr(personal_number, 11, 1)::int % 2 = 1) <> (sex = 'male')"
    ).fetchone()
    assert wrong["n"] == 0
    assert owner.execute("SELECT count(*) AS n FROM next_of_kin").fetchone()["n"] > 0


def test_every_role_has_a_demo_login(owner_url, owner):
    summary = seed_hospital(owner_url, patients=SMALL)
    assert {login.role for login in summary.logins} == {role.value for role in Role}
    assert [login.username for login in demo_logins(owner_url)] == [
        "doctor",
        "nurse",
        "pharmacist",
        "reception",
        "admin",
        "specialist",
        "head",
        "patient",
        "relative",
    ]
    # the patient's login is linked to a patient, and the relative is that patient's next of kin
    linked = owner.execute(
        "SELECT k.full_name = r.full_name AS relative_is_kin FROM app_user AS u "
        "JOIN patient_user AS pu ON pu.user_id = u.id "
        "JOIN next_of_kin AS k ON k.patient_id = pu.patient_id "
        "JOIN app_user AS r ON r.username = 'relative' "
        "WHERE u.username = 'patient' AND k.full_name = r.full_name"
    ).fetchall()
    assert linked
    # the department head reads her department's reports, which are computed already
    head = owner.execute(
        "SELECT d.code FROM department_head AS h JOIN department AS d ON d.id = h.department_id "
        "JOIN app_user AS u ON u.id = h.user_id WHERE u.username = 'head'"
    ).fetchall()
    assert [r["code"] for r in head] == ["MED"]
    assert owner.execute("SELECT count(*) AS n FROM report_refresh").fetchone()["n"] >= 12


def test_staff_have_profiles_and_clinicians_have_care_units(owner_url, owner):
    seed_hospital(owner_url, patients=SMALL)
    rows = owner.execute(
        "SELECT u.role::text AS role, count(*) AS n, count(sp.user_id) AS profiles, "
        "count(*) FILTER (WHERE EXISTS (SELECT FROM staff_care_unit s WHERE s.user_id = u.id)) AS placed "
        "FROM app_user AS u LEFT JOIN staff_profile AS sp ON sp.user_id = u.id "
        "WHERE u.role NOT IN ('patient', 'relative') GROUP BY u.role"
    ).fetchall()
    by_role = {r["role"]: r for r in rows}
    assert 45 <= sum(r["n"] for r in rows) <= 60
    assert all(r["profiles"] == r["n"] for r in rows)
    assert by_role["doctor"]["placed"] == by_role["doctor"]["n"]
    assert by_role["nurse"]["placed"] == by_role["nurse"]["n"]


def test_the_demo_logins_log_in_through_the_app(owner_url, client):
    # given the demo hospital
    summary = seed_hospital(owner_url, patients=SMALL)
    for demo in summary.logins:
        # when each demo account logs in with the shared password
        client.cookies.clear()
        login(client, demo.username, DEMO_PASSWORD)
        # then its home page opens
        home = client.get("/")
        assert home.status_code == 200, demo.username
        assert csrf_of(home.text)


def test_seeding_a_database_in_use_is_refused(owner_url, cast, monkeypatch):
    from typer.testing import CliRunner

    from hms.cli import app
    from hms.config import get_settings

    monkeypatch.setenv("HMS_DATABASE_URL", owner_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["seed", "--patients", "5"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "--reset" in result.output
    with psycopg.connect(owner_url) as conn:
        assert conn.execute("SELECT count(*) FROM patient").fetchone()[0] == 1  # only the cast's Greta
