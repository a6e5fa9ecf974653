"""A write is committed before its response leaves the server.

A browser follows a redirect at once, often on another connection. If the
request's transaction commits only after the response has been sent, the next
page may not see the write yet: a patient just registered is "not found", a
fresh login still looks anonymous, a logout still looks logged in. The browser
tests in this folder fail now and then for exactly this reason; this test shows
it every time, without a browser.
"""

import asyncio
import threading
from urllib.parse import urlencode

from tests.conftest import login


def send_form(app, *, path: str, form: dict[str, str], cookies: str, on_response_start) -> None:
    """POST a form through the ASGI app, calling ``on_response_start`` when the response begins."""
    body = urlencode(form).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
            (b"cookie", cookies.encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            on_response_start(message)

    # Its own thread: a browser test may already run an event loop in this one.
    worker = threading.Thread(target=lambda: asyncio.run(app(scope, receive, send)))
    worker.start()
    worker.join()


def test_a_registered_patient_is_committed_before_the_redirect_to_her_page_is_sent(app, client, cast, owner):
    csrf = login(client, "rita")
    cookies = "; ".join(f"{c.name}={c.value}" for c in client.cookies.jar)
    seen: dict[str, int] = {}

    def on_response_start(message: dict) -> None:
        seen["status"] = message["status"]
        seen["visible"] = owner.execute(
            "SELECT count(*) AS n FROM patient WHERE personal_number = '198507099805'"
        ).fetchone()["n"]

    send_form(
        app,
        path="/patients/new",
        cookies=cookies,
        on_response_start=on_response_start,
        form={
            "personal_number": "19850709-9805",
            "given_name": "Åsa",
            "family_name": "Jönsson",
            "sex": "female",
            "csrf_token": csrf,
        },
    )

    assert seen["status"] == 303
    assert seen["visible"] == 1, "the redirect left before the patient was committed"
