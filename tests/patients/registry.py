"""Patients put in place with raw SQL, and what the tests count afterwards."""

import re

from markupsafe import escape

from tests.db.pnr import number


def add_patient(
    owner, given: str, family: str, born: str, *, serial: str = "238", sex: str = "female", **extra: object
) -> int:
    """Insert a patient born on ``born`` (YYYYMMDD); returns the id."""
    columns = ["personal_number", "given_name", "family_name", "date_of_birth", "sex", *extra]
    values = [number(born, serial), given, family, f"{born[:4]}-{born[4:6]}-{born[6:]}", sex, *extra.values()]
    placeholders = ", ".join(["%s"] * len(values))
    return owner.execute(
        f"INSERT INTO patient ({', '.join(columns)}) VALUES ({placeholders}) RETURNING id", values
    ).fetchone()["id"]


def count(owner, table: str) -> int:
    return owner.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def audit_rows(owner, action: str) -> list[dict]:
    return owner.execute(
        "SELECT user_id, user_role, patient_id, object_type, object_id, outcome, detail FROM audit_log "
        "WHERE action = %s ORDER BY id",
        [action],
    ).fetchall()


def input_value(html: str, name: str) -> str | None:
    """The value an input of the page holds (HTML-escaped, as sent), or None without that input."""
    match = re.search(rf'<input id="f-{name}" name="{name}" type="[^"]*" value="([^"]*)"', html)
    return match.group(1) if match else None


def input_keeps(html: str, name: str, value: str) -> bool:
    """True when the page's input ``name`` still holds ``value``, as typed."""
    return input_value(html, name) == str(escape(value))


def field_error(html: str, name: str) -> str | None:
    """The message shown beside a field, if any."""
    start = html.find(f'<p class="error" id="e-{name}">')
    if start < 0:
        return None
    start = html.index(">", start) + 1
    return html[start : html.index("</p>", start)]
