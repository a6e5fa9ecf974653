"""The ward board in the browser: Nurse Bob opens it from the menu, finds
Greta in bed A flagged red (NEWS2 5) with her critical potassium, sees her
on his home page too, and clicks through to her chart."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.journal import given
from tests.lab.conftest import POTASSIUM, line, order, result, sample
from tests.ward.conftest import UNWELL, vitals

pytestmark = pytest.mark.browser


def test_the_nurse_opens_the_board_sees_a_red_patient_and_opens_her_chart(page, acting_as, owner, cast):
    # given Greta lies in bed A with a NEWS2 of 5 and an unacknowledged critical potassium
    given.admit(acting_as(cast.alice), cast)
    vitals(owner, cast, UNWELL, ago=timedelta(minutes=10))
    order_id = order(acting_as(cast.alice), cast)
    sample(acting_as(cast.bob), order_id)
    result(acting_as(cast.bob), line(acting_as(cast.alice), order_id, POTASSIUM), 6.9)

    # when Nurse Bob logs in, his home page names her among the red
    log_in(page, "bob")
    expect(page.locator("#ward-red-flags")).to_contain_text("Gustafsson, Greta")

    # and he opens the ward board from the menu
    page.click("nav.mainnav a:has-text('Ward board')")
    expect(page).to_have_url(re.compile(rf"/ward/{cast.ward_med}$"))
    bed = page.locator(f"#bed-{cast.bed_a}")
    expect(bed).to_contain_text("Gustafsson, Greta")
    expect(bed.locator(".news2.band-medium")).to_have_text("5")
    expect(bed.locator(".red-flag")).to_be_visible()
    expect(bed).to_contain_text("Critical high")
    expect(page.locator(f"#bed-{cast.bed_b}")).to_contain_text("Free bed")

    # then one click opens her chart
    bed.locator("a:has-text('Gustafsson, Greta')").click()
    expect(page).to_have_url(re.compile(rf"/patients/{cast.greta_patient}/journal$"))
    expect(page.locator("h1")).to_contain_text("Greta")
