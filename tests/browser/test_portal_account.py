"""A patient gets a portal login in the browser: Rita at reception creates it
from the patient's page and hands over the code; the patient activates the
account with their own password, logs in and sees their record."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Fresh-start-42"


def test_reception_creates_a_patient_login_and_the_patient_activates_it(page, cast, owner):
    # given a registered patient without a portal account
    patient = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('195001012391', 'Olle', 'Olsson', '1950-01-01', 'male') RETURNING id"
    ).fetchone()["id"]

    # when Rita opens his page and creates a portal account
    log_in(page, "rita")
    page.goto(f"/patients/{patient}")
    page.click(f"a[href='/patients/{patient}/portal-account']")
    page.fill("#f-username", "olle")
    page.select_option("#f-locale", "en")
    page.click(f"form[action='/patients/{patient}/portal-account'] button[type=submit]")

    # then she sees the code once, to print
    code = page.locator("#activation-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    expect(page.locator("main")).to_contain_text("72 hours")
    page.goto(f"/patients/{patient}/portal-account")
    expect(page.locator("main")).to_contain_text("Waiting for activation")
    expect(page.locator("main")).not_to_contain_text(code)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "hms_lang", "value": "en", "url": page.url}])

    # when Olle activates his account, mistyping the password first
    page.goto("/login")
    page.click("a[href='/activate']")
    page.fill("#f-username", "olle")
    page.fill("#f-code", code.lower())
    page.fill("#f-password", NEW_PASSWORD)
    page.fill("#f-password_confirm", "Something-else-9")
    page.click("form[action='/activate'] button[type=submit]")
    expect(page.locator("#e-password_confirm")).to_have_text("The two passwords differ.")
    expect(page.locator("#f-code")).to_have_value(code.lower())
    page.fill("#f-password", NEW_PASSWORD)
    page.fill("#f-password_confirm", NEW_PASSWORD)
    page.click("form[action='/activate'] button[type=submit]")

    # then he logs in with his own password and sees his record
    expect(page).to_have_url(re.compile(r"/login\?activated=1"))
    log_in(page, "olle", NEW_PASSWORD)
    page.goto("/my")
    expect(page.locator("h1")).to_contain_text("My record")
    expect(page.locator("main")).to_contain_text("No signed notes.")
