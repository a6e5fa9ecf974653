"""The reports' wall, with raw SQL as hms_app: a report view shows only the
units the acting user may report on (none for a doctor acting as herself,
her department's once she heads it, all for an administrator), nothing to
a connection without a verified user, never the materialised figures
themselves, and no column that could hold a patient's identity."""

import pytest

from tests.db.expect import refused

VIEWS = (
    "report_flow_ward_day",
    "report_flow_unit_month",
    "report_clinical_diagnosis_month",
    "report_clinical_chapter_month",
    "report_clinical_procedure_month",
    "report_clinical_news2_month",
    "report_clinical_critical_month",
    "report_access_wait_month",
    "report_access_attendance_month",
    "report_access_clinician_month",
    "report_medication_atc_month",
    "report_medication_override_month",
    "report_medication_stock",
    "report_oversight_consultation_month",
    "report_communication_message_month",
    "report_communication_request_month",
    "report_communication_referral_month",
)
# The hospital's own figures, for administrators only: no unit column.
HOSPITAL_VIEWS = ("report_oversight_emergency_month",)


def units_seen(conn) -> dict[str, set[int]]:
    return {
        view: {r["care_unit_id"] for r in conn.execute(f"SELECT care_unit_id FROM {view}")}  # noqa: S608
        for view in VIEWS
    }


def test_every_report_view_is_listed_here(owner):
    found = owner.execute(
        "SELECT table_name FROM information_schema.views WHERE table_schema = 'public' AND table_name LIKE 'report\\_%'"
    ).fetchall()
    assert {r["table_name"] for r in found} == set(VIEWS) | set(HOSPITAL_VIEWS)


def test_a_doctor_acting_as_herself_gets_no_row(acting_as, cast, history):
    seen = units_seen(acting_as(cast.alice))
    assert seen == {view: set() for view in VIEWS}


@pytest.mark.parametrize("who", ["bob", "rita", "petra", "erik", "greta", "sven"])
def test_no_other_role_gets_a_row(acting_as, cast, history, who):
    assert units_seen(acting_as(cast.ids[who])) == {view: set() for view in VIEWS}


def test_without_a_verified_user_there_is_no_row(app_conn, history):
    assert units_seen(app_conn) == {view: set() for view in VIEWS}


def test_a_department_head_gets_only_her_department(acting_as, cast, history, head_of_medicine):
    seen = units_seen(acting_as(cast.alice))
    assert seen["report_flow_ward_day"] == {cast.unit_med}
    assert seen["report_flow_unit_month"] == {cast.unit_med}
    assert seen["report_clinical_news2_month"] == {cast.unit_med}
    assert all(units <= {cast.unit_med} for units in seen.values())


def hospital_rows(conn) -> int:
    return sum(
        conn.execute(f"SELECT count(*) AS n FROM {view}").fetchone()["n"]  # noqa: S608
        for view in HOSPITAL_VIEWS
    )


def test_the_hospitals_own_figures_are_the_administrators_alone(acting_as, app_conn, owner, cast, history):
    owner.execute(
        "INSERT INTO emergency_access (user_id, patient_id, reason, starts_at, expires_at) "
        "SELECT %s, p, 'Medvetslös patient i akutrummet, ingen anhörig nåbar', "
        "'2026-03-10 03:00+01', '2026-03-10 04:00+01' FROM unnest(%s::bigint[]) AS p",
        [cast.charlie, history.patients],
    )
    owner.execute("SELECT report_refresh()")
    assert hospital_rows(acting_as(cast.adam)) == 1
    row = (
        acting_as(cast.adam)
        .execute("SELECT review, accesses FROM report_oversight_emergency_month")
        .fetchone()
    )
    assert (row["review"], row["accesses"]) == ("unreviewed", 6)
    owner.execute(
        "INSERT INTO department_head (department_id, user_id) SELECT department_id, %s FROM care_unit WHERE id = %s",
        [cast.alice, cast.unit_med],
    )
    for conn in (acting_as(cast.alice), acting_as(cast.bob), app_conn):
        assert hospital_rows(conn) == 0


def test_the_administrator_sees_every_unit(acting_as, cast, history):
    seen = units_seen(acting_as(cast.adam))
    assert seen["report_flow_unit_month"] == {cast.unit_med, cast.unit_surg}
    assert seen["report_clinical_news2_month"] == {cast.unit_med, cast.unit_surg}


def test_heading_a_department_opens_no_patient_record(acting_as, cast, history, head_of_medicine):
    """Dr Charlie heads nothing and has no care of these patients; made head of
    surgery he reads surgery's figures, and still no patient's rows."""
    surgery = (
        acting_as(cast.adam)
        .execute("SELECT department_id FROM care_unit WHERE id = %s", [cast.unit_surg])
        .fetchone()["department_id"]
    )
    admin = acting_as(cast.adam)
    admin.execute("SELECT department_head_appoint(%s, %s)", [surgery, cast.charlie])
    charlie = acting_as(cast.charlie)
    assert units_seen(charlie)["report_flow_unit_month"] == {cast.unit_surg}
    for table in ("encounter", "diagnosis", "vital_signs", "procedure_record"):
        statement = f"SELECT count(*) AS n FROM {table} WHERE patient_id = ANY(%s)"  # noqa: S608
        assert charlie.execute(statement, [history.patients]).fetchone()["n"] == 0, table


def test_only_an_administrator_appoints_a_head(acting_as, cast):
    alice = acting_as(cast.alice)
    refused(alice, f"SELECT department_head_appoint(1, {cast.alice})", sqlstate="42501")
    refused(alice, "INSERT INTO department_head (department_id, user_id) VALUES (1, 1)", sqlstate="42501")


def test_the_app_cannot_read_the_materialised_figures_or_refresh_them(app_conn, acting_as, cast):
    adam = acting_as(cast.adam)
    for conn in (app_conn, adam):
        refused(conn, "SELECT count(*) FROM reporting.flow_ward_day", sqlstate="42501")
        refused(conn, "SELECT count(*) FROM reporting.clinical_diagnosis_month_live", sqlstate="42501")
        refused(conn, "SELECT report_refresh()", sqlstate="42501")


# A column that could carry who a patient is: an id, a name, a number, a birth date.
IDENTITY = (
    "patient",
    "personal",
    "pnr",
    "given",
    "family",
    "birth",
    "born",
    "user_id",
    "encounter",
    "address",
)


def test_no_report_view_has_a_column_that_could_name_a_patient(owner):
    columns = owner.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name LIKE 'report\\_%' AND table_name <> 'report_refresh'"
    ).fetchall()
    assert len(columns) > 30
    wrong = [
        f"{c['table_name']}.{c['column_name']}"
        for c in columns
        if any(w in c["column_name"] for w in IDENTITY)
    ]
    assert wrong == []


def test_the_report_views_are_security_barriers_and_read_only_materialised_figures(owner):
    views = owner.execute(
        "SELECT c.relname, c.reloptions FROM pg_class AS c WHERE c.relkind = 'v' AND c.relname LIKE 'report\\_%'"
    ).fetchall()
    assert all("security_barrier=true" in (v["reloptions"] or []) for v in views)
    sources = owner.execute(
        "SELECT DISTINCT v.relname AS view, t.relname AS source, t.relkind FROM pg_depend AS d "
        "JOIN pg_rewrite AS r ON d.objid = r.oid JOIN pg_class AS v ON r.ev_class = v.oid "
        "JOIN pg_class AS t ON d.refobjid = t.oid "
        "WHERE v.relname LIKE 'report\\_%' AND v.relkind = 'v' AND t.oid <> v.oid"
    ).fetchall()
    patient_tables = {
        "encounter",
        "diagnosis",
        "vital_signs",
        "bed_occupancy",
        "procedure_record",
        "lab_result",
        "patient",
    }
    assert not {s["source"] for s in sources} & patient_tables


def test_the_refresh_runs_as_its_own_role_and_stamps_the_time(settings, owner_url, owner, history):
    import psycopg

    from hms.db.connect import reporter_url

    with psycopg.connect(reporter_url(settings, owner_url), autocommit=True) as reporter:
        figures = owner.execute(
            "SELECT count(*) AS n FROM pg_matviews WHERE schemaname = 'reporting'"
        ).fetchone()
        assert reporter.execute("SELECT report_refresh()").fetchone()[0] == figures["n"] >= 12
        for statement in ("SELECT count(*) FROM report_flow_ward_day", "SELECT count(*) FROM encounter"):
            refused(reporter, statement, sqlstate="42501")
    stamps = owner.execute("SELECT figure, refreshed_at FROM report_refresh").fetchall()
    assert len(stamps) == figures["n"] and all(s["refreshed_at"] is not None for s in stamps)
