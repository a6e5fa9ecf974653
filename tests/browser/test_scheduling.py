"""Scheduling in the browser: Rita books Greta a time and moves it; a patient
reception registered arrives, Rita checks her in, and Nurse Bob admits her
without emergency access; Greta books and cancels in the portal; a time Rita
frees is offered to Greta from the waitlist and she takes it."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.scheduling.conftest import appointment_now, at, book, clinic, new_patient  # noqa: F401

pytestmark = pytest.mark.browser


@contextmanager
def tab_of(browser, live_server: str, username: str) -> Iterator:
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.add_cookies([{"name": "hms_lang", "value": "en", "url": live_server}])
    context.set_default_timeout(30000)
    tab = context.new_page()
    log_in(tab, username)
    try:
        yield tab
    finally:
        context.close()


def test_rita_books_and_moves_an_appointment(page, cast, clinic, owner):  # noqa: F811
    log_in(page, "rita")
    page.goto("/schedule")
    page.fill("#f-personal_number", "19420214-2388")
    page.click("form[action='/schedule/find'] button[type=submit]")
    page.select_option("#f-type_id", str(clinic.visit))
    page.click("form.filters button[type=submit]")
    page.select_option("#f-clinician_id", str(cast.alice))
    page.click("form.filters button[type=submit]")
    first = page.locator("ul.slots button").first
    expect(first).to_contain_text("Dr Alice Andersson")
    first.click()
    expect(page.locator(".flash")).to_contain_text("The appointment is booked.")
    expect(page.locator("h1")).to_contain_text("Follow-up visit")
    before = owner.execute("SELECT lower(during) AS s FROM appointment").fetchone()["s"]
    page.click("a.button:has-text('Move')")
    page.locator("ul.slots button").nth(2).click()
    expect(page.locator(".flash")).to_contain_text("The appointment is moved.")
    after = owner.execute("SELECT lower(during) AS s, status FROM appointment").fetchone()
    assert after["s"] > before and after["status"] == "booked"
    expect(page.locator("ul.history")).to_contain_text("Moved")


def test_the_patient_arrives_and_a_nurse_admits_her_without_emergency_access(
    page,
    browser,
    live_server,
    cast,
    clinic,  # noqa: F811
    owner,
):
    asa = new_patient(owner)
    appointment = appointment_now(owner, cast, clinic, patient=asa)
    log_in(page, "rita")
    page.goto("/")
    page.click(f"a[href='/schedule/appointments/{appointment}']")
    page.click("button:has-text('Check in')")
    expect(page.locator(".flash")).to_contain_text("The patient is checked in")
    with tab_of(browser, live_server, "bob") as bob:
        bob.goto(f"/patients/{asa}/journal/encounters/new")
        expect(bob.locator("h1")).not_to_contain_text("Emergency access")
        bob.select_option("#f-care_unit_id", str(cast.unit_med))
        bob.select_option("#f-kind", "admission")
        bob.select_option("#f-bed_id", str(cast.bed_a))
        bob.fill("#f-reason", "Pneumonia, needs IV antibiotics")
        bob.click("form[method=post][action$='/encounters/new'] button[type=submit]")
        bob.wait_for_url(lambda url: "/encounters/new" not in url)
    kinds = [
        r["kind"]
        for r in owner.execute("SELECT kind FROM encounter WHERE patient_id = %s ORDER BY id", [asa])
    ]
    assert kinds == ["outpatient", "admission"]
    assert owner.execute("SELECT count(*) AS n FROM emergency_access").fetchone()["n"] == 0


def test_greta_books_and_cancels_in_the_portal(page, cast, clinic, owner):  # noqa: F811
    log_in(page, "greta")
    page.goto("/my/appointments")
    page.click("a:has-text('Follow-up visit')")
    page.fill("#f-from_day", at(3, 0).date().isoformat())
    page.click("form.filters button[type=submit]")
    page.locator("ul.slots button").first.click()
    expect(page.locator(".flash")).to_contain_text("The appointment is booked.")
    expect(page.locator("section.panel").nth(0)).to_contain_text("Follow-up visit")
    page.click("form[action$='/cancel'] button")
    # the portal asks first, and nothing is cancelled until she confirms
    expect(page.locator("h1#confirm-question")).to_have_text("Cancel your appointment?")
    expect(page.locator(".confirm-details")).to_contain_text("Follow-up visit")
    assert owner.execute("SELECT status FROM appointment").fetchone()["status"] == "booked"
    page.click("form.confirm-form button[name=confirmed]")
    expect(page.locator(".flash")).to_contain_text("The appointment is cancelled.")
    assert owner.execute("SELECT status FROM appointment").fetchone()["status"] == "cancelled"


def test_a_freed_time_is_offered_from_the_waitlist(
    page,
    browser,
    live_server,
    cast,
    clinic,  # noqa: F811
    owner,
    acting_as,
):
    taken = book(acting_as(cast.rita), new_patient(owner), clinic.visit, cast.alice, at(3, 10))
    log_in(page, "greta")
    page.goto("/my/appointments")
    page.select_option("#f-wait-type", str(clinic.visit))
    page.click("form[action='/my/appointments/waitlist'] button")
    expect(page.locator(".flash")).to_contain_text("You are on the waitlist.")
    with tab_of(browser, live_server, "rita") as rita:
        rita.goto(f"/schedule/appointments/{taken}")
        rita.fill("#f-reason", "Patient called in sick")
        rita.click("form[action$='/cancel'] button[type=submit]")
        expect(rita.locator("h1#confirm-question")).to_have_text("Cancel the appointment?")
        rita.click("form.confirm-form button[name=confirmed]")
        expect(rita.locator(".flash")).to_contain_text("The appointment is cancelled.")
    page.goto("/my/appointments")
    offer = page.locator("section.warnings")
    expect(offer).to_contain_text("An earlier time is offered")
    offer.locator("button:has-text('Take the time')").click()
    expect(page.locator(".flash")).to_contain_text("The offered time is yours.")
    row = owner.execute(
        "SELECT status FROM appointment WHERE patient_id = %s", [cast.greta_patient]
    ).fetchone()
    assert row["status"] == "booked"
