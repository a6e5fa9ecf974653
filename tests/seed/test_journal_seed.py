"""The demo journals: a small seed writes years of history that the schema
accepts (signed notes, a correction, beds taken now), the demo patient has a
chart worth opening, and the same seed writes the same journals."""

from hms.seed.demo import DEMO_PASSWORD, seed_hospital
from tests.conftest import empty_tables, login

SMALL = 30


def one(owner, query: str, params: list | None = None):
    return next(iter(owner.execute(query, params or []).fetchone().values()))


def demo_patient(owner) -> int:
    return one(
        owner,
        "SELECT pu.patient_id FROM patient_user AS pu JOIN app_user AS u ON u.id = pu.user_id "
        "WHERE u.username = 'patient'",
    )


def journals(owner) -> dict[str, list[tuple]]:
    """What a seed decides about the journals: who, what and where, not ids or clock times."""
    queries = {
        "encounters": "SELECT p.personal_number, e.kind::text, cu.code, e.reason, e.ended_at IS NULL "
        "FROM encounter AS e JOIN patient AS p ON p.id = e.patient_id "
        "JOIN care_unit AS cu ON cu.id = e.care_unit_id ORDER BY 1, 2, 3, 4, 5",
        # One row per version (grouped by its id, not shown): a patient's notes of
        # one kind by one author would otherwise run together in an order of the plan's choosing.
        "notes": "SELECT p.personal_number, n.kind::text, u.username, v.version, v.amend_reason, "
        "string_agg(s.heading || ': ' || s.body, ' | ' ORDER BY s.position) AS text "
        "FROM note AS n JOIN patient AS p ON p.id = n.patient_id "
        "JOIN note_version AS v ON v.note_id = n.id JOIN app_user AS u ON u.id = v.author_id "
        "JOIN note_section AS s ON s.version_id = v.id "
        "GROUP BY v.id, 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5, 6",
        "diagnoses": "SELECT p.personal_number, d.code, d.rank::text, d.resolved_date IS NULL "
        "FROM diagnosis AS d JOIN patient AS p ON p.id = d.patient_id ORDER BY 1, 2, 3, 4",
        "vitals": "SELECT p.personal_number, systolic, diastolic, pulse, temperature, respiratory_rate, "
        "spo2, news2 FROM vital_signs AS v JOIN patient AS p ON p.id = v.patient_id ORDER BY 1, 2, 3, 4, 5, 6, 7",
        "beds": "SELECT p.personal_number, b.ward_name, b.room_name, b.bed_label "
        "FROM bed_status AS b JOIN patient AS p ON p.id = b.patient_id ORDER BY 1",
    }
    return {name: [tuple(row.values()) for row in owner.execute(q)] for name, q in queries.items()}


def test_a_small_seed_writes_journals_the_schema_accepts(owner_url, owner):
    # given a small demo hospital
    seed_hospital(owner_url, seed=7, patients=SMALL)
    # then every note is signed, with text under keyword headings, by its author
    assert one(owner, "SELECT count(*) FROM note_version WHERE status <> 'signed'") == 0
    assert one(owner, "SELECT count(*) FROM note") > 100
    assert (
        one(
            owner,
            "SELECT count(*) FROM note_version AS v WHERE NOT EXISTS "
            "(SELECT FROM note_section AS s WHERE s.version_id = v.id AND btrim(s.body) <> '')",
        )
        == 0
    )
    headings = {r["heading"] for r in owner.execute("SELECT DISTINCT heading FROM note_section")}
    assert {"Kontaktorsak", "Anamnes", "Status", "Bedömning", "Åtgärd", "Vårdförlopp"} <= headings
    # and some notes are amended: a second version that says why and changes the text
    amended = owner.execute(
        "SELECT v.amend_reason, (SELECT string_agg(body, ' ') FROM note_section WHERE version_id = v.id) "
        "<> (SELECT string_agg(body, ' ') FROM note_section WHERE version_id = v.amends_version_id) AS edited "
        "FROM note_version AS v WHERE v.version = 2"
    ).fetchall()
    assert amended and all(r["amend_reason"] and r["edited"] for r in amended)
    # and every author, recorder and responsible doctor works on the care unit they wrote for
    for table, who in (("note_version", "author_id"), ("encounter", "created_by"),
                       ("diagnosis", "recorded_by"), ("vital_signs", "recorded_by"),
                       ("procedure_record", "performed_by"), ("care_plan", "recorded_by")):  # fmt: skip
        strangers = one(
            owner,
            f"SELECT count(*) FROM {table} AS t WHERE NOT EXISTS (SELECT FROM staff_care_unit AS s "  # noqa: S608
            f"WHERE s.user_id = t.{who} AND s.care_unit_id = t.care_unit_id)",
        )
        assert strangers == 0, table
    # and nothing happened before a patient was born or after now
    assert (
        one(
            owner,
            "SELECT count(*) FROM journal_timeline AS t JOIN patient AS p ON p.id = t.patient_id "
            "WHERE t.at < p.date_of_birth OR t.at > now()",
        )
        == 0
    )
    # and NEWS2 is not the same for everyone
    assert one(owner, "SELECT count(DISTINCT news2_band) FROM vital_signs") >= 2


def test_some_patients_lie_in_a_bed_now(owner_url, owner):
    seed_hospital(owner_url, seed=7, patients=SMALL)
    occupied = one(owner, "SELECT count(*) FROM bed_status WHERE patient_id IS NOT NULL")
    open_admissions = one(
        owner, "SELECT count(*) FROM encounter WHERE kind = 'admission' AND ended_at IS NULL"
    )
    assert occupied >= 2
    assert occupied == open_admissions
    assert occupied < one(owner, "SELECT count(*) FROM bed_status") / 2
    # and past stays are over, their beds freed at discharge
    assert (
        one(
            owner,
            "SELECT count(*) FROM encounter AS e JOIN bed_occupancy AS o ON o.encounter_id = e.id "
            "WHERE e.ended_at IS NOT NULL AND upper(o.during) IS DISTINCT FROM e.ended_at",
        )
        == 0
    )


def test_the_demo_patient_has_a_history_and_lies_on_the_demo_doctors_ward(owner_url, owner, client):
    # given the demo hospital
    seed_hospital(owner_url, seed=7, patients=SMALL)
    patient = demo_patient(owner)
    kinds = {
        r["kind"]
        for r in owner.execute("SELECT DISTINCT kind FROM journal_timeline WHERE patient_id = %s", [patient])
    }
    # then their timeline holds every kind of entry, a hip operation and a verified allergy
    assert kinds >= {
        "encounter",
        "note",
        "diagnosis",
        "vitals",
        "allergy",
        "history",
        "procedure",
        "care_plan",
    }
    assert (
        one(
            owner,
            "SELECT count(*) FROM procedure_record WHERE patient_id = %s AND is_surgery "
            "AND anaesthesia = 'general' AND code = 'NFB49'",
            [patient],
        )
        == 1
    )
    assert one(owner, "SELECT bool_and(is_verified) FROM allergy WHERE patient_id = %s", [patient])
    # and the doctor of the medical ward sees them on the home page, and opens their chart
    name = one(owner, "SELECT family_name FROM patient WHERE id = %s", [patient])
    login(client, "doctor", DEMO_PASSWORD)
    assert name in client.get("/").text
    chart = client.get(f"/patients/{patient}/journal")
    assert chart.status_code == 200
    assert "Kontaktorsak" in chart.text


def test_the_same_seed_gives_the_same_journals(owner_url, owner):
    seed_hospital(owner_url, seed=7, patients=SMALL)
    first = journals(owner)
    empty_tables(owner)
    seed_hospital(owner_url, seed=7, patients=SMALL)
    assert journals(owner) == first
    assert first["notes"] and first["beds"]
