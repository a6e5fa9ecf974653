"""Two clinicians enter the first result of one test at once: the second
waits for the first (the trigger locks the order) and is then told the test
has a newer result, so a line never has two current results."""

import threading

import psycopg

from tests.lab.conftest import POTASSIUM

INSERT = "INSERT INTO lab_result (item_id, patient_id, loinc, value) VALUES (%s, %s, %s, %s)"


def test_two_first_results_of_one_line_at_once_make_one(acting_as, owner, cast, sampled):
    item = sampled["line"]["id"]
    alice, bob = acting_as(cast.alice), acting_as(cast.bob)
    outcome: dict[str, str] = {}

    def second() -> None:
        try:
            bob.execute(INSERT, [item, cast.greta_patient, POTASSIUM, 6.1])
            outcome["bob"] = "saved"
        except psycopg.Error as exc:
            outcome["bob"] = exc.diag.constraint_name or exc.sqlstate or "?"

    with alice.transaction():
        alice.execute(INSERT, [item, cast.greta_patient, POTASSIUM, 4.1])
        waiting = threading.Thread(target=second)
        waiting.start()
        waiting.join(timeout=1)
        assert waiting.is_alive(), "the second result should wait for the first"
    waiting.join(timeout=10)
    assert outcome == {"bob": "lab_result_supersedes_current"}
    values = owner.execute("SELECT value FROM lab_result WHERE item_id = %s", [item]).fetchall()
    assert [float(v["value"]) for v in values] == [4.1]
