"""How soon a unit's consultations are answered and its patients' messages,
counted by hand.

Consultations asked of Dr Erik (an outside cardiologist), by asking unit
and the month asked:

  medical unit, April 2026: 7 asked; 5 answered after 2, 4, 6, 8, 10 h, one
    withdrawn, one still open → 7 asked, median 6.0 h; the 5 answered are
    withheld, since 7 less 5 would tell that 2 were not.
  medical unit, May 2026: 5 asked, answered after 1, 2, 3, 4, 5 h → 5, 5, 3.0.
  surgery, April 2026: 4 asked, each answered after an hour → <5, <5, none.

Conversations patients started, by unit and the month started, and the
hours until the unit's first message (a patient's second message before
it, and the unit's later messages, change nothing):

  medical unit, April 2026: 6 started; answered after 1, 2, 3, 4, 30 h,
    one never → 6, median 3.0 h; the 5 answered withheld (6 less 5 is 1).
  medical unit, May 2026: 5 started, answered after 0.5, 1, 1.5, 2, 2.5 h
    → 5, 5, 1.5.
  surgery, April 2026: 4 started, each answered after an hour → <5, <5, none.
"""

from datetime import date, datetime, timedelta

import pytest

from tests.reports.conftest import _patients, refresh
from tests.reports.given import backdated, hours, moment, rows

APRIL, MAY = date(2026, 4, 1), date(2026, 5, 1)


def _consultation(owner, cast, patient: int, unit: int, asker: int, asked: datetime, answer: timedelta | str):
    """A consultation asked at `asked`: answered `answer` later, or 'withdrawn', or 'open'."""
    answered = asked + answer if isinstance(answer, timedelta) else None
    owner.execute(
        "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts, status, "
        "created_at, answered_at, answer, withdrawn_at, withdraw_reason) VALUES (%s, %s, %s, %s, "
        "'Bedömning av EKG-förändringar?', '{summary}', %s, %s, %s, %s, %s, %s)",
        [patient, unit, asker, cast.erik, "answered" if answered else answer, asked, answered,
         "Sinusrytm, inga åtgärder." if answered else None,
         asked + timedelta(hours=1) if answer == "withdrawn" else None,
         "Löst på annat sätt" if answer == "withdrawn" else None],
    )  # fmt: skip


@pytest.fixture()
def consultations(owner, cast):
    patients = _patients(owner, 6)
    med, surg = cast.unit_med, cast.unit_surg
    april: list[timedelta | str] = [*hours(2, 4, 6, 8, 10), "withdrawn", "open"]
    for i, answer in enumerate(april):
        _consultation(owner, cast, patients[i % 6], med, cast.alice, moment(4, 3 + i), answer)
    for i, answer in enumerate(hours(1, 2, 3, 4, 5)):
        _consultation(owner, cast, patients[i], med, cast.alice, moment(5, 3 + i), answer)
    for i in range(4):
        _consultation(owner, cast, patients[i], surg, cast.charlie, moment(4, 3 + i), hours(1)[0])
    refresh(owner)


def consultation_cells(conn) -> dict:
    return {
        (r["care_unit_id"], r["month"]): (r["consultations"], r["answered"], r["median_hours_to_answer"])
        for r in rows(conn, "report_oversight_consultation_month")
    }


def test_consultations_asked_answered_and_the_hours_to_the_answer(acting_as, cast, consultations):
    assert consultation_cells(acting_as(cast.adam)) == {
        (cast.unit_med, APRIL): (7, None, 6),
        (cast.unit_med, MAY): (5, 5, 3),
        (cast.unit_surg, APRIL): (None, None, None),
    }


def test_the_head_of_medicine_reads_her_units_consultations_only(
    acting_as, cast, consultations, head_of_medicine
):
    assert consultation_cells(acting_as(cast.alice)) == {
        (cast.unit_med, APRIL): (7, None, 6),
        (cast.unit_med, MAY): (5, 5, 3),
    }


def _thread(owner, cast, patient: int, unit: int, staff: int, started: datetime, answer: timedelta | None):
    """Greta's side writes at `started`, and again a quarter of an hour later;
    the unit answers `answer` later (if at all), and once more the next day."""
    with backdated(owner):
        thread = owner.execute(
            "INSERT INTO message_thread (patient_id, care_unit_id, subject, started_by, started_at, status, "
            "last_message_at) VALUES (%s, %s, 'Fråga om provsvar', %s, %s, %s, %s) RETURNING id",
            [patient, unit, cast.greta, started, "new", started],
        ).fetchone()["id"]
        posts = [(cast.greta, "patient", started), (cast.greta, "patient", started + timedelta(minutes=15))]
        if answer is not None:
            posts += [
                (staff, "staff", started + answer),
                (staff, "staff", started + answer + timedelta(days=1)),
            ]
        for author, side, at in posts:
            owner.execute(
                "INSERT INTO thread_message (thread_id, patient_id, author_id, side, body, posted_at) "
                "VALUES (%s, %s, %s, %s, 'Hej!', %s)",
                [thread, patient, author, side, at],
            )
        if answer is not None:
            owner.execute(
                "UPDATE message_thread SET status = 'answered', answered_at = %s, answered_by = %s, "
                "last_message_at = %s WHERE id = %s",
                [started + answer, staff, started + answer + timedelta(days=1), thread],
            )


@pytest.fixture()
def messages(owner, cast):
    med, surg, greta = cast.unit_med, cast.unit_surg, cast.greta_patient
    for i, answer in enumerate([*hours(1, 2, 3, 4, 30), None]):
        _thread(owner, cast, greta, med, cast.alice, moment(4, 3 + i), answer)
    for i, answer in enumerate(hours(0.5, 1, 1.5, 2, 2.5)):
        _thread(owner, cast, greta, med, cast.bob, moment(5, 3 + i), answer)
    for i in range(4):
        _thread(owner, cast, greta, surg, cast.charlie, moment(4, 3 + i), hours(1)[0])
    refresh(owner)


def message_cells(conn) -> dict:
    return {
        (r["care_unit_id"], r["month"]): (r["threads"], r["answered"], r["median_hours_to_answer"])
        for r in rows(conn, "report_communication_message_month")
    }


def test_conversations_answered_and_the_hours_to_the_units_first_answer(acting_as, cast, messages):
    assert message_cells(acting_as(cast.adam)) == {
        (cast.unit_med, APRIL): (6, None, 3),
        (cast.unit_med, MAY): (5, 5, 1.5),
        (cast.unit_surg, APRIL): (None, None, None),
    }


def test_the_head_of_medicine_reads_her_units_conversations_only(acting_as, cast, messages, head_of_medicine):
    assert message_cells(acting_as(cast.alice)) == {
        (cast.unit_med, APRIL): (6, None, 3),
        (cast.unit_med, MAY): (5, 5, 1.5),
    }
