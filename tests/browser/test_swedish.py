"""A Swedish page of each main flow shows no English interface text: every
visible line (and each part of a line between " · ") is compared with the
English msgids whose Swedish translation differs, over every role's main
pages (the same pages the layout test visits)."""

import re
from functools import cache

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import log_in
from tests.browser.test_layout import journal, main_pages  # noqa: F401  (the fixture)
from tests.web.test_i18n import swedish

pytestmark = pytest.mark.browser


@cache
def english_only() -> frozenset[str]:
    """Interface texts that read differently in Swedish (a text the same in
    both languages, like "Status" or "NEWS2", is not evidence of English)."""
    return frozenset(
        msgid
        for msgid, (_catalogue, forms) in swedish().items()
        if "%(" not in msgid and re.search(r"[A-Za-z]{3}", msgid) and msgid not in forms
    )


def english_on(page: Page) -> list[str]:
    text = page.evaluate("document.body.innerText")
    parts = {p.strip(" :*·") for line in text.splitlines() for p in line.split(" · ")}
    return sorted(p for p in parts if p in english_only())


@pytest.mark.parametrize("who", ["alice", "bob", "petra", "rita", "adam", "greta"])
def test_swedish_pages_show_no_english_interface_text(browser, live_server, cast, journal, who):  # noqa: F811
    context = browser.new_context(base_url=live_server, locale="sv-SE")
    context.add_cookies([{"name": "hms_lang", "value": "sv", "url": live_server}])
    page = context.new_page()
    log_in(page, who)
    found = {}
    for path in main_pages(cast, journal)[who]:
        page.goto(path)
        if english := english_on(page):
            found[path] = english
    context.close()
    assert found == {}
