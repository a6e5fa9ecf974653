"""Attacks on the ward board by someone who holds the app role's credentials
and types plain SQL, acting through a real verified session: a nurse of
another unit runs the board's own statement on the medical ward, the same
statement stripped of its unit filter, the red-flag list with a colleague's
id forged in, and the board's tables one by one. She reads nothing of the
board's patients; the ward's own nurse, the control, reads them all."""

from datetime import timedelta

import pytest

from hms.db.queries import load
from tests.cast import password_hash
from tests.lab.conftest import POTASSIUM, line, order, result, sample
from tests.ward.conftest import UNWELL, admitted, allergy, care_plan, vitals  # noqa: F401  (a fixture)

q = load("ward")
UNIT_FILTER = """    AND w.care_unit_id IN (
        SELECT s.care_unit_id FROM staff_care_unit AS s
        WHERE s.user_id = (SELECT hms_current_user_id())
    )
"""


@pytest.fixture()
def sara(owner, cast) -> int:
    """Sara, a nurse of the surgical unit (Dr Charlie's), not of the medical ward."""
    user = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES ('sara', %s, 'nurse', 'Sara Sjö') RETURNING id",
        [password_hash()],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO staff_profile (user_id, role, profession) VALUES (%s, 'nurse', 'Nurse')", [user]
    )
    owner.execute(
        "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [user, cast.unit_surg]
    )
    return user


@pytest.fixture()
def full_board(acting_as, owner, cast, admitted) -> None:  # noqa: F811
    """Greta in bed A with a red NEWS2, an allergy, a care plan and a critical potassium."""
    vitals(owner, cast, UNWELL, ago=timedelta(minutes=10))
    allergy(owner, cast)
    care_plan(owner, cast, "Fallprevention", "Larmknapp inom räckhåll")
    order_id = order(acting_as(cast.alice), cast)
    sample(acting_as(cast.bob), order_id)
    result(acting_as(cast.bob), line(acting_as(cast.alice), order_id, POTASSIUM), 6.9)


def test_the_wards_own_nurse_reads_the_board(acting_as, cast, full_board):
    rows = list(q.ward_board(acting_as(cast.bob), ward_id=cast.ward_med))
    greta = next(r for r in rows if r["patient_id"] == cast.greta_patient)
    assert greta["news2"] == 5 and greta["allergies"] == 1
    assert greta["care_plans"] and greta["critical_results"]


def test_a_nurse_of_another_unit_runs_the_boards_statement_and_gets_no_row(acting_as, cast, sara, full_board):
    assert list(q.ward_board(acting_as(sara), ward_id=cast.ward_med)) == []


def test_without_the_unit_filter_the_beds_show_but_no_patient(acting_as, cast, sara, full_board):
    text = q.ward_board.sql
    assert UNIT_FILTER in text
    unfiltered = text.replace(UNIT_FILTER, "")
    rows = acting_as(sara).execute(unfiltered.replace(":ward_id", "%(ward_id)s"), {"ward_id": cast.ward_med})
    rows = rows.fetchall()
    assert rows, "the beds themselves are not patient data"
    assert {r["bed_id"] for r in rows} == {cast.bed_a, cast.bed_b}
    for row in rows:
        assert row["patient_id"] is None and row["given_name"] is None and row["news2"] is None
        assert row["care_plans"] is None and row["critical_results"] is None and row["attending"] is None


def test_a_forged_colleagues_id_lists_no_red_flag(acting_as, cast, sara, full_board):
    assert [r["patient_id"] for r in q.red_flags_mine(acting_as(cast.bob), user_id=cast.bob)] == [
        cast.greta_patient
    ]
    assert list(q.red_flags_mine(acting_as(sara), user_id=cast.bob)) == []


@pytest.mark.parametrize(
    "table", ["encounter", "vital_signs", "allergy", "care_plan", "lab_result"]
)  # fmt: skip
def test_the_boards_tables_show_her_nothing_of_the_patient(acting_as, cast, sara, full_board, table):
    rows = acting_as(sara).execute(f"SELECT id FROM {table} WHERE patient_id = %s", [cast.greta_patient])  # noqa: S608
    assert rows.fetchall() == []
