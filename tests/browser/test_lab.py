"""Laboratory work in the browser: Dr Alice orders the electrolytes panel for
Greta, Nurse Bob finds it on his sampling worklist and marks the sample
taken, a critical potassium is entered on the results form, it stands on the
ward board and on Dr Alice's home page, and she acknowledges it there."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.journal import given

pytestmark = pytest.mark.browser


def test_a_critical_potassium_reaches_the_ordering_doctor_who_acknowledges_it(
    page, browser, live_server, cast, acting_as
):
    greta = cast.greta_patient
    given.admit(acting_as(cast.alice), cast)  # Greta lies in bed A of the medical ward
    # given Dr Alice orders the electrolytes for Greta, urgently
    log_in(page, "alice")
    page.goto(f"/patients/{greta}/lab")
    page.click("a.button:has-text('Order lab tests')")
    page.check("input[name=panels][value=ELECTROLYTES]")
    page.select_option("#f-priority", "urgent")
    page.fill("#f-clinical_question", "Hyperkalemi? Njurfunktion?")
    page.click("form[action$='/lab/new'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/lab\?notice=ordered$"))
    expect(page.locator("#orders")).to_contain_text("Hyperkalemi? Njurfunktion?")

    # when Nurse Bob marks the sample taken from his worklist
    nurse = browser.new_context(base_url=live_server, locale="en-GB")
    nurse.add_cookies([{"name": "hms_lang", "value": "en", "url": live_server}])
    bob = nurse.new_page()
    log_in(bob, "bob")
    bob.click("nav.mainnav a:has-text('Samples to take')")
    row = bob.locator("tr", has_text="Gustafsson")
    expect(row).to_contain_text("K")
    row.locator("button:has-text('Mark sample taken')").click()
    expect(bob.locator("p.flash")).to_contain_text("The sample is recorded as taken.")
    expect(bob.locator("body")).to_contain_text("No samples are waiting.")

    # and enters a critical potassium on the results form
    bob.goto(f"/patients/{greta}/lab")
    bob.click("a:has-text('Enter results')")
    bob.locator("tr", has_text="Potassium").locator("input[name^=value_]").fill("6.9")
    bob.locator("tr", has_text="Sodium").locator("input[name^=value_]").fill("139")
    bob.click("button:has-text('Save results')")
    expect(bob.locator("p.flash")).to_contain_text("The results are saved.")
    expect(bob.locator("tr", has_text="Potassium")).to_contain_text("Critical high")

    # and the critical result stands on the ward board by Greta's bed
    bob.goto("/ward")
    expect(bob.locator(f"#bed-{cast.bed_a}")).to_contain_text("Critical high")
    nurse.close()

    # then the result stands on Dr Alice's home page
    page.goto("/")
    panel = page.locator("#lab-critical")
    expect(panel).to_contain_text("Unacknowledged critical results")
    expect(panel).to_contain_text("Gustafsson, Greta")
    expect(panel).to_contain_text("6.9 mmol/L")

    # and when she acknowledges it, it leaves the list and the lab page names her
    panel.locator("button:has-text('Acknowledge')").click()
    expect(page.locator("#lab-critical")).to_contain_text("None.")
    page.goto(f"/patients/{greta}/lab")
    expect(page.locator("tr", has_text="Potassium")).to_contain_text("Dr Alice Andersson")
    page.goto("/ward")
    expect(page.locator(f"#bed-{cast.bed_a}")).to_contain_text("Gustafsson, Greta")
    expect(page.locator(f"#bed-{cast.bed_a}")).not_to_contain_text("Critical high")
    page.goto(f"/patients/{greta}/lab")

    # and the trend draws the analyte
    page.click("#trends a:has-text('K')")
    expect(page.locator("svg.lab-chart polyline")).to_have_count(1)
