"""Secure messaging in the browser: reception gives a patient a portal login,
the patient activates it and writes to the care unit that has seen him, with
a PDF; a nurse of that unit opens the inbox and answers, and the patient sees
the answer and when the unit read and answered."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.messaging.conftest import PDF, start

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Fresh-start-42"


def test_a_new_portal_user_activates_the_login_and_writes_to_his_unit(page, cast, owner):
    # given Olle, in the medical ward's care, without a portal account
    patient = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('195001012391', 'Olle', 'Olsson', '1950-01-01', 'male') RETURNING id"
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Uppföljning', %s)",
        [patient, cast.unit_med, cast.alice],
    )

    # when Rita creates his portal account and he activates it with the code
    log_in(page, "rita")
    page.goto(f"/patients/{patient}/portal-account")
    page.fill("#f-username", "olle")
    page.select_option("#f-locale", "en")
    page.click(f"form[action='/patients/{patient}/portal-account'] button[type=submit]")
    code = page.locator("#activation-code").inner_text()
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "hms_lang", "value": "en", "url": page.url}])
    page.goto("/activate")
    page.fill("#f-username", "olle")
    page.fill("#f-code", code)
    page.fill("#f-password", NEW_PASSWORD)
    page.fill("#f-password_confirm", NEW_PASSWORD)
    page.click("form[action='/activate'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/login\?activated=1"))
    log_in(page, "olle", NEW_PASSWORD)

    # and writes to the medical ward from the menu, first forgetting the message
    page.click("nav.mainnav a[href='/my/messages']")
    page.click("a[href^='/my/messages/new']")
    expect(page.locator("#f-care_unit_id")).to_contain_text("Medical ward 1")
    expect(page.locator("#f-care_unit_id")).not_to_contain_text("Surgical ward 1")
    page.fill("#f-subject", "Fråga om min medicin")
    page.click("form[action='/my/messages/new'] button[type=submit]")
    expect(page.locator("#e-body")).to_have_text("Write a message.")
    expect(page.locator("#f-subject")).to_have_value("Fråga om min medicin")
    page.fill("#f-body", "Ska jag fortsätta med tabletterna efter kuren?")
    page.set_input_files(
        "#f-attachments", files=[{"name": "recept.pdf", "mimeType": "text/plain", "buffer": PDF}]
    )
    page.click("form[action='/my/messages/new'] button[type=submit]")

    # then the message is sent, with its file, to the ward, unread as yet
    expect(page.locator(".flash")).to_contain_text("Your message is sent to the care unit.")
    expect(page.locator("main")).to_contain_text("Ska jag fortsätta med tabletterna efter kuren?")
    expect(page.locator("main a", has_text="recept.pdf")).to_be_visible()
    expect(page.locator("#receipts")).to_contain_text("Read by the unit: Not yet")
    stored = owner.execute("SELECT filename, content_type FROM message_attachment").fetchone()
    assert stored == {"filename": "recept.pdf", "content_type": "application/pdf"}


def test_a_nurse_answers_from_the_inbox_and_the_patient_sees_when(page, cast, acting_as):
    # given Greta's question to the medical ward
    start(
        acting_as(cast.greta),
        cast.greta_patient,
        cast.unit_med,
        subject="Provsvar",
        body="Har proverna kommit?",
    )

    # when Nurse Bob opens the ward's inbox and answers
    log_in(page, "bob")
    page.click("nav.mainnav a[href='/messages']")
    row = page.locator("tr", has_text="Provsvar")
    expect(row).to_contain_text("Greta")
    expect(row).to_contain_text("New")
    row.locator("a", has_text="Provsvar").click()
    expect(page.locator("main")).to_contain_text("Har proverna kommit?")
    page.fill("#f-body", "Proverna är bra, inget att göra.")
    page.click("form[action$='/reply'] button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("The answer is sent.")
    page.goto("/messages?status=answered")
    expect(page.locator("tr", has_text="Provsvar")).to_contain_text("Answered")

    # then Greta sees the answer, marked new, and when the ward read and answered
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "hms_lang", "value": "en", "url": page.url}])
    log_in(page, "greta")
    page.goto("/my/messages")
    row = page.locator("tr", has_text="Provsvar")
    expect(row).to_contain_text("New answer")
    expect(row).not_to_contain_text("Not yet")
    row.locator("a", has_text="Provsvar").click()
    expect(page.locator("main")).to_contain_text("Proverna är bra, inget att göra.")
    receipts = page.locator("#receipts")
    expect(receipts).to_contain_text(re.compile(r"Read by the unit: \d{4}-\d{2}-\d{2} \d{2}:\d{2}"))
    expect(receipts).to_contain_text(re.compile(r"Answered: \d{4}-\d{2}-\d{2} \d{2}:\d{2}"))
