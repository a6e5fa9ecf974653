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
        ],
        "bob": ["/", f"{chart}/vitals", "/medication/mar", "/lab/sampling", "/messages"],
        "petra": ["/", "/medication/review", "/medication/active", "/medication/formulary", "/pharmacy"],
        "rita": ["/", "/patients", "/patients/new", f"/patients/{p}", "/schedule"],
        "adam": ["/", "/admin/staff", "/admin/organization", "/admin/audit", "/admin/scheduling"],
        "erik": ["/", "/consultations"],
        "greta": [
            "/",
            "/my",
            f"/my/patients/{p}",
            "/my/medication",
            "/my/appointments",
            "/my/messages",
            "/my/requests",
            "/my/proxies",
            "/my/blocks",
            "/my/access-log",
        ],
        "sven": ["/", f"/my/patients/{p}"],
    }


def phone(browser, live_server: str) -> Page:
    context = browser.new_context(base_url=live_server, locale="en-GB", viewport=PHONE)
    context.add_cookies([{"name": "hms_lang", "value": "en", "url": live_server}])
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
def test_main_pages_fit_a_phone_and_pass_axe(browser, live_server, cast, journal, who):
    # given someone of each role, logged in on a phone
    page = phone(browser, live_server)
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
