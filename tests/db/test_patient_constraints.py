"""The patient registry's rules, each broken with raw SQL as the schema's owner:
the database itself must refuse what a faulty query (or a careless script) tries."""

import pytest

from tests.db.expect import refused
from tests.db.pnr import number, with_wrong_check_digit

CHECK, UNIQUE, FOREIGN_KEY, RESTRICT = "23514", "23505", "23503", "23001"

INSERT = (
    "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
    "VALUES (%(pnr)s, %(given)s, %(family)s, %(dob)s, %(sex)s)"
)
ASA = {"pnr": "198507099805", "given": "Åsa", "family": "Ek", "dob": "1985-07-09", "sex": "female"}


def asa(**changes: str) -> dict[str, str]:
    return {**ASA, **changes}


@pytest.fixture()
def patient_id(owner) -> int:
    return owner.execute(INSERT + " RETURNING id", ASA).fetchone()["id"]


def insert_with(column: str) -> str:
    """An INSERT of Åsa with one more column, set from the parameter ``extra``."""
    return INSERT.replace(", sex)", f", sex, {column})").replace("%(sex)s)", "%(sex)s, %(extra)s)")


def refused_with(owner, column: str, value: object, constraint: str) -> None:
    refused(owner, insert_with(column), asa(extra=value), constraint=constraint)


# --- personal identity number -------------------------------------------------


def test_a_valid_personnummer_and_samordningsnummer_are_accepted(owner):
    owner.execute(INSERT, ASA)
    coordination = number("19850769")  # born on the 9th: day 09 + 60
    owner.execute(INSERT, asa(pnr=coordination, dob="1985-07-09"))
    rows = owner.execute(
        "SELECT personal_number, is_coordination_number FROM patient ORDER BY personal_number"
    ).fetchall()
    assert [r["is_coordination_number"] for r in rows] == [False, True]


@pytest.mark.parametrize(
    "pnr",
    [
        with_wrong_check_digit("198507099805"),  # Luhn check digit off by one
        "198502309801",  # 30 February
        "198513019806",  # month 13
        "198507009805",  # day 00
        "198507609805",  # day 60: neither a date nor a coordination day
        "19850709980",  # 11 digits
        "1985070998055",  # 13 digits
        "8507099805",  # 10 digits, no century
        "19850709-9805",  # separator: stored without one
        "19850709980X",  # not digits
        "",
    ],
    ids=[
        "bad-luhn",
        "feb-30",
        "month-13",
        "day-00",
        "day-60",
        "11-digits",
        "13-digits",
        "10-digits",
        "separator",
        "letter",
        "empty",
    ],
)
def test_an_invalid_personal_number_is_refused(owner, pnr):
    refused(owner, INSERT, asa(pnr=pnr), constraint="patient_personal_number_valid")


def test_a_personal_number_is_unique_among_patients(owner, patient_id):
    refused(owner, INSERT, asa(given="Other"), constraint="patient_personal_number_key", sqlstate=UNIQUE)


def test_the_date_of_birth_must_match_the_number(owner):
    refused(owner, INSERT, asa(dob="1985-07-10"), constraint="patient_birth_date_matches_number")


def test_a_birth_date_in_the_future_is_refused(owner):
    refused(
        owner,
        INSERT,
        asa(pnr=number("20990101"), dob="2099-01-01"),
        constraint="patient_birth_date_not_future",
    )


def test_is_coordination_number_is_derived_and_cannot_be_written(owner, patient_id):
    refused(
        owner,
        "UPDATE patient SET is_coordination_number = true WHERE id = %s",
        [patient_id],
        sqlstate="428C9",  # generated_always
    )


def test_search_name_is_derived_and_cannot_be_written(owner, patient_id):
    refused(
        owner,
        "UPDATE patient SET search_name = 'someone else' WHERE id = %s",
        [patient_id],
        sqlstate="428C9",
    )
    row = owner.execute("SELECT search_name FROM patient WHERE id = %s", [patient_id]).fetchone()
    assert row["search_name"] == "asa ek"


# --- names, sex and contact details -------------------------------------------


@pytest.mark.parametrize("value", ["", "   ", "x" * 101], ids=["empty", "blank", "101-chars"])
@pytest.mark.parametrize("column", ["given", "family"])
def test_names_are_one_to_a_hundred_characters(owner, column, value):
    name = "given_name" if column == "given" else "family_name"
    refused(owner, INSERT, asa(**{column: value}), constraint=f"patient_{name}_length")


def test_a_hundred_character_name_is_accepted(owner):
    owner.execute(INSERT, asa(family="x" * 100))


def test_sex_is_one_of_the_listed_values(owner):
    refused(owner, INSERT, asa(sex="f"), sqlstate="22P02")  # invalid input value for enum


@pytest.mark.parametrize(
    "column, value, constraint",
    [
        ("phone", "call me", "patient_phone_format"),
        ("phone", "0701", "patient_phone_format"),
        ("phone", "0" * 21, "patient_phone_format"),
        ("phone", "070+123", "patient_phone_format"),
        ("email", "greta.example.se", "patient_email_format"),
        ("email", "greta @example.se", "patient_email_format"),
        ("email", "a@b@c", "patient_email_format"),
        ("email", "g@" + "e" * 253, "patient_email_format"),
        ("street_address", "x" * 201, "patient_street_address_length"),
        ("postal_code", "1234", "patient_postal_code_format"),
        ("postal_code", "123456", "patient_postal_code_format"),
        ("postal_code", "12 345", "patient_postal_code_format"),
        ("postal_code", "SE-12345", "patient_postal_code_format"),
        ("city", "x" * 101, "patient_city_length"),
    ],
)
def test_contact_details_must_have_their_format(owner, column, value, constraint):
    refused_with(owner, column, value, constraint)


@pytest.mark.parametrize(
    "column, value",
    [
        ("phone", "+46 (0)70-123 45 67"),
        ("email", "greta@example.se"),
        ("postal_code", "123 45"),
        ("postal_code", "12345"),
    ],
)
def test_well_formed_contact_details_are_accepted(owner, column, value):
    owner.execute(insert_with(column), asa(extra=value))


def test_created_by_must_be_a_user(owner):
    refused_with(owner, "created_by", 999_999, "patient_created_by_fkey")


def test_updated_at_is_set_by_the_database_whatever_the_update_says(owner, patient_id):
    owner.execute("UPDATE patient SET updated_at = '2000-01-01', city = 'Lund' WHERE id = %s", [patient_id])
    row = owner.execute(
        "SELECT updated_at > now() - interval '1 minute' AS fresh FROM patient WHERE id = %s", [patient_id]
    ).fetchone()
    assert row["fresh"]


# --- next of kin -----------------------------------------------------------------

KIN = (
    "INSERT INTO next_of_kin (patient_id, full_name, relationship, phone, email, is_primary) "
    "VALUES (%(patient_id)s, %(name)s, %(relationship)s, %(phone)s, %(email)s, %(primary)s)"
)


def kin(patient_id: int, /, **changes: object) -> dict[str, object]:
    base = {
        "patient_id": patient_id,
        "name": "Erik Ek",
        "relationship": "spouse",
        "phone": "070-222 33 44",
        "email": None,
        "primary": False,
    }
    return {**base, **changes}


def test_next_of_kin_needs_a_phone_or_an_email(owner, patient_id):
    refused(owner, KIN, kin(patient_id, phone=None, email=None), constraint="next_of_kin_reachable")
    owner.execute(KIN, kin(patient_id, phone=None, email="erik@example.se"))


def test_a_patient_has_at_most_one_primary_next_of_kin(owner, patient_id):
    owner.execute(KIN, kin(patient_id, primary=True))
    owner.execute(KIN, kin(patient_id, name="Eva Ek", relationship="child"))
    refused(
        owner,
        KIN,
        kin(patient_id, name="Olle Ek", relationship="sibling", primary=True),
        constraint="next_of_kin_one_primary",
        sqlstate=UNIQUE,
    )
    refused(
        owner,
        "UPDATE next_of_kin SET is_primary = true WHERE full_name = 'Eva Ek'",
        constraint="next_of_kin_one_primary",
    )


def test_each_patient_may_have_their_own_primary_next_of_kin(owner, patient_id):
    other = owner.execute(INSERT + " RETURNING id", asa(pnr="194202142388", dob="1942-02-14")).fetchone()[
        "id"
    ]
    owner.execute(KIN, kin(patient_id, primary=True))
    owner.execute(KIN, kin(other, primary=True))


@pytest.mark.parametrize(
    "changes, constraint",
    [
        ({"name": " "}, "next_of_kin_full_name_length"),
        ({"name": "x" * 201}, "next_of_kin_full_name_length"),
        ({"phone": "ring mig"}, "next_of_kin_phone_format"),
        ({"email": "not-an-address"}, "next_of_kin_email_format"),
        ({"patient_id": 999_999}, "next_of_kin_patient_id_fkey"),
    ],
    ids=["blank-name", "long-name", "phone", "email", "no-such-patient"],
)
def test_next_of_kin_fields_are_checked(owner, patient_id, changes, constraint):
    refused(owner, KIN, kin(patient_id, **changes), constraint=constraint)


def test_next_of_kin_relationship_is_one_of_the_listed_values(owner, patient_id):
    refused(owner, KIN, kin(patient_id, relationship="neighbour"), sqlstate="22P02")


def test_a_patient_with_next_of_kin_cannot_be_deleted(owner, patient_id):
    owner.execute(KIN, kin(patient_id))
    refused(
        owner,
        "DELETE FROM patient WHERE id = %s",
        [patient_id],
        constraint="next_of_kin_patient_id_fkey",
    )
    assert owner.execute("SELECT count(*) AS n FROM patient").fetchone()["n"] == 1


# --- portal accounts (patient_user) ---------------------------------------------


def test_only_a_patient_role_user_can_be_linked_to_a_patient(owner, cast, patient_id):
    # Sven is a relative: (sven, 'patient') is no app_user row, so the composite key refuses.
    refused(
        owner,
        "INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)",
        [cast.sven, patient_id],
        constraint="patient_user_user_fk",
        sqlstate=FOREIGN_KEY,
    )
    # Saying the truth about his role instead trips the role check.
    refused(
        owner,
        "INSERT INTO patient_user (user_id, role, patient_id) VALUES (%s, 'relative', %s)",
        [cast.sven, patient_id],
        constraint="patient_user_role_is_patient",
    )
    # A staff member is not a portal user either.
    refused(
        owner,
        "INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)",
        [cast.alice, patient_id],
        constraint="patient_user_user_fk",
    )


def test_a_portal_users_role_cannot_change_away_from_patient(owner, cast):
    refused(
        owner,
        "UPDATE app_user SET role = 'relative' WHERE id = %s",
        [cast.greta],
        constraint="patient_user_role_is_patient",
    )
    assert (
        owner.execute("SELECT role FROM app_user WHERE id = %s", [cast.greta]).fetchone()["role"] == "patient"
    )


def test_one_patient_one_portal_account_each_way(owner, cast, patient_id):
    second = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "SELECT 'greta2', password_hash, 'patient', 'Greta again' FROM app_user WHERE id = %s RETURNING id",
        [cast.greta],
    ).fetchone()["id"]
    refused(
        owner,
        "INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)",
        [second, cast.greta_patient],
        constraint="patient_user_patient_id_key",
        sqlstate=UNIQUE,
    )
    refused(
        owner,
        "INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)",
        [cast.greta, patient_id],
        constraint="patient_user_pkey",
        sqlstate=UNIQUE,
    )


def test_a_patient_with_a_portal_account_cannot_be_deleted(owner, cast):
    refused(
        owner,
        "DELETE FROM patient WHERE id = %s",
        [cast.greta_patient],
        constraint="patient_user_patient_id_fkey",
    )


def test_a_portal_user_cannot_be_deleted(owner, cast):
    refused(owner, "DELETE FROM app_user WHERE id = %s", [cast.greta], constraint="patient_user_user_fk")


# --- the directory view ----------------------------------------------------------


def test_the_directory_blanks_contact_details_of_a_protected_identity(owner, acting_as, cast):
    owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex, phone, email, "
        "street_address, postal_code, city, protected_identity) VALUES ('198507099805', 'Åsa', 'Ek', "
        "'1985-07-09', 'female', '070-1234567', 'asa@example.se', 'Gatan 1', '123 45', 'Lund', true)"
    )
    row = (
        acting_as(cast.rita)
        .execute(
            "SELECT phone, email, street_address, postal_code, city, given_name FROM patient_directory "
            "WHERE given_name = 'Åsa'"
        )
        .fetchone()
    )
    assert row == {
        "phone": None,
        "email": None,
        "street_address": None,
        "postal_code": None,
        "city": None,
        "given_name": "Åsa",
    }
