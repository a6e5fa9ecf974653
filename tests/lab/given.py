"""Laboratory rows written as the owner, as the cast is (for the access tests' world)."""

import psycopg

POTASSIUM = "2823-3"


def given_orders(owner: psycopg.Connection, cast, *, patient: int) -> tuple[int, int]:
    """A potassium order and a chest X-ray by Dr Alice from the medical ward,
    written as the owner (as the cast is); returns (lab order, examination)."""
    lab_order = owner.execute(
        "INSERT INTO lab_order (patient_id, care_unit_id, ordered_by) VALUES (%s, %s, %s) RETURNING id",
        [patient, cast.unit_med, cast.alice],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO lab_order_item (order_id, patient_id, care_unit_id, loinc) VALUES (%s, %s, %s, %s)",
        [lab_order, patient, cast.unit_med, POTASSIUM],
    )
    exam = owner.execute(
        "INSERT INTO radiology_order (patient_id, care_unit_id, ordered_by, modality, body_part, question) "
        "VALUES (%s, %s, %s, 'xray', 'Thorax', 'Pneumoni?') RETURNING id",
        [patient, cast.unit_med, cast.alice],
    ).fetchone()["id"]
    return lab_order, exam
