"""The lab pages and API beside the main flow: bad input comes back with its
messages and what was typed, the JSON API posts results like the form does,
imaging is ordered, reported and acknowledged, every read and write leaves
its audit row, and a ward board's one query finds each patient's
unacknowledged critical results."""

from hms.core.context import CurrentUser, RequestContext
from hms.core.roles import Role
from hms.lab import read
from hms.lab.pages import local_now
from tests.lab.conftest import POTASSIUM, SODIUM, line, order, result, sample


def _audit(owner, action: str) -> int:
    return owner.execute("SELECT count(*) AS n FROM audit_log WHERE action = %s", [action]).fetchone()["n"]


def test_an_order_without_tests_is_shown_again_with_its_message(browser, cast, owner):
    alice = browser("alice")
    response = alice.post(
        f"/patients/{cast.greta_patient}/lab/new",
        {"care_unit_id": str(cast.unit_med), "clinical_question": "Trötthet sedan en vecka"},
    )
    assert response.status_code == 422
    assert "Choose at least one test or panel." in response.text
    assert "Trötthet sedan en vecka" in response.text
    assert owner.execute("SELECT count(*) AS n FROM lab_order").fetchone()["n"] == 0


def test_an_order_from_another_units_name_is_refused_beside_the_unit(browser, cast, owner):
    response = browser("alice").post(
        f"/patients/{cast.greta_patient}/lab/new", {"care_unit_id": str(cast.unit_surg), "tests": POTASSIUM}
    )
    assert response.status_code == 422 and "Choose one of your care units." in response.text


def test_a_result_that_is_not_a_number_keeps_what_was_typed(browser, acting_as, cast, owner, sampled):
    item = sampled["line"]["id"]
    response = browser("bob").post(
        f"/patients/{cast.greta_patient}/lab/orders/{sampled['order']}/results", {f"value_{item}": "hög"}
    )
    assert response.status_code == 422 and 'value="hög"' in response.text
    assert owner.execute("SELECT count(*) AS n FROM lab_result").fetchone()["n"] == 0


def test_a_changed_value_is_saved_as_a_correction(browser, cast, owner, sampled):
    item = sampled["line"]["id"]
    url = f"/patients/{cast.greta_patient}/lab/orders/{sampled['order']}/results"
    bob = browser("bob")
    assert bob.post(url, {f"value_{item}": "7.4"}).status_code == 303
    assert bob.post(url, {f"value_{item}": "7.4"}).status_code == 303  # unchanged: nothing new
    assert (
        bob.post(url, {f"value_{item}": "4.4", f"comment_{item}": "Hemolys i första provet"}).status_code
        == 303
    )
    rows = owner.execute("SELECT value, flag, supersedes FROM lab_result ORDER BY id").fetchall()
    assert [(float(r["value"]), r["flag"], r["supersedes"] is not None) for r in rows] == [
        (7.4, "critical_high", False),
        (4.4, "normal", True),
    ]
    history = bob.get(url).text
    assert "Every result, corrections included" in history and "Correction" in history


def test_results_posted_to_the_api_are_flagged_by_the_database(browser, cast, owner):
    alice, bob = browser("alice"), browser("bob")
    greta = cast.greta_patient
    assert (
        alice.post(
            f"/patients/{greta}/lab/new", {"care_unit_id": str(cast.unit_med), "panels": "ELECTROLYTES"}
        ).status_code
        == 303
    )
    order_id = owner.execute("SELECT id FROM lab_order").fetchone()["id"]
    assert (
        bob.post(f"/patients/{greta}/lab/orders/{order_id}/sample", {"sampled_at": local_now()}).status_code
        == 303
    )
    url = f"/api/patients/{greta}/lab/orders/{order_id}/results"
    # a test the order does not have, and a value that is no number: nothing saved
    wrong = bob.post(url, json=[{"loinc": "718-7", "value": 120}, {"loinc": POTASSIUM, "value": 4.0}])
    assert wrong.status_code == 422 and "718-7" in wrong.json()["errors"]
    assert bob.post(url, json=[{"loinc": POTASSIUM, "value": "x"}]).status_code == 422
    posted = bob.post(url, json=[{"loinc": POTASSIUM, "value": 2.6}, {"loinc": SODIUM, "value": 141}])
    assert posted.status_code == 200 and posted.json() == {"written": 2}
    results = {r["loinc"]: r for r in alice.get(f"/api/patients/{greta}/lab/results").json()}
    assert results[POTASSIUM]["flag"] == "critical_low" and results[SODIUM]["flag"] == "normal"
    assert owner.execute("SELECT DISTINCT source::text AS s FROM lab_result").fetchone()["s"] == "api"
    # a patient of the portal has no such API, and a doctor without care gets nothing
    assert browser("greta").get(f"/api/patients/{greta}/lab/results").status_code == 403
    assert browser("charlie").get(f"/api/patients/{greta}/lab/results").status_code in (403, 404)


def test_imaging_is_ordered_reported_and_acknowledged(browser, cast, owner):
    alice = browser("alice")
    greta = cast.greta_patient
    placed = alice.post(
        f"/patients/{greta}/radiology/new",
        {
            "care_unit_id": str(cast.unit_med),
            "modality": "xray",
            "body_part": "Thorax",
            "question": "Pneumoni?",
        },
    )
    assert placed.status_code == 303
    exam = owner.execute("SELECT id FROM radiology_order").fetchone()["id"]
    short = alice.post(f"/patients/{greta}/radiology/{exam}/report", {"body": "Ok"})
    assert short.status_code == 422
    signed = alice.post(
        f"/patients/{greta}/radiology/{exam}/report", {"body": "Inga infiltrat. Normal hjärtstorlek."}
    )
    assert signed.status_code == 303
    page = alice.get(f"/patients/{greta}/lab").text
    assert "Inga infiltrat. Normal hjärtstorlek." in page and "X-ray" in page
    assert alice.post(f"/patients/{greta}/radiology/{exam}/acknowledge").status_code == 303
    ack = owner.execute("SELECT acknowledged_by FROM radiology_report_ack").fetchone()
    assert ack["acknowledged_by"] == cast.alice
    # Nurse Bob may read the report but neither write nor acknowledge one
    assert browser("bob").post(f"/patients/{greta}/radiology/{exam}/acknowledge").status_code == 403


def test_every_read_and_write_leaves_its_audit_row(browser, cast, owner, sampled):
    greta = cast.greta_patient
    alice = browser("alice")
    alice.get(f"/patients/{greta}/lab")
    alice.get(f"/patients/{greta}/lab/orders/{sampled['order']}/results")
    alice.get(f"/patients/{greta}/lab/trend?loinc={POTASSIUM}")
    item = sampled["line"]["id"]
    alice.post(f"/patients/{greta}/lab/orders/{sampled['order']}/results", {f"value_{item}": "7.0"})
    result_id = owner.execute("SELECT id FROM lab_result").fetchone()["id"]
    alice.get("/")
    alice.post(f"/patients/{greta}/lab/results/{result_id}/acknowledge")
    counts = {
        a: _audit(owner, a) for a in ("lab.list", "lab.read", "lab.write", "lab.critical", "lab.acknowledge")
    }
    assert counts == {"lab.list": 1, "lab.read": 2, "lab.write": 1, "lab.critical": 1, "lab.acknowledge": 1}
    # the order and the sample, written in the fixture as raw SQL, are audited by the pages that make them
    browser("bob").get("/lab/sampling")
    assert _audit(owner, "lab.worklist") == 0  # nothing was waiting: no patient listed


def test_a_ward_board_gets_each_patients_critical_results_in_one_query(acting_as, owner, cast, sampled):
    critical = result(acting_as(cast.bob), sampled["line"], 6.6)
    other = order(acting_as(cast.alice), cast)
    sample(acting_as(cast.bob), other)
    result(acting_as(cast.bob), line(owner, other, POTASSIUM), 4.1)
    alice = acting_as(cast.alice)
    with alice.transaction():
        ctx = RequestContext(
            conn=alice.conn,
            user=CurrentUser(cast.alice, "alice", Role.DOCTOR, "Alice", "en"),
            locale="en",
            csrf_token="x",
            client_addr=None,
        )
        board = read.critical_unacknowledged_for(ctx, patient_ids=[cast.greta_patient, 999999])
        mine = read.critical_unacknowledged_mine(ctx)
    assert [r["result_id"] for r in board[cast.greta_patient]] == [critical["id"]]
    assert list(board) == [cast.greta_patient]
    assert [r["result_id"] for r in mine] == [critical["id"]]
    # Dr Charlie, without Greta in care, gets nothing from the same query
    charlie = acting_as(cast.charlie)
    with charlie.transaction():
        ctx = RequestContext(
            conn=charlie.conn,
            user=CurrentUser(cast.charlie, "charlie", Role.DOCTOR, "Charlie", "en"),
            locale="en",
            csrf_token="x",
            client_addr=None,
        )
        assert read.critical_unacknowledged_for(ctx, patient_ids=[cast.greta_patient]) == {}


def test_the_lab_pages_speak_swedish(browser, cast, sampled):
    bob = browser("bob")
    bob.client.cookies.set("hms_lang", "sv")
    greta = cast.greta_patient
    page = bob.get(f"/patients/{greta}/lab")
    assert page.status_code == 200 and "Labbeställningar" in page.text and "Registrera svar" in page.text
    form = bob.get(f"/patients/{greta}/lab/orders/{sampled['order']}/results")
    assert "Spara svaren" in form.text and "Kalium" in form.text
    assert "Prover att ta" in bob.get("/lab/sampling").text


def test_a_sample_time_in_the_future_is_refused_beside_its_order(browser, acting_as, cast, owner):
    order_id = order(acting_as(cast.alice), cast)
    response = browser("bob").post(
        f"/patients/{cast.greta_patient}/lab/orders/{order_id}/sample", {"sampled_at": "2099-01-01T08:00"}
    )
    assert response.status_code == 422
    assert "The sample time must be after the order and not in the future." in response.text
    assert 'value="2099-01-01T08:00"' in response.text
    assert (
        owner.execute("SELECT status FROM lab_order WHERE id = %s", [order_id]).fetchone()["status"]
        == "ordered"
    )


def test_the_ordering_doctor_cancels_an_order_with_a_reason(browser, acting_as, cast, owner):
    order_id = order(acting_as(cast.alice), cast)
    url = f"/patients/{cast.greta_patient}/lab/orders/{order_id}/cancel"
    assert browser("alice").post(url, {"reason": "x"}).status_code == 422
    asked = browser("alice").post(url, {"reason": "Fel patient vald"})
    assert asked.status_code == 200 and "Cancel the lab order?" in asked.text
    assert (
        owner.execute("SELECT status FROM lab_order WHERE id = %s", [order_id]).fetchone()["status"]
        == "ordered"
    )
    assert browser("alice").post(url, {"reason": "Fel patient vald", "confirmed": "yes"}).status_code == 303
    row = owner.execute("SELECT status, cancelled_by FROM lab_order WHERE id = %s", [order_id]).fetchone()
    assert row == {"status": "cancelled", "cancelled_by": cast.alice}
