"""Journal rows and grants written with plain SQL as the owner, for the portal's stories."""

import psycopg


def signed_note(owner: psycopg.Connection, cast, text: str, *, author=None, unit=None, sign=True) -> int:
    """A note of one section by ``author`` (Dr Alice) in ``unit`` (MED); signed
    unless ``sign`` is false. Returns the note's id."""
    author = author or cast.alice
    unit = unit or cast.unit_med
    note_id = owner.execute(
        "INSERT INTO note (patient_id, care_unit_id, kind, created_by) VALUES (%s, %s, 'progress', %s) RETURNING id",
        [cast.greta_patient, unit, author],
    ).fetchone()["id"]
    version_id = owner.execute(
        "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id) "
        "VALUES (%s, %s, 1, %s, %s) RETURNING id",
        [note_id, cast.greta_patient, author, unit],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO note_section (version_id, position, heading, body) VALUES (%s, 1, 'Bedömning', %s)",
        [version_id, text],
    )
    if sign:
        owner.execute("SELECT note_sign(%s, %s)", [version_id, author])
    return note_id


def grant(owner: psycopg.Connection, cast, *, starts="current_date", ends="NULL", scopes="{record}") -> int:
    """Greta's grant to Sven (SQL date expressions for its period)."""
    return owner.execute(
        f"INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, starts_on, ends_on, granted_by) "  # noqa: S608
        f"VALUES (%s, %s, %s, {starts}, {ends}, %s) RETURNING id",
        [cast.greta_patient, cast.sven, scopes, cast.greta],
    ).fetchone()["id"]


def other_patient(owner: psycopg.Connection) -> int:
    return owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('198507099805', 'Åsa', 'Ek', '1985-07-09', 'female') RETURNING id"
    ).fetchone()["id"]


def audit_rows(owner: psycopg.Connection, **where) -> list[dict]:
    clauses = " AND ".join(f"{k} = %s" for k in where)
    return owner.execute(
        f"SELECT user_id, patient_id, action, outcome, detail FROM audit_log WHERE {clauses} ORDER BY id",  # noqa: S608
        list(where.values()),
    ).fetchall()
