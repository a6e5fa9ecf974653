"""The ward board's tests: Greta admitted to bed A of the medical ward (Ward
12, room 1), her vitals, care plans and results written with plain SQL as
the owner, and the people's browsers."""

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from tests.access.conftest import browser  # noqa: F401  (the pages' fixture)
from tests.journal import given

# NEWS2 parameter sets: (respiratory rate, SpO2, on oxygen, systolic, pulse, ACVPU, temperature).
CALM = (16, 97, False, 125, 72, "A", 37.0)  # 0
ONE = (16, 97, False, 125, 95, "A", 37.0)  # 1 (pulse 91-110)
CONFUSED = (16, 97, False, 125, 72, "C", 37.0)  # 3, from one parameter: low-medium
UNWELL = (22, 94, False, 105, 95, "A", 37.0)  # 2 + 1 + 1 + 1 = 5: medium
SICK = (26, 90, True, 95, 120, "A", 39.5)  # high


def vitals(
    owner: psycopg.Connection, cast, values: tuple, *, ago: timedelta, patient: int | None = None
) -> int:
    rr, spo2, oxygen, systolic, pulse, acvpu, temperature = values
    return owner.execute(
        "INSERT INTO vital_signs (patient_id, care_unit_id, measured_at, respiratory_rate, spo2, on_oxygen, "
        "systolic, pulse, consciousness, temperature, recorded_by) "
        "VALUES (%s, %s, now() - %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        [patient or cast.greta_patient, cast.unit_med, ago, rr, spo2, oxygen, systolic, pulse, acvpu,
         temperature, cast.bob],
    ).fetchone()["id"]  # fmt: skip


def care_plan(owner: psycopg.Connection, cast, title: str, actions: str, *, review_in_days: int = 0) -> int:
    return owner.execute(
        "INSERT INTO care_plan (patient_id, care_unit_id, title, goals, actions, responsible_id, review_date, "
        "recorded_by) VALUES (%s, %s, %s, 'Goal', %s, %s, current_date + %s, %s) RETURNING id",
        [cast.greta_patient, cast.unit_med, title, actions, cast.bob, review_in_days, cast.bob],
    ).fetchone()["id"]


def allergy(owner: psycopg.Connection, cast, substance: str = "Penicillin", severity: str = "severe") -> None:
    owner.execute(
        "INSERT INTO allergy (patient_id, care_unit_id, substance, category, severity, recorded_by) "
        "VALUES (%s, %s, %s, 'medication', %s, %s)",
        [cast.greta_patient, cast.unit_med, substance, severity, cast.alice],
    )


@pytest.fixture()
def admitted(acting_as, owner, cast) -> int:
    """Greta in bed A since two days ago, Dr Alice attending; bed B is free."""
    encounter = given.admit(acting_as(cast.alice), cast, at=datetime.now(UTC) - timedelta(days=2))
    owner.execute("UPDATE encounter SET responsible_id = %s WHERE id = %s", [cast.alice, encounter])
    return encounter


@pytest.fixture()
def surgical_ward(owner, cast) -> int:
    """Dr Charlie's surgical unit has a ward of its own, with one bed."""
    ward = owner.execute(
        "INSERT INTO ward (care_unit_id, name) VALUES (%s, 'Ward 40') RETURNING id", [cast.unit_surg]
    ).fetchone()["id"]
    room = owner.execute("INSERT INTO room (ward_id, name) VALUES (%s, '9') RETURNING id", [ward]).fetchone()[
        "id"
    ]
    owner.execute("INSERT INTO bed (room_id, label) VALUES (%s, 'A')", [room])
    return ward
