"""Reports in the browser: the administrator appoints Dr Alice head of
Internal medicine; she finds her reports on her home page, sees only her
department's unit, narrows the clinical report to March, reads a
suppressed cell as <5 in the table and downloads the CSV."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.reports.conftest import history  # noqa: F401  (the hand-counted history)

pytestmark = pytest.mark.browser


def test_a_department_head_is_appointed_and_reads_her_departments_reports(page, cast, history):  # noqa: F811
    # given the administrator appoints Dr Alice head of Internal medicine
    log_in(page, "adam")
    page.click("nav.mainnav a:has-text('Department heads')")
    page.select_option("#f-department_id", label="Internal medicine (MED)")
    page.select_option("#f-user_id", label="Dr Alice Andersson")
    page.click("button:has-text('Appoint')")
    expect(page.locator("#department-heads")).to_contain_text("Dr Alice Andersson")
    page.click("button:has-text('Log out')")

    # when Dr Alice logs in, her home page leads to her department's reports
    log_in(page, "alice")
    page.click("a:has-text('Reports for your department')")
    expect(page).to_have_url(re.compile(r"/reports$"))
    expect(page.locator("main")).to_contain_text("Internal medicine")
    expect(page.locator("svg.chart").first).to_be_visible()

    # and she opens the clinical report for March
    page.click("a:has-text('Clinical activity')")
    page.fill("#f-from_day", "2026-03-01")
    page.fill("#f-to_day", "2026-03-31")
    page.click("button:has-text('Show')")
    expect(page.locator("select#f-unit_id option")).to_have_count(2)  # a blank and the medical unit only
    table = page.locator("#figure-clinical_diagnosis_month table")
    expect(table.locator("tr", has_text="J18.9").locator("td.suppressed")).to_have_text("<5")
    expect(table.locator("tr", has_text="I10").locator("td.num")).to_have_text("6")
    expect(page.locator("main")).not_to_contain_text("Surgical ward 1")

    # then the CSV she downloads says <5 where the page does
    with page.expect_download() as download:
        page.click("#figure-clinical_diagnosis_month a:has-text('Download as CSV')")
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: PTH123, SIM115
    assert "J18.9" in text and ",<5" in text
