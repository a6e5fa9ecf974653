"""Journal rows written with plain SQL, the way a bug in the app (or anyone
holding its credentials) could write them, and read back. Writers return the
new row's id."""

from datetime import date

import psycopg
from psycopg import sql

# A patient besides Greta (personal identity number with a valid check digit).
ASA = ("198507099805", "Åsa", "Ek", date(1985, 7, 9), "female")

DEFAULT_SECTIONS = [
    ("Anamnes", "Cough and fever for three days."),
    ("Bedömning", "Community-acquired pneumonia."),
]


def value(conn: psycopg.Connection, query: str, params: list | None = None):
    """The first column of the first row (None when there is no row)."""
    row = conn.execute(query, params or []).fetchone()
    return None if row is None else next(iter(row.values()))


def patient(owner: psycopg.Connection, person: tuple = ASA) -> int:
    """Register another patient (as the owner, like the cast)."""
    pnr, given, family, born, sex = person
    return owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        [pnr, given, family, born, sex],
    ).fetchone()["id"]


def admit(
    conn: psycopg.Connection,
    cast,
    *,
    patient: int | None = None,
    bed: int | None = None,
    unit: int | None = None,
    at=None,
    reason: str = "Pneumonia, needs IV antibiotics",
) -> int:
    """Admit through encounter_admit; returns the admission encounter's id."""
    args = [patient or cast.greta_patient, unit or cast.unit_med, bed or cast.bed_a, reason, cast.alice]
    if at is None:
        row = conn.execute("SELECT encounter_admit(%s, %s, %s, %s, %s) AS id", args).fetchone()
    else:
        row = conn.execute("SELECT encounter_admit(%s, %s, %s, %s, %s, %s) AS id", [*args, at]).fetchone()
    return row["id"]


def visit(conn: psycopg.Connection, cast, *, patient: int | None = None, kind: str = "outpatient") -> int:
    """An open encounter that holds no bed."""
    return conn.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by) "
        "VALUES (%s, %s, %s, 'Follow-up of hypertension', %s) RETURNING id",
        [patient or cast.greta_patient, cast.unit_med, kind, cast.alice],
    ).fetchone()["id"]


def note(
    conn: psycopg.Connection,
    cast,
    *,
    author: int | None = None,
    patient: int | None = None,
    sections=DEFAULT_SECTIONS,
    kind: str = "progress",
) -> tuple[int, int]:
    """A note with version 1 as a draft and its sections; returns (note id, version id)."""
    author = author or cast.alice
    patient = patient or cast.greta_patient
    note_id = note_row(conn, cast, author=author, patient=patient, kind=kind)
    version_id = conn.execute(
        "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id) "
        "VALUES (%s, %s, 1, %s, %s) RETURNING id",
        [note_id, patient, author, cast.unit_med],
    ).fetchone()["id"]
    for position, (heading, body) in enumerate(sections, start=1):
        section(conn, version_id, position, heading, body)
    return note_id, version_id


def note_row(conn: psycopg.Connection, cast, *, author: int, patient: int, kind: str = "progress") -> int:
    """The note itself, still without any version."""
    return conn.execute(
        "INSERT INTO note (patient_id, care_unit_id, kind, created_by) VALUES (%s, %s, %s, %s) RETURNING id",
        [patient, cast.unit_med, kind, author],
    ).fetchone()["id"]


def section(conn: psycopg.Connection, version_id: int, position: int, heading: str, body: str) -> None:
    conn.execute(
        "INSERT INTO note_section (version_id, position, heading, body) VALUES (%s, %s, %s, %s)",
        [version_id, position, heading, body],
    )


def sign(conn: psycopg.Connection, version_id: int, by: int) -> None:
    conn.execute("SELECT note_sign(%s, %s)", [version_id, by])


def signed_note(conn: psycopg.Connection, cast, **kwargs) -> tuple[int, int]:
    note_id, version_id = note(conn, cast, **kwargs)
    sign(conn, version_id, kwargs.get("author") or cast.alice)
    return note_id, version_id


def amend(
    conn: psycopg.Connection,
    cast,
    note_id: int,
    *,
    by: int | None = None,
    reason: str | None = "Wrong dose in the plan",
) -> int:
    return conn.execute(
        "SELECT note_amend(%s, %s, %s, %s) AS id", [note_id, by or cast.alice, cast.unit_med, reason]
    ).fetchone()["id"]


def sections_of(conn: psycopg.Connection, version_id: int) -> list[tuple[int, str, str]]:
    rows = conn.execute(
        "SELECT position, heading, body FROM note_section WHERE version_id = %s ORDER BY position",
        [version_id],
    ).fetchall()
    return [(r["position"], r["heading"], r["body"]) for r in rows]


# One plausible row of each clinical table, as column -> SQL value.
CLINICAL_DEFAULTS = {
    "diagnosis": {"code": "J18.9", "rank": "primary", "onset_date": date(2024, 3, 1)},
    "procedure_record": {
        "name": "Laparoscopic appendectomy",
        "code": "JEA01",
        "is_surgery": True,
        "performed_at": "2024-03-02T10:00:00+00",
        "anaesthesia": "general",
    },
    "allergy": {
        "substance": "Penicillin",
        "category": "medication",
        "reaction": "Urticaria",
        "severity": "severe",
    },
    "history_entry": {"kind": "social", "description": "Former smoker, 20 pack-years."},
    "care_plan": {
        "title": "Mobilisation after surgery",
        "goals": "Walks 50 m unaided",
        "actions": "Physiotherapy twice daily",
        "review_date": date(2024, 3, 10),
    },
    "vital_signs": {
        "measured_at": "2024-03-02T08:00:00+00",
        "systolic": 128,
        "diastolic": 82,
        "pulse": 72,
        "temperature": 36.8,
        "respiratory_rate": 14,
        "spo2": 97,
        "consciousness": "A",
    },
}
CLINICAL_TABLES = list(CLINICAL_DEFAULTS)


def clinical(conn: psycopg.Connection, cast, table: str, **values) -> int:
    """Insert one clinical row of `table` by Dr Alice on the medical ward."""
    row = {"patient_id": cast.greta_patient, "care_unit_id": cast.unit_med, "recorded_by": cast.alice}
    row |= CLINICAL_DEFAULTS[table]
    if table == "procedure_record":
        row["performed_by"] = cast.alice
    if table == "care_plan":
        row["responsible_id"] = cast.alice
    row |= values
    return insert(conn, table, row)


def insert(conn: psycopg.Connection, table: str, row: dict) -> int:
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, row)),
        sql.SQL(", ").join(sql.Placeholder() * len(row)),
    )
    return conn.execute(query, list(row.values())).fetchone()["id"]


DISCHARGE_SECTIONS = [
    ("Vårdförlopp", "Pneumonia treated with IV antibiotics, afebrile since day 2."),
    ("Uppföljning", "Chest X-ray in six weeks."),
]


def discharge_summary(
    conn: psycopg.Connection, cast, encounter: int, *, author: int | None = None, sign_it: bool = True
) -> tuple[int, int]:
    """A discharge summary (epikris) of an admission, signed by its author
    (a doctor) unless sign_it is False; returns (note id, version id)."""
    author = author or cast.alice
    patient = value(conn, "SELECT patient_id FROM encounter WHERE id = %s", [encounter])
    note_id = conn.execute(
        "INSERT INTO note (patient_id, encounter_id, care_unit_id, kind, created_by) "
        "VALUES (%s, %s, %s, 'discharge_summary', %s) RETURNING id",
        [patient, encounter, cast.unit_med, author],
    ).fetchone()["id"]
    version_id = conn.execute(
        "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id) "
        "VALUES (%s, %s, 1, %s, %s) RETURNING id",
        [note_id, patient, author, cast.unit_med],
    ).fetchone()["id"]
    for position, (heading, body) in enumerate(DISCHARGE_SECTIONS, start=1):
        section(conn, version_id, position, heading, body)
    if sign_it:
        sign(conn, version_id, author)
    return note_id, version_id


def discharge(conn: psycopg.Connection, cast, encounter: int, *, at=None, by: int | None = None) -> None:
    """Discharge an admission the way the ward does: its summary signed by Dr
    Alice first, then encounter_discharge (the database wants both)."""
    discharge_summary(conn, cast, encounter)
    if at is None:
        conn.execute("SELECT encounter_discharge(%s, %s)", [encounter, by or cast.alice])
    else:
        conn.execute("SELECT encounter_discharge(%s, %s, %s)", [encounter, by or cast.alice, at])
