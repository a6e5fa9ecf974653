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


def _patient(owner, number: str, given: str) -> int:
    return owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex, city) "
        "VALUES (%s, %s, 'Gustafsson', %s, 'male', 'Uppsala') RETURNING id",
        [number, given, f"{number[:4]}-{number[4:6]}-{number[6:8]}"],
    ).fetchone()["id"]


def test_a_lists_rows_name_for_each_patient_the_unit_that_has_them_in_care(client, cast, owner):
    """Dr Alice on two units searches a name: each patient listed is logged
    from her unit that has them in care (Greta: medicine, Gustav: surgery,
    by an encounter ended last week); Gösta, in nobody's care, from no unit,
    since she has more than one."""
    owner.execute(
        "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [cast.alice, cast.unit_surg]
    )
    gustav = _patient(owner, "195003032397", "Gustav")
    gosta = _patient(owner, "195104042386", "Gösta")
    owner.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by, started_at, ended_at) "
        "VALUES (%s, %s, 'outpatient', 'Kontroll', %s, now() - interval '8 days', now() - interval '7 days')",
        [gustav, cast.unit_surg, cast.charlie],
    )
    login(client, "alice")
    assert client.get("/patients", params={"q": "gustafsson"}).status_code == 200
    rows = owner.execute(
        "SELECT patient_id, care_unit_id, user_id, user_role::text AS role FROM audit_log "
        "WHERE action = 'patient.search' ORDER BY id"
    ).fetchall()
    units = {r["patient_id"]: r["care_unit_id"] for r in rows}
    assert units == {cast.greta_patient: cast.unit_med, gustav: cast.unit_surg, gosta: None}
    assert {(r["user_id"], r["role"]) for r in rows} == {(cast.alice, "doctor")}
    # the same rule, row by row, as the audit trigger asks it of a single row
    for patient, unit in units.items():
        one = owner.execute("SELECT hms_access_unit(%s, %s) AS u", [cast.alice, patient]).fetchone()["u"]
        assert one == unit
