"""Medication in the browser: Dr Alice prescribes for Greta, meets an
interaction warning and overrides it with a reason; Petra the pharmacist
approves the prescription from her work queue; Nurse Bob gives the dose on
his medication round."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.journal import given
from tests.medication.conftest import ensure_drugs, prescribe

pytestmark = pytest.mark.browser


@pytest.fixture()
def on_warfarin(owner, cast, acting_as) -> dict[str, int]:
    """Greta is in a bed on the medical ward and takes warfarin."""
    drugs = ensure_drugs(owner)
    given.admit(owner, cast)
    prescribe(acting_as(cast.alice), cast, drugs["Warfarin tablet"], dose=5, times_of_day=["18:00"])
    return drugs


def test_alice_overrides_an_interaction_petra_approves_and_bob_gives_the_dose(page, browser, live_server, cast,
                                                                               on_warfarin, owner):  # fmt: skip
    # given Alice on Greta's medication list
    log_in(page, "alice")
    page.goto(f"/patients/{cast.greta_patient}/medication")
    expect(page.locator("h1")).to_contain_text("Gustafsson, Greta")
    page.click("a.button:has-text('Prescribe')")

    # when she prescribes ibuprofen three times a day
    page.select_option("#f-drug_id", str(on_warfarin["Ibuprofen tablet"]))
    page.fill("#f-dose", "400")
    page.select_option("#f-dose_unit", "mg")
    page.select_option("#f-route", "oral")
    page.fill("#f-times", "08:00, 14:00, 20:00")
    page.fill("#f-instructions", "Till måltid")
    page.click("form[action$='/medication/new'] button[type=submit]")

    # then the interaction with warfarin is shown, nothing is saved, and her input is kept
    warnings = page.locator("section.warnings")
    expect(warnings).to_contain_text("Interaction: Warfarin")
    expect(page.locator("#f-instructions")).to_have_value("Till måltid")
    expect(page.locator("#f-dose")).to_have_value("400")

    # when she overrides it with a reason
    page.fill("#f-override_reason", "Tre dagar, PK kontrolleras på fredag")
    page.click("form[action$='/medication/new'] button[type=submit]")

    # then the prescription is on the list, awaiting the pharmacist
    expect(page).to_have_url(re.compile(r"/medication\?notice=prescribed$"))
    row = page.locator("tr", has_text="Ibuprofen")
    expect(row).to_contain_text("awaiting pharmacist review")
    row.locator("a").first.click()
    expect(page.locator("body")).to_contain_text("Tre dagar, PK kontrolleras på fredag")

    # given Petra, the pharmacist, at her home page: her work queue
    pharmacist = browser.new_context(base_url=live_server, locale="en-GB")
    pharmacist.add_cookies([{"name": "hms_lang", "value": "en", "url": live_server}])
    petra = pharmacist.new_page()
    log_in(petra, "petra")
    queue = petra.locator("table tr", has_text="Ibuprofen")
    expect(queue).to_contain_text("Gustafsson, Greta")
    expect(queue).to_contain_text("1 warnings overridden")
    queue.locator("a").first.click()

    # when she approves it, seeing the overridden warning and the allergies first
    expect(petra.locator("body")).to_contain_text("Overridden warnings")
    expect(petra.locator("body")).to_contain_text("For dosing")
    petra.click("button[value=approved]")

    # then it leaves her queue
    expect(petra).to_have_url(re.compile(r"/medication/review\?notice=approved$"))
    expect(petra.locator("body")).not_to_contain_text("Ibuprofen")
    pharmacist.close()

    # given Bob, the ward's nurse, on his medication round
    nurse = browser.new_context(base_url=live_server, locale="en-GB")
    nurse.add_cookies([{"name": "hms_lang", "value": "en", "url": live_server}])
    bob = nurse.new_page()
    log_in(bob, "bob")
    bob.goto("/medication/mar?hours=24")
    dose = bob.locator("table.mar tr", has_text="Warfarin").first
    expect(dose).to_contain_text("Gustafsson, Greta")

    # when he records the warfarin dose as given
    dose.locator("button[value=given]").click()

    # then it shows as given, and the record names him
    expect(bob).to_have_url(re.compile(r"notice=recorded"))
    expect(bob.locator("table.mar tr", has_text="Warfarin").first).to_contain_text("given")
    recorded = owner.execute("SELECT recorded_by, outcome FROM medication_administration").fetchall()
    assert recorded == [{"recorded_by": cast.bob, "outcome": "given"}]
    nurse.close()
