"""Discharge in the browser: Dr Alice discharges Greta from the medical ward
through the discharge summary (epikris), prefilled with her active diagnosis
and the medication changes of her stay, confirms on the page that follows,
and the bed is free; Greta then reads the epikris in the portal."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.journal import given
from tests.medication.conftest import ensure_drugs, prescribe

pytestmark = pytest.mark.browser

COURSE = "Pneumonia treated with penicillin; afebrile since day two, walking on the ward."
COURSE_MORE = "Oxygen stopped on day three."
FOLLOW_UP = "Chest X-ray in six weeks at the health centre."


def switch_user(page, username: str) -> None:
    page.context.clear_cookies()
    origin = re.match(r"https?://[^/]+", page.url).group(0)  # type: ignore[union-attr]
    page.context.add_cookies([{"name": "hms_lang", "value": "en", "url": origin}])
    log_in(page, username)


def test_a_doctor_discharges_with_a_summary_and_the_patient_reads_it(page, cast, owner, acting_as):
    # given Greta admitted to the medical ward, with pneumonia on her problem
    # list and penicillin started during the stay
    alice = acting_as(cast.alice, "doctor")
    stay = given.admit(alice, cast)
    given.clinical(owner, cast, "diagnosis")  # J18.9
    prescribe(
        alice,
        cast,
        ensure_drugs(owner)["Fenoximetylpenicillin tablet"],
        dose=1,
        dose_unit="g",
        times_of_day=["08:00", "14:00", "20:00"],
        starts_at="now",
    )
    greta = cast.greta_patient

    # when Dr Alice opens the discharge from Greta's chart
    log_in(page, "alice")
    page.goto(f"/patients/{greta}/journal")
    page.click(f"a[href='/patients/{greta}/journal/encounters/{stay}/discharge']")
    expect(page).to_have_url(re.compile(rf"/encounters/{stay}/discharge$"))

    # then the form is prefilled from the problem list and the prescriptions
    expect(page.locator("#f-diagnoses")).to_have_value(re.compile(r"J18\.9"))
    expect(page.locator("#f-medication")).to_have_value(re.compile(r"Insatt: Fenoximetylpenicillin 1 g"))

    # when she sends it without the course of care, her follow-up text stays
    page.fill("#f-follow_up", FOLLOW_UP)
    page.click("button[name=action][value=review]")
    expect(page.locator("#e-course")).to_be_visible()
    expect(page.locator("#f-follow_up")).to_have_value(FOLLOW_UP)

    # when she writes the course of care and reviews the summary
    page.fill("#f-course", f"{COURSE}\n{COURSE_MORE}")
    page.click("button[name=action][value=review]")

    # then a confirmation page shows the summary, and nothing is done yet
    expect(page.locator("h2")).to_contain_text("Confirm the discharge")
    expect(page.locator("article.note")).to_contain_text(COURSE)
    expect(page.locator("div.confirm")).to_contain_text("Signing cannot be undone.")

    # when she confirms
    page.click("button[name=action][value=confirm]")

    # then she is back on the chart, the patient discharged and the summary signed
    expect(page).to_have_url(re.compile(r"/journal\?notice=discharged$"))
    expect(page.locator("p.flash")).to_contain_text("The patient is discharged and the bed is free.")
    expect(page.locator("table.timeline")).to_contain_text("Discharge summary")
    assert given.value(owner, "SELECT ended_at FROM encounter WHERE id = %s", [stay]) is not None
    # the lines typed stay lines, through the confirmation page and back
    body = given.value(owner, "SELECT body FROM note_section WHERE heading = 'Vårdförlopp'")
    assert body == f"{COURSE}\n{COURSE_MORE}"

    # and Greta reads the epikris in her portal, first on her record page
    switch_user(page, "greta")
    page.goto("/my")
    epikris = page.locator("section.epikris")
    expect(epikris.locator("h2")).to_have_text("Discharge summaries")
    expect(epikris).to_contain_text("Course of care")
    expect(epikris).to_contain_text(COURSE)
    expect(epikris).to_contain_text("Follow-up")
    expect(epikris).to_contain_text(FOLLOW_UP)
    expect(epikris).to_contain_text("Fenoximetylpenicillin")


def test_closing_a_visit_asks_for_confirmation_first(page, cast, owner, acting_as):
    visit = given.visit(acting_as(cast.alice, "doctor"), cast)
    greta = cast.greta_patient
    log_in(page, "bob")
    page.goto(f"/patients/{greta}/journal")
    page.click(f"a[href='/patients/{greta}/journal/encounters/{visit}/close']")
    expect(page.locator("div.confirm")).to_contain_text("Closing cannot be undone.")
    assert given.value(owner, "SELECT ended_at FROM encounter WHERE id = %s", [visit]) is None
    page.click(f"form[action='/patients/{greta}/journal/encounters/{visit}/close'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/journal\?notice=closed$"))
    assert given.value(owner, "SELECT ended_at FROM encounter WHERE id = %s", [visit]) is not None
