"""Laboratory tests: helpers that order, take samples and enter results with
plain SQL, as the app's role acting for a member of the cast, the way the
app does; and a browser for the pages."""

from datetime import datetime

import psycopg
import pytest

from tests.access.conftest import browser  # noqa: F401  (the pages' fixture)

POTASSIUM, SODIUM, HAEMOGLOBIN, CREATININE = "2823-3", "2951-2", "718-7", "14682-9"


def order(
    conn: psycopg.Connection,
    cast,
    *,
    patient: int | None = None,
    unit: int | None = None,
    tests: list[str] | None = None,
    panels: list[str] | None = None,
    priority: str = "routine",
) -> int:
    """An order placed through lab_order_place (as whoever ``conn`` acts for)."""
    return conn.execute(
        "SELECT lab_order_place(%s, %s, %s, %s, %s, %s) AS id",
        [
            patient or cast.greta_patient,
            unit or cast.unit_med,
            priority,
            "Hyperkalemi?",
            tests if tests is not None else [POTASSIUM],
            panels or [],
        ],
    ).fetchone()["id"]


def sample(conn: psycopg.Connection, order_id: int, at: datetime | None = None) -> None:
    conn.execute("SELECT lab_order_sample(%s, coalesce(%s, now()))", [order_id, at])


def line(conn: psycopg.Connection, order_id: int, loinc: str) -> dict:
    """An order line (read as the owner or an acting user)."""
    return conn.execute(
        "SELECT id, patient_id, loinc FROM lab_order_item WHERE order_id = %s AND loinc = %s",
        [order_id, loinc],
    ).fetchone()


def result(
    conn: psycopg.Connection, item: dict, value, *, supersedes: int | None = None, patient: int | None = None
) -> dict:
    """A result of an order line; returns id and flag as the database made them."""
    return conn.execute(
        "INSERT INTO lab_result (item_id, patient_id, loinc, value, supersedes) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id, flag",
        [item["id"], patient or item["patient_id"], item["loinc"], value, supersedes],
    ).fetchone()


@pytest.fixture()
def sampled(acting_as, cast) -> dict:
    """Dr Alice's potassium order for Greta, sampled by Nurse Bob; its line."""
    order_id = order(acting_as(cast.alice), cast)
    sample(acting_as(cast.bob), order_id)
    return {"order": order_id, "line": line(acting_as(cast.alice), order_id, POTASSIUM)}
