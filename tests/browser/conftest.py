"""Browser tests: the real app served by uvicorn on a free local port, driven
by headless Chromium through Playwright.

Debian's ``chromium`` is used (no browser download); where it is missing the
tests are skipped with a reason. Every test gets a fresh browser context (no
cookies), English pages by default, and the fixed cast from ``tests/cast.py``.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect

from hms.app import create_app
from hms.config import Settings
from hms.db.pool import Database
from tests.cast import PASSWORD

expect.set_options(timeout=30000)

CHROMIUM = Path(os.environ.get("HMS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_server(settings: Settings, database: Database) -> Iterator[str]:
    """The app on 127.0.0.1 in a background thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port, and we keep it bound
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings, database=database), log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set HMS_CHROMIUM)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, live_server: str):
    """A fresh tab with no session, showing pages in English."""
    context = browser.new_context(
        base_url=live_server, locale="en-GB", viewport={"width": 1280, "height": 860}
    )
    context.add_cookies([{"name": "hms_lang", "value": "en", "url": live_server}])
    context.set_default_timeout(30000)  # generous: CI machines are small and busy
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form and wait for the start page."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
