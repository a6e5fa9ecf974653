"""The pharmacy's pages, as its users meet them: Petra receives a delivery
and dispenses against Greta's approved prescription; Nurse Bob orders for
his ward and Petra takes the order through to delivery. Bad input gets a
message beside the field, saves nothing and keeps what was typed."""

import re

import pytest

from tests.conftest import csrf_of, login
from tests.pharmacy import given


@pytest.fixture()
def petra(client, cast):
    client.cookies.set("hms_lang", "en")
    return login(client, "petra")


def _receipt(room, **line) -> dict[str, str]:
    values = {
        "drug_id_0": str(room.paracetamol),
        "lot_0": "PA2291",
        "quantity_0": "100",
        "expires_on_0": given.in_days(200).isoformat(),
        "unit_cost_0": "0,85",
        **line,
    }
    return {"supplier": "Apoteket AB", "reference": "FS-77", **values}


def test_a_pharmacist_receives_a_delivery_and_sees_it_in_stock(client, owner, cast, room, petra):
    response = client.post(
        "/pharmacy/receipts/new", data={**_receipt(room), "csrf_token": petra}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/pharmacy?notice=received"
    page = client.get("/pharmacy").text
    assert "PA2291" in page and "100" in page and "85.00" in page
    assert owner.execute("SELECT received_by FROM stock_receipt").fetchone()["received_by"] == cast.petra


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ({"quantity_0": "0"}, "quantity_0", "Enter a quantity of at least 1."),
        ({"quantity_0": "-4"}, "quantity_0", "Enter a quantity of at least 1."),
        ({"expires_on_0": "2020-01-01"}, "expires_on_0", "an expired batch is not received"),
        ({"lot_0": ""}, "lot_0", "This field is required."),
        (
            {"drug_id_0": "", "lot_0": "", "quantity_0": "", "expires_on_0": "", "unit_cost_0": ""},
            "drug_id_0",
            "Enter at least one line.",
        ),
    ],
)
def test_a_bad_delivery_line_is_shown_beside_its_field_and_nothing_is_saved(
    client, owner, room, petra, line, field, message
):
    data = _receipt(room, **line)
    response = client.post("/pharmacy/receipts/new", data={**data, "csrf_token": petra})
    assert response.status_code == 422
    assert re.search(rf'id="e-{field}">[^<]*{re.escape(message)}', response.text), response.text[-3000:]
    assert 'value="Apoteket AB"' in response.text and 'value="FS-77"' in response.text
    assert owner.execute("SELECT count(*) AS n FROM stock_batch").fetchone()["n"] == 0


def test_a_pharmacist_dispenses_against_an_approved_prescription_and_it_is_audited(
    client, owner, acting_as, cast, room, petra
):
    early = given.receive(acting_as(cast.petra), room.paracetamol, 10, days=30, lot="EARLY")
    given.receive(acting_as(cast.petra), room.paracetamol, 50, days=300, lot="LATE")
    prescription = given.prescription(acting_as, cast, room.paracetamol)
    url = f"/pharmacy/patients/{cast.greta_patient}/dispense"
    page = client.get(url)
    assert page.status_code == 200 and "Greta" in page.text
    # too many: a message beside the quantity, nothing dispensed, the number kept
    response = client.post(url, data={"prescription_id": prescription, "quantity": "61", "csrf_token": petra})
    assert response.status_code == 422
    assert 'id="e-quantity">Not enough stock that has not expired.' in response.text
    assert 'value="61"' in response.text
    response = client.post(url, data={"prescription_id": prescription, "quantity": "0", "csrf_token": petra})
    assert response.status_code == 422 and 'id="e-quantity"' in response.text
    # the right amount: taken from the batch that expires first, then the next
    response = client.post(
        url,
        data={"prescription_id": prescription, "quantity": "12", "csrf_token": petra},
        follow_redirects=False,
    )
    assert response.status_code == 303
    shown = client.get(response.headers["location"]).text
    assert "Lot EARLY" in shown and "Lot LATE" in shown
    assert (
        owner.execute("SELECT quantity FROM stock_batch WHERE id = %s", [early]).fetchone()["quantity"] == 0
    )
    audit = owner.execute(
        "SELECT user_id, patient_id, object_type FROM audit_log WHERE action = 'pharmacy.dispense' AND outcome = 'allowed' "
        "AND object_type = 'stock_dispense'"
    ).fetchall()
    assert audit == [
        {"user_id": cast.petra, "patient_id": cast.greta_patient, "object_type": "stock_dispense"}
    ]


def test_an_unapproved_prescription_cannot_be_chosen(client, owner, acting_as, cast, room, petra):
    given.receive(acting_as(cast.petra), room.paracetamol, 10)
    pending = given.prescription(acting_as, cast, room.paracetamol, approve=False)
    url = f"/pharmacy/patients/{cast.greta_patient}/dispense"
    response = client.post(url, data={"prescription_id": pending, "quantity": "1", "csrf_token": petra})
    assert response.status_code == 422 and 'id="e-prescription_id"' in response.text
    assert owner.execute("SELECT count(*) AS n FROM stock_dispense").fetchone()["n"] == 0


def test_the_queue_lists_approved_prescriptions_not_yet_dispensed(client, acting_as, cast, room, petra):
    given.prescription(acting_as, cast, room.paracetamol)
    assert "Gustafsson, Greta" in client.get("/pharmacy/dispense").text


def test_a_nurse_orders_for_his_ward_and_the_pharmacist_delivers(app, owner, acting_as, cast, room):
    from fastapi.testclient import TestClient

    given.receive(acting_as(cast.petra), room.paracetamol, 30, lot="W1")
    with TestClient(app) as nurse, TestClient(app) as pharmacist:
        nurse.cookies.set("hms_lang", "en")
        pharmacist.cookies.set("hms_lang", "en")
        bob = login(nurse, "bob")
        form = nurse.get("/pharmacy/orders/new").text
        assert "Medicine room, ward 12" in form and "Medicine room, surgery" not in form
        bad = nurse.post(
            "/pharmacy/orders/new",
            data={
                "location_id": room.ward_med,
                "drug_id_0": room.paracetamol,
                "quantity_0": "0",
                "csrf_token": bob,
            },
        )
        assert bad.status_code == 422 and 'id="e-quantity_0"' in bad.text
        other = nurse.post(
            "/pharmacy/orders/new",
            data={
                "location_id": room.ward_surg,
                "drug_id_0": room.paracetamol,
                "quantity_0": "5",
                "csrf_token": bob,
            },
        )
        assert other.status_code == 422 and 'id="e-location_id"' in other.text
        made = nurse.post(
            "/pharmacy/orders/new",
            data={
                "location_id": room.ward_med,
                "drug_id_0": room.paracetamol,
                "quantity_0": "12",
                "csrf_token": bob,
            },
            follow_redirects=False,
        )
        assert made.status_code == 303
        order_url = made.headers["location"].split("?")[0]
        petra = login(pharmacist, "petra")
        assert nurse.post(f"{order_url}/approve", data={"csrf_token": bob}).status_code == 403
        for step in ("approve", "pick", "deliver"):
            response = pharmacist.post(
                f"{order_url}/{step}", data={"csrf_token": petra}, follow_redirects=False
            )
            assert response.status_code == 303, response.text[-2000:]
        assert "Delivered" in nurse.get(order_url).text
        ward_stock = nurse.get("/pharmacy").text
        assert "W1" in ward_stock and "Medicine room, ward 12" in ward_stock
    assert given.balances(owner)[-1][1:] == (12, 12)


def test_a_batch_is_adjusted_with_a_reason_or_not_at_all(client, owner, acting_as, cast, room, petra):
    batch = given.receive(acting_as(cast.petra), room.paracetamol, 10)
    url = f"/pharmacy/batches/{batch}/adjust"
    response = client.post(url, data={"kind": "wastage", "quantity": "2", "reason": "", "csrf_token": petra})
    assert response.status_code == 422 and 'id="e-reason"' in response.text
    response = client.post(
        url, data={"kind": "wastage", "quantity": "11", "reason": "Broken", "csrf_token": petra}
    )
    assert (
        response.status_code == 422 and 'id="e-quantity">Not that many units are in stock.' in response.text
    )
    assert 'value="Broken"' in response.text
    response = client.post(
        url,
        data={"kind": "wastage", "quantity": "3", "reason": "Broken", "csrf_token": petra},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert given.balances(owner) == [(batch, 7, 7)]


def test_the_lists_show_low_expiring_and_value(client, owner, acting_as, cast, room, petra):
    given.receive(acting_as(cast.petra), room.paracetamol, 4, days=20, lot="SOON", cost="10")
    response = client.post(
        "/pharmacy/low-stock",
        data={
            "location_id": room.pharmacy,
            "drug_id": room.paracetamol,
            "reorder_level": "50",
            "csrf_token": petra,
        },
    )
    assert response.status_code in (200, 303)
    assert "Paracetamol" in client.get("/pharmacy/low-stock").text
    assert "SOON" in client.get("/pharmacy/expiring").text
    assert "40.00" in client.get("/pharmacy/value").text


@pytest.mark.parametrize("who", ["rita", "greta", "erik"])
def test_those_without_the_pharmacy_are_refused(client, cast, room, who):
    login(client, who)
    for url in ("/pharmacy", "/pharmacy/orders", "/pharmacy/value"):
        assert client.get(url, follow_redirects=False).status_code == 403


def test_a_surgeon_cannot_open_the_medical_wards_order(app, acting_as, cast, room):
    from fastapi.testclient import TestClient

    order = (
        acting_as(cast.bob)
        .execute(
            "SELECT ward_order_request(%s, %s::jsonb) AS id",
            [room.ward_med, f'[{{"drug_id": {room.paracetamol}, "quantity": 3}}]'],
        )
        .fetchone()["id"]
    )
    with TestClient(app) as c:
        token = login(c, "charlie")
        assert c.get(f"/pharmacy/orders/{order}").status_code == 404
        assert (
            c.post(
                f"/pharmacy/orders/{order}/cancel", data={"reason": "Mine now", "csrf_token": token}
            ).status_code
            == 404
        )
        assert csrf_of(c.get("/pharmacy").text)


def test_work_summary_counts_the_pharmacists_work(acting_as, cast, room, app, database):
    from hms.core.context import CurrentUser, RequestContext
    from hms.core.roles import Role
    from hms.pharmacy import read

    given.receive(acting_as(cast.petra), room.paracetamol, 4, days=20)
    given.prescription(acting_as, cast, room.paracetamol)
    acting_as(cast.bob).execute(
        "SELECT ward_order_request(%s, %s::jsonb)",
        [room.ward_med, f'[{{"drug_id": {room.paracetamol}, "quantity": 3}}]'],
    )
    petra = acting_as(cast.petra)
    with petra.transaction():
        ctx = RequestContext(
            conn=petra.conn,
            user=CurrentUser(cast.petra, "petra", Role.PHARMACIST, "Petra", "en"),
            locale="en",
            csrf_token="x",
            client_addr=None,
        )
        summary = read.work_summary(ctx)
    assert summary == {
        "orders_requested": 1,
        "orders_approved": 0,
        "orders_picked": 0,
        "low_stock": 0,
        "expiring": 1,
        "to_dispense": 1,
    }
