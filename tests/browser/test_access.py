"""Access control in the browser: a doctor outside the care relationship is
refused and uses emergency access, which an administrator then reviews; the
patient reads who has opened her record."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, log_in

pytestmark = pytest.mark.browser

REFUSED_SCREENSHOT = Path(tempfile.gettempdir()) / "hms-refused.png"


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only, closed when it ends.

    This module sorts before test_commit_order.py, whose ``asyncio.run`` fails
    while a Playwright sync session (and its event loop) is still running in
    the thread; the session-wide browser would stay open until the end.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set HMS_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


REASON = "Medvetslös i akutrummet, behöver läkemedelslistan nu"


def log_out(page) -> None:
    page.click("form[action='/logout'] button[type=submit]")
    page.wait_for_url(re.compile(r"/login"))


def test_doctor_without_care_relationship_is_refused_opens_emergency_access_and_it_is_reviewed(page, cast):
    chart = f"/patients/{cast.greta_patient}/journal"

    # given Charlie, a surgeon with no care relationship with Greta
    log_in(page, "charlie")

    # when he opens her chart, he is refused and offered emergency access
    response = page.goto(chart)
    assert response is not None and response.status == 403
    refused = page.locator("section.refused")
    expect(refused.locator("h1")).to_have_text("403 · Access refused")
    expect(page.locator("header.chart-header")).to_have_count(0)
    expect(refused.locator("#f-reason")).to_be_visible()
    page.screenshot(path=REFUSED_SCREENSHOT, full_page=True)

    # and a reason that is too short is refused beside the field, keeping what he typed
    page.fill("#f-reason", "Akut")
    page.click(f"form[action='/patients/{cast.greta_patient}/emergency-access'] button[type=submit]")
    expect(page.locator("#e-reason")).to_be_visible()
    expect(page.locator("#f-reason")).to_have_value("Akut")

    # when he gives a proper reason, the chart opens with a notice
    page.fill("#f-reason", REASON)
    page.click(f"form[action='/patients/{cast.greta_patient}/emergency-access'] button[type=submit]")
    expect(page).to_have_url(re.compile(rf"{re.escape(chart)}\?notice=emergency$"))
    expect(page.locator("header.chart-header h1")).to_contain_text("Gustafsson, Greta")
    expect(page.locator("p.flash")).to_contain_text("Emergency access is open for four hours")
    log_out(page)

    # then Adam, the administrator, finds the access in the review queue
    log_in(page, "adam")
    page.click("nav.mainnav a[href='/admin/audit']")
    page.click("a[href='/admin/audit/emergency']")
    expect(page).to_have_url(re.compile(r"/admin/audit/emergency$"))
    row = page.locator("#emergency-accesses tbody tr").filter(has_text="charlie")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Dr Charlie Carlsson")
    expect(row).to_contain_text("Gustafsson, Greta")
    expect(row).to_contain_text(REASON)
    expect(row.locator(".tag.warn")).to_have_text("Active")

    # and marks it justified with a comment
    row.get_by_label("Justified", exact=True).check()
    row.locator("textarea[name=comment]").fill("Bekräftat med akutmottagningen.")
    row.locator("button[type=submit]").click()

    # then the review is saved and shown in place of the form
    expect(page).to_have_url(re.compile(r"/admin/audit/emergency\?notice=reviewed#access-\d+$"))
    expect(page.locator("p.flash")).to_contain_text("The review is saved.")
    expect(row.locator(".tag.ok")).to_have_text("Justified")
    expect(row).to_contain_text("Adam Admin")
    expect(row).to_contain_text("Bekräftat med akutmottagningen.")
    expect(row.locator("form")).to_have_count(0)


def test_patient_sees_in_her_access_log_that_the_medical_ward_opened_her_chart(page, cast):
    # given Alice, a doctor on the medical ward, has opened Greta's chart
    log_in(page, "alice")
    page.goto(f"/patients/{cast.greta_patient}/journal")
    expect(page.locator("header.chart-header h1")).to_contain_text("Gustafsson, Greta")
    log_out(page)

    # when Greta logs in and opens the log of who has read her record
    log_in(page, "greta")
    page.click("nav.mainnav a[href='/my']")
    page.click("a[href='/my/access-log']")
    expect(page).to_have_url(re.compile(r"/my/access-log$"))
    expect(page.locator("h1")).to_have_text("Who has read my record")

    # then one line names the doctor, her profession and unit, and what she read
    rows = page.locator("table.access-log tbody tr")
    expect(rows).to_have_count(1)
    for shown in ("Dr Alice Andersson", "Physician", "Medical ward 1", "Journal", "Read"):
        expect(rows.first).to_contain_text(shown)
    # and neither the surgical unit nor any refusal
    expect(page.locator("table.access-log")).not_to_contain_text("Surgical ward 1")
    expect(page.locator("table.access-log .tag.warn")).to_have_count(0)
