"""The pharmacy in the browser: Petra the pharmacist receives a supplier's
delivery, then dispenses against Greta's approved prescription from the
dispense queue, and sees which batch the tablets came from."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.pharmacy import given

pytestmark = pytest.mark.browser


def test_a_pharmacist_receives_a_delivery_and_dispenses_against_an_approved_prescription(
    page, owner, acting_as, cast
):
    # given the pharmacy, and Dr Alice's prescription of paracetamol for Greta, approved
    room = given.stockroom(owner, cast)
    given.prescription(acting_as, cast, room.paracetamol)
    log_in(page, "petra")

    # when Petra receives a delivery of 100 tablets, first typing an expiry in the past
    page.goto("/pharmacy/receipts/new")
    page.fill("#f-supplier", "Apoteket AB")
    page.select_option("#f-drug_id_0", str(room.paracetamol))
    page.fill("#f-lot_0", "PA2291")
    page.fill("#f-expires_on_0", "2020-01-31")
    page.fill("#f-quantity_0", "100")
    page.fill("#f-unit_cost_0", "0,85")
    page.click("form[action='/pharmacy/receipts/new'] button[type=submit]")
    # then she is told beside the field, and what she typed is kept
    expect(page.locator("#e-expires_on_0")).to_contain_text("expired")
    expect(page.locator("#f-lot_0")).to_have_value("PA2291")
    page.fill("#f-expires_on_0", given.in_days(200).isoformat())
    page.click("form[action='/pharmacy/receipts/new'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/pharmacy\?notice=received$"))
    expect(page.locator("#stock")).to_contain_text("PA2291")

    # when she opens the dispense queue and dispenses more than there is
    page.click("a[href='/pharmacy/dispense']")
    expect(page.locator("#queue")).to_contain_text("Gustafsson, Greta")
    page.click("#queue a.button")
    page.fill("#f-quantity", "101")
    page.click(f"form[action='/pharmacy/patients/{cast.greta_patient}/dispense'] button[type=submit]")
    expect(page.locator("#e-quantity")).to_contain_text("Not enough stock")
    expect(page.locator("#f-quantity")).to_have_value("101")

    # then with the right amount the tablets come from the batch she received
    page.fill("#f-quantity", "20")
    page.click(f"form[action='/pharmacy/patients/{cast.greta_patient}/dispense'] button[type=submit]")
    expect(page.locator("p.flash")).to_be_visible()
    expect(page.locator("#taken")).to_contain_text("PA2291")
    expect(page.locator("#dispenses")).to_contain_text("20")
    page.goto("/pharmacy")
    expect(page.locator("#stock")).to_contain_text("80")
