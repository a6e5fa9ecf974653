"""Language and logout in the browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_switching_to_swedish_shows_swedish_pages_and_the_choice_sticks_after_login(page, cast):
    page.goto("/login")
    expect(page.locator("h1")).to_have_text("Log in to HMS")

    page.click("button[name=locale][value=sv]")

    expect(page.locator("h1")).to_have_text("Logga in i HMS")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("label[for=username]")).to_have_text("Användarnamn")
    log_in(page, "rita")
    expect(page.locator("nav.mainnav")).to_contain_text("Registrera patient")
    expect(page.locator("form[action='/logout'] button")).to_have_text("Logga ut")
    expect(page.locator("button[name=locale][value=en]")).to_have_text("English")


def test_logging_out_ends_the_session(page, cast):
    log_in(page, "rita")
    expect(page.locator(".who-name")).to_have_text("Rita Reception")

    page.click("form[action='/logout'] button[type=submit]")

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("#username")).to_be_visible()
    # the old session no longer opens the registry
    page.goto("/patients")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)patients"))
