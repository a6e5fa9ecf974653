"""The chart in the browser: a doctor writes, signs and amends a progress note;
a nurse records vital signs and sees the NEWS2 score and the trends."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

CHART_SCREENSHOT = Path(tempfile.gettempdir()) / "hms-chart.png"


def open_chart(page, patient_id: int) -> None:
    page.goto(f"/patients/{patient_id}/journal")
    expect(page.locator("header.chart-header h1")).to_contain_text("Gustafsson, Greta")


def test_doctor_writes_signs_and_amends_a_progress_note_and_both_versions_stay_readable(page, cast):
    # given Alice, a doctor on the ward where Greta is in care, at Greta's chart
    log_in(page, "alice")
    open_chart(page, cast.greta_patient)

    # when she writes a progress note and signs it
    page.click(f"nav.chart-actions a[href='/patients/{cast.greta_patient}/journal/notes/new']")
    expect(page).to_have_url(re.compile(r"/journal/notes/new$"))
    page.fill("#s1", "Feber sedan igår, hosta.")
    page.fill("#s3", "Misstänkt pneumoni.")
    page.click("form.note-form button[name=action][value=sign]")

    # then the note page shows the signed text, version 1
    expect(page).to_have_url(re.compile(r"/journal/notes/\d+\?notice=signed$"))
    note_url = page.url.split("?")[0]
    note = page.locator("article.note")
    expect(note).to_contain_text("Feber sedan igår, hosta.")
    expect(note).to_contain_text("version 1")

    # when she amends it with a reason, changes the text and signs again
    page.fill("#amend_reason", "Fel sida angiven i bedömningen")
    page.click("form[action$='/amend'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/journal/notes/\d+/edit$"))
    expect(page.locator("p.flash")).to_contain_text("Fel sida angiven i bedömningen")
    expect(page.locator("#s1")).to_have_value("Feber sedan igår, hosta.")
    page.fill("#s3", "Misstänkt pneumoni höger sida.")
    page.click("form.note-form button[name=action][value=sign]")

    # then the note shows the new text, as an amended version 2
    expect(page).to_have_url(re.compile(r"/journal/notes/\d+\?notice=signed$"))
    assert page.url.split("?")[0] == note_url
    expect(note).to_contain_text("Misstänkt pneumoni höger sida.")
    expect(note).to_contain_text("version 2")
    expect(note).to_contain_text("(amended)")

    # and the history keeps both versions: the old text, the new and the reason
    versions = page.locator("section.history li.version")
    expect(versions).to_have_count(2)
    first = versions.filter(has_text="Version 1")
    second = versions.filter(has_text="Version 2")
    first.locator("summary").click()  # the earlier version is folded away
    expect(first.locator("details")).to_contain_text("Misstänkt pneumoni.")
    expect(first.get_by_text("Misstänkt pneumoni.", exact=True)).to_be_visible()
    expect(first).not_to_contain_text("höger sida")
    expect(second.get_by_text("Misstänkt pneumoni höger sida.", exact=True)).to_be_visible()
    expect(second.locator("em")).to_have_text("Amendment: Fel sida angiven i bedömningen")
    expect(first.locator("em")).to_have_count(0)

    # and back on the chart, the timeline lists the note under her name and ward
    page.click("header.chart-header h1 a")
    entry = page.locator("table.timeline tbody tr").filter(has_text="Dr Alice Andersson")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Medical ward 1")
    expect(entry.locator("a")).to_have_attribute("href", re.sub(r"^https?://[^/]+", "", note_url))
    page.screenshot(path=CHART_SCREENSHOT, full_page=True)


def record_vitals(page, **fields: str) -> None:
    for name, value in fields.items():
        if name == "consciousness":
            page.select_option("#f-consciousness", value)
        else:
            page.fill(f"#f-{name}", value)
    page.click("form.vitals-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/journal/vitals\?notice=vitals$"))


def test_nurse_records_vital_signs_and_sees_the_news2_band_and_the_trend(page, cast):
    # given Bob, a nurse on Greta's ward, on her vital signs page from the chart
    log_in(page, "bob")
    open_chart(page, cast.greta_patient)
    page.click(f"nav.chart-actions a[href='/patients/{cast.greta_patient}/journal/vitals']")
    expect(page).to_have_url(re.compile(r"/journal/vitals$"))
    expect(page.locator("#latest-news2")).to_have_count(0)

    # when he records a round of normal values, then a round of a deteriorating patient
    record_vitals(
        page,
        respiratory_rate="16",
        spo2="97",
        systolic="128",
        diastolic="78",
        pulse="72",
        temperature="37.0",
        consciousness="A",
    )
    expect(page.locator("#latest-news2")).to_have_class(re.compile(r"\bband-low\b"))
    record_vitals(
        page,
        respiratory_rate="26",
        spo2="90",
        systolic="88",
        diastolic="50",
        pulse="135",
        temperature="39.5",
        consciousness="V",
    )

    # then the latest NEWS2 is 3+3+3+3+2+3 = 17, in the high band
    latest = page.locator("#latest-news2")
    expect(latest).to_have_class(re.compile(r"\bband-high\b"))
    expect(latest.locator("strong")).to_have_text("17")
    expect(latest).to_contain_text("High")
    expect(page.locator("p.flash")).to_contain_text("The vital signs are recorded.")

    # and the trend charts draw both measurements
    charts = page.locator("figure.chart")
    expect(charts.first.locator("svg")).to_be_visible()
    news2_chart = charts.filter(has=page.locator("figcaption", has_text=re.compile(r"^NEWS2$")))
    expect(news2_chart.locator("svg circle")).to_have_count(2)
    expect(page.locator("section.panel table tbody tr")).to_have_count(2)
