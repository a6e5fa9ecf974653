"""The organisation (department > care unit > ward > room > bed, and staff in
units): each rule broken with raw SQL as the owner."""

import pytest

from tests.db.expect import refused

CHECK, UNIQUE, FOREIGN_KEY = "23514", "23505", "23503"


@pytest.mark.parametrize(
    "code, name, constraint",
    [
        ("med", "Medicine", "department_code_format"),
        ("M", "Medicine", "department_code_format"),
        ("ABCDEFGHIJKLM", "Medicine", "department_code_format"),
        ("MED 2", "Medicine", "department_code_format"),
        ("MED2", "", "department_name_length"),
        ("MED2", "x" * 121, "department_name_length"),
    ],
)
def test_department_code_and_name_are_checked(owner, code, name, constraint):
    refused(owner, "INSERT INTO department (code, name) VALUES (%s, %s)", [code, name], constraint=constraint)


def test_department_codes_and_names_are_unique(owner, cast):
    refused(
        owner,
        "INSERT INTO department (code, name) VALUES ('MED', 'Medicine 2')",
        constraint="department_code_key",
        sqlstate=UNIQUE,
    )
    refused(
        owner,
        "INSERT INTO department (code, name) VALUES ('MED2', 'Internal medicine')",
        constraint="department_name_key",
        sqlstate=UNIQUE,
    )


UNIT = "INSERT INTO care_unit (department_id, code, name, kind) VALUES (%s, %s, %s, %s)"


def department_id(owner, code: str) -> int:
    return owner.execute("SELECT id FROM department WHERE code = %s", [code]).fetchone()["id"]


@pytest.mark.parametrize(
    "code, name, constraint",
    [
        ("med-2", "Medical ward 2", "care_unit_code_format"),
        ("M", "Medical ward 2", "care_unit_code_format"),
        ("A" * 17, "Medical ward 2", "care_unit_code_format"),
        ("MED-2", "", "care_unit_name_length"),
        ("MED-2", "x" * 121, "care_unit_name_length"),
    ],
)
def test_care_unit_code_and_name_are_checked(owner, cast, code, name, constraint):
    refused(owner, UNIT, [department_id(owner, "MED"), code, name, "inpatient"], constraint=constraint)


def test_care_unit_kind_is_one_of_the_listed_kinds(owner, cast):
    refused(owner, UNIT, [department_id(owner, "MED"), "MED-2", "Day care", "daycare"], sqlstate="22P02")


def test_a_care_unit_belongs_to_a_department(owner):
    refused(
        owner,
        UNIT,
        [999_999, "MED-2", "Medical ward 2", "inpatient"],
        constraint="care_unit_department_id_fkey",
        sqlstate=FOREIGN_KEY,
    )


def test_care_unit_codes_are_unique_across_the_hospital(owner, cast):
    refused(
        owner,
        UNIT,
        [department_id(owner, "SURG"), "MED", "Another unit", "outpatient"],
        constraint="care_unit_code_key",
        sqlstate=UNIQUE,
    )


def test_care_unit_names_are_unique_within_a_department_only(owner, cast):
    refused(
        owner,
        UNIT,
        [department_id(owner, "MED"), "MED-2", "Medical ward 1", "inpatient"],
        constraint="care_unit_name_per_department_key",
        sqlstate=UNIQUE,
    )
    owner.execute(UNIT, [department_id(owner, "SURG"), "SURG-2", "Medical ward 1", "inpatient"])


def test_ward_room_and_bed_names_are_checked_and_unique_per_parent(owner, cast):
    refused(
        owner,
        "INSERT INTO ward (care_unit_id, name) VALUES (%s, '')",
        [cast.unit_med],
        constraint="ward_name_length",
    )
    refused(
        owner,
        "INSERT INTO ward (care_unit_id, name) VALUES (%s, 'Ward 12')",
        [cast.unit_med],
        constraint="ward_name_per_unit_key",
        sqlstate=UNIQUE,
    )
    owner.execute("INSERT INTO ward (care_unit_id, name) VALUES (%s, 'Ward 12')", [cast.unit_surg])

    refused(
        owner,
        "INSERT INTO room (ward_id, name) VALUES (%s, %s)",
        [cast.ward_med, "x" * 41],
        constraint="room_name_length",
    )
    refused(
        owner,
        "INSERT INTO room (ward_id, name) VALUES (%s, '1')",
        [cast.ward_med],
        constraint="room_name_per_ward_key",
        sqlstate=UNIQUE,
    )

    room = owner.execute("SELECT room_id FROM bed WHERE id = %s", [cast.bed_a]).fetchone()["room_id"]
    refused(
        owner,
        "INSERT INTO bed (room_id, label) VALUES (%s, %s)",
        [room, "x" * 21],
        constraint="bed_label_length",
    )
    refused(
        owner,
        "INSERT INTO bed (room_id, label) VALUES (%s, 'A')",
        [room],
        constraint="bed_label_per_room_key",
        sqlstate=UNIQUE,
    )


def test_each_level_must_hang_under_an_existing_parent(owner):
    refused(
        owner,
        "INSERT INTO ward (care_unit_id, name) VALUES (999999, 'W')",
        constraint="ward_care_unit_id_fkey",
        sqlstate=FOREIGN_KEY,
    )
    refused(
        owner,
        "INSERT INTO room (ward_id, name) VALUES (999999, 'R')",
        constraint="room_ward_id_fkey",
        sqlstate=FOREIGN_KEY,
    )
    refused(
        owner,
        "INSERT INTO bed (room_id, label) VALUES (999999, 'B')",
        constraint="bed_room_id_fkey",
        sqlstate=FOREIGN_KEY,
    )


# --- ON DELETE RESTRICT -----------------------------------------------------------------


def test_a_department_with_care_units_cannot_be_deleted(owner, cast):
    refused(owner, "DELETE FROM department WHERE code = 'MED'", constraint="care_unit_department_id_fkey")


def test_no_level_of_the_organisation_is_deleted_from_under_its_children(owner, cast):
    refused(
        owner, "DELETE FROM care_unit WHERE id = %s", [cast.unit_med], constraint="ward_care_unit_id_fkey"
    )
    refused(owner, "DELETE FROM ward WHERE id = %s", [cast.ward_med], constraint="room_ward_id_fkey")
    refused(owner, "DELETE FROM room WHERE ward_id = %s", [cast.ward_med], constraint="bed_room_id_fkey")
    # The surgical unit has no wards, but Dr Charlie works there.
    refused(
        owner,
        "DELETE FROM care_unit WHERE id = %s",
        [cast.unit_surg],
        constraint="staff_care_unit_care_unit_id_fkey",
    )


# --- staff in care units ---------------------------------------------------------------


def test_only_staff_with_a_profile_work_in_a_care_unit(owner, cast):
    refused(
        owner,
        "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)",
        [cast.greta, cast.unit_med],
        constraint="staff_care_unit_user_id_fkey",
        sqlstate=FOREIGN_KEY,
    )


def test_a_staff_member_is_in_a_care_unit_once(owner, cast):
    refused(
        owner,
        "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)",
        [cast.alice, cast.unit_med],
        constraint="staff_care_unit_pkey",
        sqlstate=UNIQUE,
    )


def test_unit_memberships_go_with_the_staff_profile(owner, cast):
    owner.execute("DELETE FROM staff_profile WHERE user_id = %s", [cast.bob])
    row = owner.execute("SELECT count(*) AS n FROM staff_care_unit WHERE user_id = %s", [cast.bob]).fetchone()
    assert row["n"] == 0
