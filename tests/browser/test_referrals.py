"""Referrals and consultations in the browser: Dr Alice refers Greta to the
surgical ward and Dr Charlie there accepts, which opens her chart to him;
Dr Alice asks Dr Erik about Greta, letting him read some parts of her
record, and his answer comes back as a signed note by him on her chart."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.journal import given

pytestmark = pytest.mark.browser

REFERRAL_QUESTION = "Gallstones with recurring pain: is a cholecystectomy advisable?"
CONSULTATION_QUESTION = "Atrial fibrillation with pneumonia: is anticoagulation advisable now?"
ANSWER = "Start apixaban 5 mg twice daily once the pneumonia has settled."


def switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    origin = re.match(r"https?://[^/]+", page.url).group(0)  # type: ignore[union-attr]
    page.context.add_cookies([{"name": "hms_lang", "value": "en", "url": origin}])
    log_in(page, username)


def test_a_referral_is_sent_and_accepted_and_the_receiving_doctor_reaches_the_chart(page, cast, owner):
    gallstones = given.clinical(owner, cast, "diagnosis", code="K80.2")
    greta = cast.greta_patient

    # Alice refers Greta from her chart to the surgical ward
    log_in(page, "alice")
    page.goto(f"/patients/{greta}/journal")
    page.click(f"a[href='/patients/{greta}/referrals/new']")
    page.select_option("#f-to_unit_id", str(cast.unit_surg))
    page.check("input[name=urgency][value=urgent]")
    page.fill("#f-question", REFERRAL_QUESTION)
    page.check(f"input[name=diagnosis_ids][value='{gallstones}']")
    page.click(f"form[action='/patients/{greta}/referrals/new'] button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("The referral is sent to the care unit.")
    expect(page.locator("main")).to_contain_text("Waiting for an answer")
    referral_path = re.sub(r"^https?://[^/]+|\?.*$", "", page.url)

    # Charlie sees it among his unit's new referrals, with Greta's identity only
    switch_user(page, "charlie")
    page.click("nav a[href='/referrals']")
    expect(page.locator("main")).to_contain_text("New referrals to my units")
    page.click(f"main a[href='{referral_path}']")
    expect(page.locator("main")).to_contain_text("Gustafsson, Greta")
    expect(page.locator("main")).to_contain_text("K80.2")
    response = page.goto(f"/patients/{greta}/journal")
    assert response is not None and response.status == 403
    page.go_back()

    # he accepts, and Greta's chart opens to him
    page.click("form[action$='/accept'] button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("the patient is in your unit's care")
    expect(page.locator("main")).to_contain_text("Turnaround")
    page.click(f"main a[href='/patients/{greta}/journal']")
    expect(page.locator("h1")).to_contain_text("Gustafsson, Greta")
    expect(page.locator("main")).to_contain_text("K80.2")


def test_a_consultation_with_chosen_parts_is_answered_as_a_signed_note_on_the_chart(page, cast, owner):
    given.clinical(owner, cast, "diagnosis", code="J18.9")
    given.signed_note(owner, cast)
    greta = cast.greta_patient

    # Alice asks Erik, letting him read the summary only
    log_in(page, "alice")
    page.goto(f"/patients/{greta}/journal")
    page.click(f"a[href='/consultations/new?patient_id={greta}']")
    page.select_option("#f-specialist_id", str(cast.erik))
    page.fill("#f-question", CONSULTATION_QUESTION)
    expect(page.locator("input[name=parts][value=summary]")).to_be_checked()
    page.click("form[action^='/consultations/new'] button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("The consultation is sent to the specialist.")
    consultation_url = re.sub(r"^https?://[^/]+|\?.*$", "", page.url)

    # Erik reads the summary, not the notes, and answers
    switch_user(page, "erik")
    page.goto(consultation_url)
    expect(page.locator("main")).to_contain_text("J18.9")
    expect(page.locator("main")).not_to_contain_text("Journal notes")
    page.fill("#f-answer", ANSWER)
    page.click("form[action$='/answer'] button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("Your access to the patient's journal has ended.")

    # Alice reads the answer and follows it to the signed note by Erik on Greta's chart
    switch_user(page, "alice")
    page.goto("/consultations")
    expect(page.locator("main")).to_contain_text("New answer")
    page.goto(consultation_url)
    expect(page.locator("main")).to_contain_text(ANSWER)
    page.click("main a[href*='/journal/notes/']")
    expect(page.locator("main")).to_contain_text("Dr Erik Ek")
    expect(page.locator("main")).to_contain_text("Consultant's answer")
    expect(page.locator("main")).to_contain_text(ANSWER)
    page.goto(f"/patients/{greta}/journal")
    expect(page.locator("main")).to_contain_text("Dr Erik Ek")
