"""An outside specialist reads lab and imaging results only when the doctor
chose the lab part of the consultation. Written as an attack that worked
before 0032: the lab tables answer through the clinical area, and the
consultation basis opened them whatever parts were chosen."""

import pytest

from tests.lab.conftest import POTASSIUM, result, sampled  # noqa: F401  (the fixture)

ASK = (
    "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts) "
    "VALUES (%s, %s, %s, %s, %s, %s::consultation_part[]) RETURNING id"
)
LAB_TABLES = ("lab_order", "lab_order_item", "lab_result")


def ask(acting_as, cast, parts: list[str]) -> int:
    return (
        acting_as(cast.alice)
        .execute(
            ASK,
            [cast.greta_patient, cast.unit_med, cast.alice, cast.erik, "Kalium 6,8: behandling?", parts],
        )
        .fetchone()["id"]
    )


def seen(conn, patient: int) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT count(*) AS n FROM {t} WHERE patient_id = %s", [patient]).fetchone()["n"]  # noqa: S608
        for t in LAB_TABLES
    }


@pytest.fixture()
def resulted(acting_as, cast, sampled):  # noqa: F811
    result(acting_as(cast.bob), sampled["line"], "6.8")
    return sampled


@pytest.mark.parametrize("parts", [["summary"], ["summary", "notes", "diagnoses", "vitals", "medication"]])
def test_without_the_lab_part_the_specialist_reads_no_result(acting_as, cast, resulted, parts):
    ask(acting_as, cast, parts)
    assert seen(acting_as(cast.erik), cast.greta_patient) == dict.fromkeys(LAB_TABLES, 0)


def test_with_the_lab_part_he_reads_them_and_not_after_the_answer(acting_as, cast, resulted):
    consultation = ask(acting_as, cast, ["lab"])
    erik = acting_as(cast.erik)
    assert seen(erik, cast.greta_patient) == {"lab_order": 1, "lab_order_item": 1, "lab_result": 1}
    erik.execute(
        "SELECT consultation_answer(%s, %s)", [consultation, "Ge kalciumglukonat och insulin-glukos."]
    )
    assert seen(acting_as(cast.erik), cast.greta_patient) == dict.fromkeys(LAB_TABLES, 0)


def test_the_doctors_own_reads_are_unchanged(acting_as, cast, resulted):
    ask(acting_as, cast, ["summary"])
    assert seen(acting_as(cast.alice), cast.greta_patient)["lab_result"] == 1
