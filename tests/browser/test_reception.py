"""Reception in the browser: Rita registers a patient, then finds her again
with a misspelt name, as happens at a busy desk."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(tempfile.gettempdir())
SEARCH_SCREENSHOT = SCREENSHOTS / "hms-search.png"
PATIENT_SCREENSHOT = SCREENSHOTS / "hms-patient.png"


def register(page, **fields: str) -> None:
    page.goto("/patients/new")
    for name, value in fields.items():
        if name == "sex":
            page.select_option("#f-sex", value)
        else:
            page.fill(f"#f-{name}", value)
    page.click("form[action='/patients/new'] button[type=submit]")


def search(page, query: str) -> None:
    page.fill("input#q", query)
    page.press("input#q", "Enter")
    page.wait_for_url(re.compile(r"/patients\?q="))


def test_receptionist_registers_a_patient_and_finds_her_by_a_misspelt_name(page, cast):
    # given Rita at the reception desk
    log_in(page, "rita")
    expect(page.locator("h1")).to_have_text("Reception")

    # when she registers Åsa Jönsson through the form
    register(
        page,
        personal_number="19850709-9805",
        given_name="Åsa",
        family_name="Jönsson",
        sex="female",
        phone="070-123 45 67",
        street_address="Stora Södergatan 8",
        postal_code="222 23",
        city="Lund",
    )

    # then the patient's page opens with a notice
    expect(page).to_have_url(re.compile(r"/patients/\d+\?notice=registered"))
    expect(page.locator("h1")).to_contain_text("Jönsson, Åsa")
    expect(page.locator("p.flash")).to_be_visible()

    # and she is found by a misspelt family name, and by a careless full name
    page.click("nav.mainnav a[href='/patients']")
    search(page, "Jonson")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Jönsson, Åsa")
    search(page, "asa jonsn")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("19850709-9805")
    page.screenshot(path=SEARCH_SCREENSHOT, full_page=True)

    # and her page opens from the result
    page.click("#results a:has-text('Jönsson, Åsa')")
    expect(page).to_have_url(re.compile(r"/patients/\d+$"))
    expect(page.locator("h1")).to_contain_text("19850709-9805")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("1985-07-09")
    expect(facts).to_contain_text("070-123 45 67")
    expect(facts).to_contain_text("Stora Södergatan 8, 222 23 Lund")
    page.screenshot(path=PATIENT_SCREENSHOT, full_page=True)


def test_a_refused_registration_shows_the_error_beside_the_field_and_keeps_what_was_typed(page, cast, owner):
    log_in(page, "rita")

    # when the check digit of the personal identity number is wrong
    register(page, personal_number="19850709-9806", given_name="Åsa", family_name="Jönsson", sex="female")

    # then the form comes back with the message beside that field
    expect(page.locator("[role=alert]")).to_be_visible()
    expect(page.locator("#e-personal_number")).to_have_text("Not a valid personal identity number.")
    expect(page.locator("#f-personal_number")).to_have_attribute("aria-invalid", "true")
    # and everything typed is still there
    expect(page.locator("#f-personal_number")).to_have_value("19850709-9806")
    expect(page.locator("#f-given_name")).to_have_value("Åsa")
    expect(page.locator("#f-family_name")).to_have_value("Jönsson")
    expect(page.locator("#f-sex")).to_have_value("female")
    # and nothing was saved
    assert (
        owner.execute("SELECT count(*) AS n FROM patient WHERE family_name = 'Jönsson'").fetchone()["n"] == 0
    )
