"""Every role's main pages on a phone (390 × 844): nothing scrolls sideways,
and axe-core finds no serious or critical accessibility violation.

Greta's journal holds a signed note, an open visit, vital signs, a diagnosis,
an allergy, a prescription and lab orders, so the pages show their tables and
not only their empty states. axe-core comes bundled with the
axe-playwright-python package (no CDN)."""

import pytest
from playwright.sync_api import Page

from tests.access.conftest import grant_sven
from tests.browser.conftest import log_in
from tests.journal import given
from tests.lab.given import given_orders
from tests.medication.conftest import given_prescription

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SERIOUS = {"serious", "critical"}


@pytest.fixture()
def journal(owner, cast) -> dict[str, int]:
    """Greta's journal, filled as the access tests fill it; Sven holds her proxy."""
    note, _ = given.signed_note(owner, cast)
    given.visit(owner, cast)
    for table in ("vital_signs", "diagnosis", "allergy"):
        given.clinical(owner, cast, table)
    prescription = given_prescription(owner, cast)
    lab_order, _ = given_orders(owner, cast, patient=cast.greta_patient)
    grant_sven(owner, cast)
    return {"note": note, "prescription": prescription, "lab_order": lab_order}


def main_pages(cast, journal: dict[str, int]) -> dict[str, list[str]]:
    """Each role's main pages, as its menu and daily work reach them."""
    p = cast.greta_patient
    chart = f"/patients/{p}/journal"
    return {
        "alice": [
            "/",
            "/patients",
            "/patients?q=Greta",
            f"/patients/{p}",
            chart,
            f"{chart}/notes/{journal['note']}",
            f"{chart}/notes/new",
            f"{chart}/vitals",
            f"{chart}/diagnoses",
            f"/patients/{p}/medication",
            f"/patients/{p}/medication/{journal['prescription']}",
            f"/patients/{p}/lab",
            "/schedule",
            "/messages",
            "/requests",
            "/referrals",
            "/consultations",
            "/schedule/my-day",
            f"{chart}/print",
        ],
        "bob": ["/", "/ward", f"{chart}/vitals", "/medication/mar", "/lab/sampling", "/messages"],
        "petra": [
            "/",
            "/medication/review",
            "/medication/active",
            "/medication/formulary",
            "/pharmacy",
            "/pharmacy/dispense",
            "/pharmacy/low-stock",
            "/pharmacy/expiring",
            "/pharmacy/orders",
            "/pharmacy/value",
        ],
        "rita": [
            "/",
            "/patients",
            "/patients/new",
            f"/patients/{p}",
            "/schedule",
            "/schedule/find",
            "/schedule/walk-in",
        ],
        "adam": [
            "/",
            "/admin/staff",
            "/admin/staff/new",
            "/admin/organization",
            "/admin/audit",
            "/admin/audit/emergency",
            "/admin/audit/reports",
            "/admin/scheduling",
            "/reports",
            "/reports/flow",
            "/reports/clinical",
            "/admin/department-heads",
        ],
        "erik": ["/", "/consultations"],
        "greta": [
            "/",
            "/my",
            f"/my/patients/{p}",
            "/my/medication",
            "/my/appointments",
            "/my/messages",
            "/my/messages/new",
            "/my/requests",
            "/my/requests/new",
            "/my/proxies",
            "/my/blocks",
            "/my/access-log",
        ],
        "sven": ["/", f"/my/patients/{p}"],
    }


def phone(browser, live_server: str, lang: str = "en") -> Page:
    locale = {"en": "en-GB", "sv": "sv-SE"}[lang]
    context = browser.new_context(base_url=live_server, locale=locale, viewport=PHONE)
    context.add_cookies([{"name": "hms_lang", "value": lang, "url": live_server}])
    context.set_default_timeout(30000)
    return context.new_page()


def sideways(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def serious_violations(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("who", ["alice", "bob", "petra", "rita", "adam", "erik", "greta", "sven"])
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_main_pages_fit_a_phone_and_pass_axe(browser, live_server, cast, journal, who, lang):
    # given someone of each role, logged in on a phone, in English and in Swedish
    # (Swedish words are longer: a page that fits in one may not in the other)
    page = phone(browser, live_server, lang)
    log_in(page, who)
    wide: dict[str, int] = {}
    findings: dict[str, list[str]] = {}
    for url in main_pages(cast, journal)[who]:
        # when they open each of their main pages
        response = page.goto(url)
        assert response is not None and response.status < 400, f"{who} {url}: {response and response.status}"
        # then the page does not scroll sideways, and axe finds nothing serious
        if (extra := sideways(page)) > 0:
            wide[url] = extra
        if found := serious_violations(page):
            findings[url] = found
    page.context.close()
    assert not wide and not findings, f"too wide (px): {wide}; accessibility violations: {findings}"


def test_the_timeline_is_compact_with_the_date_on_one_line_and_a_small_open_link(
    browser, live_server, cast, journal
):
    # given Dr Alice at Greta's chart on a phone
    page = phone(browser, live_server)
    log_in(page, "alice")
    page.goto(f"/patients/{cast.greta_patient}/journal")
    note_row = page.locator("table.timeline tbody tr").filter(has=page.locator("a.open-link"))
    # then each date stands on one line
    for time in page.locator("table.timeline td.when span").all():
        assert time.evaluate("t => t.getClientRects().length") == 1
    # and a note's text is text, with a small "Open" link to the note beside it
    assert note_row.locator(".entry-text a").count() == 0
    link = note_row.locator("a.open-link")
    assert link.inner_text() == "Open"
    assert link.get_attribute("href") == f"/patients/{cast.greta_patient}/journal/notes/{journal['note']}"
    # and the wide table scrolls inside its box, not the page
    assert sideways(page) <= 0
    page.context.close()


def test_marking_a_diagnosis_in_error_asks_on_a_page_that_fits_a_phone(
    browser, live_server, cast, journal, owner
):
    # given Dr Alice at Greta's diagnoses on a phone
    page = phone(browser, live_server)
    log_in(page, "alice")
    page.goto(f"/patients/{cast.greta_patient}/journal/diagnoses")
    form = page.locator("form[action$='/error']").first
    form.locator("input[name=reason]").fill("Fel patient vald")

    # when she presses "Mark entered in error", she is asked first
    form.locator("button[type=submit]").click()
    question = page.locator("h1#confirm-question")
    assert question.inner_text() == "Mark the diagnosis as entered in error?"
    assert "J18.9" in page.locator(".confirm-details").inner_text()
    assert sideways(page) <= 0 and serious_violations(page) == []
    in_error = "SELECT count(*) AS n FROM diagnosis WHERE entered_in_error_at IS NOT NULL"
    assert owner.execute(in_error).fetchone()["n"] == 0

    # when she goes back, nothing has changed; when she confirms, it is marked
    page.click("form.confirm-form a:has-text('No, go back')")
    assert owner.execute(in_error).fetchone()["n"] == 0
    form = page.locator("form[action$='/error']").first
    form.locator("input[name=reason]").fill("Fel patient vald")
    form.locator("button[type=submit]").click()
    page.click("form.confirm-form button[name=confirmed]")
    page.wait_for_url(lambda url: "notice=diagnosis_in_error" in url)
    assert owner.execute(in_error).fetchone()["n"] == 1
    page.context.close()
