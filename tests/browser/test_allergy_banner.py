"""The allergy banner in the browser: on every page about a patient a
clinician opens, Greta's penicillin allergy stands above the page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.journal import given

pytestmark = pytest.mark.browser

PAGES = [
    "journal",
    "journal/notes/new",
    "journal/vitals",
    "journal/diagnoses",
    "journal/diagnoses/new",
    "journal/allergies/new",
    "journal/care-plans/new",
    "journal/print",
    "medication",
    "medication/new",
    "lab",
    "",
]


def test_the_banner_stands_on_every_page_about_the_patient(page, cast, owner):
    given.clinical(owner, cast, "allergy")
    log_in(page, "alice")
    for path in PAGES:
        page.goto(f"/patients/{cast.greta_patient}/{path}".rstrip("/"))
        banner = page.locator("#allergy-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("Penicillin")
        expect(banner).to_have_class("allergy-banner has-allergies")
        # it comes before the page's own heading
        assert page.evaluate(
            "document.querySelector('#allergy-banner').compareDocumentPosition(document.querySelector('main h1'))"
            " & Node.DOCUMENT_POSITION_FOLLOWING"
        ), path
