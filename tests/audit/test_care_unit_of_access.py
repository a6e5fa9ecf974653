"""Each audit row names the care unit the access was made from."""

from tests.conftest import login


def test_a_chart_read_is_logged_with_the_readers_unit_that_has_the_patient_in_care(client, cast, owner):
    login(client, "alice")
    assert client.get(f"/patients/{cast.greta_patient}/journal").status_code == 200
    row = owner.execute(
        "SELECT user_id, care_unit_id FROM audit_log WHERE action = 'journal.read' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == {"user_id": cast.alice, "care_unit_id": cast.unit_med}


def test_the_unit_is_part_of_the_hash_chain(client, cast, owner):
    login(client, "alice")
    client.get(f"/patients/{cast.greta_patient}/journal")
    assert owner.execute("SELECT audit_log_verify() AS broken").fetchone()["broken"] is None
