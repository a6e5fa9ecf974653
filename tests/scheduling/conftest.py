"""Scheduling tests: a clinic on the medical ward (types, a room, hours for
Dr Alice and Nurse Bob), an emergency unit with Nurse Elin, and helpers that
book through the database's own functions as the app's role, acting for a
user, the way the app does."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import psycopg
import pytest

from hms.core.clock import LOCAL_TZ
from tests import cast as cast_module
from tests.journal import given

# Every day of the week, 08:00-16:00 Stockholm time.
HOURS = (time(8), time(16))


@dataclass(frozen=True)
class Clinic:
    visit: int  # "Follow-up visit", 30 min, patients may book it
    procedure: int  # "Bronchoscopy", 60 min, booked by the clinic only
    room: int
    er_unit: int
    er_type: int  # "Emergency assessment" at the emergency unit
    elin: int  # a nurse of the emergency unit


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """A Stockholm wall-clock time some days from today."""
    day = datetime.now(LOCAL_TZ).date() + timedelta(days=days)
    return on(day, hour, minute)


def on(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def add_hours(owner: psycopg.Connection, clinician: int, unit: int, start=HOURS[0], end=HOURS[1]) -> None:
    for weekday in range(1, 8):
        owner.execute(
            "INSERT INTO working_hours (clinician_id, care_unit_id, weekday, starts_at, ends_at) "
            "VALUES (%s, %s, %s, %s, %s)",
            [clinician, unit, weekday, start, end],
        )


@pytest.fixture()
def clinic(owner: psycopg.Connection, cast) -> Clinic:
    with owner.transaction():
        visit = owner.execute(
            "INSERT INTO appointment_type (care_unit_id, name, duration_minutes, mode, patient_bookable) "
            "VALUES (%s, 'Follow-up visit', 30, 'in_person', true) RETURNING id",
            [cast.unit_med],
        ).fetchone()["id"]
        procedure = owner.execute(
            "INSERT INTO appointment_type (care_unit_id, name, duration_minutes, mode, patient_bookable) "
            "VALUES (%s, 'Bronchoscopy', 60, 'in_person', false) RETURNING id",
            [cast.unit_med],
        ).fetchone()["id"]
        room = owner.execute(
            "INSERT INTO clinic_room (care_unit_id, name) VALUES (%s, 'Mottagning 3') RETURNING id",
            [cast.unit_med],
        ).fetchone()["id"]
        add_hours(owner, cast.alice, cast.unit_med)
        add_hours(owner, cast.bob, cast.unit_med)
        er_dept = owner.execute(
            "INSERT INTO department (code, name) VALUES ('AKUT', 'Emergency medicine') RETURNING id"
        ).fetchone()["id"]
        er_unit = owner.execute(
            "INSERT INTO care_unit (department_id, code, name, kind) "
            "VALUES (%s, 'AKM', 'Emergency department', 'emergency') RETURNING id",
            [er_dept],
        ).fetchone()["id"]
        er_type = owner.execute(
            "INSERT INTO appointment_type (care_unit_id, name, duration_minutes) "
            "VALUES (%s, 'Emergency assessment', 60) RETURNING id",
            [er_unit],
        ).fetchone()["id"]
        elin = owner.execute(
            "INSERT INTO app_user (username, password_hash, role, full_name) "
            "VALUES ('elin', %s, 'nurse', 'Elin Ek') RETURNING id",
            [cast_module.password_hash()],
        ).fetchone()["id"]
        owner.execute(
            "INSERT INTO staff_profile (user_id, role, profession) VALUES (%s, 'nurse', 'Registered nurse')",
            [elin],
        )
        owner.execute("INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [elin, er_unit])
    return Clinic(visit, procedure, room, er_unit, er_type, elin)


def book(conn, patient: int, type_id: int, clinician: int, start: datetime, room: int | None = None) -> int:
    """appointment_book as the connection's user; the new appointment's id."""
    return conn.execute(
        "SELECT appointment_book(%s, %s, %s, %s, %s) AS id", [patient, type_id, clinician, start, room]
    ).fetchone()["id"]


def appointment_now(owner, cast, clinic: Clinic, *, patient: int, minutes_from_now: int = 0) -> int:
    """A booked appointment beginning (about) now, written by the owner: the
    hours and the no-past rule are the booking's to test, not check-in's."""
    return owner.execute(
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode, booked_by) "
        "VALUES (%s, %s, %s, %s, tstzrange(now() + make_interval(mins => %s), "
        "now() + make_interval(mins => %s + 30)), 'in_person', %s) RETURNING id",
        [patient, clinic.visit, cast.unit_med, cast.alice, minutes_from_now, minutes_from_now, cast.rita],
    ).fetchone()["id"]


def new_patient(owner, person=given.ASA) -> int:
    """A patient reception has just registered: nobody has them in care."""
    return given.patient(owner, person)


@pytest.fixture()
def property_patients(owner) -> list[int]:
    """Seven patients to book for."""
    from tests.db.pnr import number

    return [
        owner.execute(
            "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
            "VALUES (%s, 'Prop', %s, '1970-01-01', 'male') RETURNING id",
            [number("19700101", f"{100 + i}"), f"Patient {i}"],
        ).fetchone()["id"]
        for i in range(7)
    ]


# Each person in their own logged-in browser (see tests/consultations).
from tests.consultations.conftest import Browser, browser  # noqa: E402, F401
