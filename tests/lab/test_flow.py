"""The ordinary path through the pages: a doctor orders a panel, a nurse of
the unit takes the sample, results are entered, the doctor sees a critical
one on the home page and acknowledges it; the trend draws the analyte."""

import re

from hms.lab.pages import local_now
from tests.lab.conftest import POTASSIUM


def _order_id(owner, cast) -> int:
    return owner.execute(
        "SELECT id FROM lab_order WHERE patient_id = %s ORDER BY id DESC LIMIT 1", [cast.greta_patient]
    ).fetchone()["id"]


def _item(owner, order_id: int, loinc: str) -> int:
    return owner.execute(
        "SELECT id FROM lab_order_item WHERE order_id = %s AND loinc = %s", [order_id, loinc]
    ).fetchone()["id"]


def test_order_sample_result_and_acknowledge_through_the_pages(browser, cast, owner):
    alice, bob = browser("alice"), browser("bob")
    greta = cast.greta_patient
    # given Dr Alice orders electrolytes for Greta
    form = alice.get(f"/patients/{greta}/lab/new")
    assert form.status_code == 200 and "Blood count" in form.text
    placed = alice.post(
        f"/patients/{greta}/lab/new",
        {"care_unit_id": str(cast.unit_med), "priority": "urgent", "panels": "ELECTROLYTES"},
    )
    assert placed.status_code == 303, placed.text
    order_id = _order_id(owner, cast)
    # when Nurse Bob finds it on the worklist and marks the sample taken
    worklist = bob.get("/lab/sampling")
    assert worklist.status_code == 200 and "Gustafsson" in worklist.text
    taken = bob.post(f"/patients/{greta}/lab/orders/{order_id}/sample", {"sampled_at": local_now()})
    assert taken.status_code == 303
    # and a critical potassium is entered on the results form
    item = _item(owner, order_id, POTASSIUM)
    entered = bob.post(f"/patients/{greta}/lab/orders/{order_id}/results", {f"value_{item}": "6,8"})
    assert entered.status_code == 303, entered.text
    # then it is flagged critical and stands on Dr Alice's home page
    flag = owner.execute("SELECT flag FROM lab_result WHERE item_id = %s", [item]).fetchone()["flag"]
    assert flag == "critical_high"
    home = alice.get("/")
    assert "Unacknowledged critical results" in home.text and "6.8" in home.text
    result_id = re.search(r"/lab/results/(\d+)/acknowledge", home.text).group(1)
    # and once she acknowledges it, it is gone from there
    done = alice.post(f"/patients/{greta}/lab/results/{result_id}/acknowledge", {"back": "home"})
    assert done.status_code == 303
    assert "6.8" not in alice.get("/").text
    ack = owner.execute(
        "SELECT acknowledged_by FROM lab_result_ack WHERE result_id = %s", [result_id]
    ).fetchone()
    assert ack["acknowledged_by"] == cast.alice
    page = alice.get(f"/patients/{greta}/lab")
    assert page.status_code == 200 and "Critical high" in page.text
    trend = alice.get(f"/patients/{greta}/lab/trend?loinc={POTASSIUM}")
    assert trend.status_code == 200 and "<svg" in trend.text and "<polyline" in trend.text
