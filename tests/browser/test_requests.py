"""Care requests in the browser: Greta asks for a correction of a note in
the portal and Dr Alice amends the note as asked, so Greta sees the
decision and the note as it now reads; and Greta asks for a renewal, which
Dr Alice, its prescriber, approves, renewing the prescription."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.journal import given
from tests.medication.conftest import given_prescription

pytestmark = pytest.mark.browser


def switch_to(page, username: str) -> None:
    origin = "/".join(page.url.split("/")[:3])
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "hms_lang", "value": "en", "url": origin}])
    log_in(page, username)


def open_the_only_request(page) -> None:
    page.goto("/requests")
    page.locator("main table a").first.click()


def test_a_patient_asks_for_a_correction_and_the_doctor_amends_the_note(page, cast, owner):
    # given a signed note by Dr Alice that says three days
    note_id, _ = given.signed_note(owner, cast)

    # when Greta asks for it to be corrected, forgetting at first what it should say
    log_in(page, "greta")
    page.goto("/my")
    page.click("nav a[href='/my/requests']")
    page.click("a[href^='/my/requests/new']")
    page.select_option("#f-kind", "correction")
    page.select_option("#f-note_id", str(note_id))
    page.fill("#f-body", "The note says the cough lasted three days.")
    page.click("form[action='/my/requests/new'] button[type=submit]")
    expect(page.locator("#e-proposed_text")).to_be_visible()
    expect(page.locator("#f-body")).to_have_value("The note says the cough lasted three days.")
    page.fill("#f-proposed_text", "It lasted three weeks.")
    page.click("form[action='/my/requests/new'] button[type=submit]")
    expect(page.locator("main")).to_contain_text("The request is sent.")
    expect(page.locator("main table")).to_contain_text("Waiting")

    # then Dr Alice finds it in her queue, takes it and amends the note
    switch_to(page, "alice")
    page.click("nav a[href='/requests']")
    expect(page.locator("main table")).to_contain_text("Ask for a correction of the record")
    open_the_only_request(page)
    expect(page.locator("main")).to_contain_text("It lasted three weeks.")
    page.click("form[action$='/take'] button")
    expect(page.locator("main")).to_contain_text("The request is yours to answer.")
    page.fill("#f-section_1", "Cough and fever for three weeks.")
    page.fill("form[action$='/amend'] #f-answer", "Corrected as you asked.")
    page.click("form[action$='/amend'] button[type=submit]")
    expect(page.locator("main")).to_contain_text("The request is approved.")

    # and Greta sees the decision and the note as it reads now
    switch_to(page, "greta")
    page.goto("/my/requests")
    expect(page.locator("main table")).to_contain_text("Approved")
    page.locator("main table a").first.click()
    expect(page.locator("main")).to_contain_text("Corrected as you asked.")
    expect(page.locator("main")).to_contain_text("Cough and fever for three weeks.")
    expect(page.locator("main")).to_contain_text("version 2")


def test_a_renewal_approved_by_the_prescriber_renews_the_prescription(page, cast, owner):
    # given Greta's paracetamol, prescribed by Dr Alice
    prescription = given_prescription(owner, cast)

    # when Greta asks for it to be renewed
    log_in(page, "greta")
    page.goto("/my/requests/new?kind=renewal")
    page.select_option("#f-prescription_id", str(prescription))
    page.fill("#f-body", "My tablets run out next week.")
    page.click("form[action='/my/requests/new'] button[type=submit]")
    expect(page.locator("main table")).to_contain_text("Renew a prescription")

    # then Dr Alice takes it and approves it
    switch_to(page, "alice")
    open_the_only_request(page)
    expect(page.locator("main")).to_contain_text("Paracetamol")
    page.click("form[action$='/take'] button")
    page.fill("#f-ends_at", "2030-06-30T00:00")
    page.fill("#f-override_reason", "Known and accepted")
    page.click("form[action$='/approve'] button[type=submit]")
    expect(page.locator("main")).to_contain_text("The request is approved.")

    # and the prescription has a renewed version written by her, and Greta sees it
    row = owner.execute(
        "SELECT v.change, v.written_by FROM prescription AS p "
        "JOIN prescription_version AS v ON v.id = p.current_version_id WHERE p.id = %s",
        [prescription],
    ).fetchone()
    assert row == {"change": "renewed", "written_by": cast.alice}
    switch_to(page, "greta")
    page.goto("/my/requests")
    expect(page.locator("main table")).to_contain_text("The prescription is renewed.")
