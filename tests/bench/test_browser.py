"""The mixed load's browser: cookies kept and dropped as the server says, and a
kept-alive connection the server closed while idle replaced before sending."""

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hms.bench.browser import Browser


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    timeout = 1.0  # the server closes an idle connection, as uvicorn does after 5 s
    connections: list[int] = []

    def setup(self) -> None:
        super().setup()
        Handler.connections.append(id(self.connection))

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        body = f"{self.path} {self.headers.get('Cookie', '')}".encode()
        self.send_response(200)
        if self.path == "/in":
            self.send_header("Set-Cookie", "hms_session=abc; Path=/; HttpOnly")
            self.send_header("Set-Cookie", "hms_csrf=x1; Path=/")
        if self.path == "/out":
            self.send_header("Set-Cookie", "hms_session=; Max-Age=0; Path=/")
        if self.path == "/quoted":
            self.send_header("Set-Cookie", 'note="a b\\073c"; Path=/')
        if self.path == "/slow":
            time.sleep(0.6)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        self.send_response(303)
        self.send_header("Location", "/done?" + body.decode())
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on /slow: the late answer has nowhere to go


@pytest.fixture()
def base() -> Iterator[str]:
    Handler.connections = []
    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_cookies_are_kept_sent_and_dropped(base: str) -> None:
    browser = Browser(base)
    assert browser.get("/in").text == "/in "
    assert browser.cookies == {"hms_session": "abc", "hms_csrf": "x1"}
    assert (
        browser.get("/page", params={"q": "Ann Berg"}).text == "/page?q=Ann+Berg hms_session=abc; hms_csrf=x1"
    )
    browser.get("/out")
    assert browser.cookies == {"hms_csrf": "x1"}
    browser.close()


def test_a_form_is_posted_and_its_redirect_answered_not_followed(base: str) -> None:
    browser = Browser(base)
    page = browser.post("/form", data={"csrf_token": "t", "note": "å & ö"})
    assert page.status_code == 303
    assert page.headers["location"] == "/done?csrf_token=t&note=%C3%A5+%26+%C3%B6"
    browser.close()


def test_a_connection_the_server_closed_while_idle_is_replaced(base: str) -> None:
    browser = Browser(base)
    assert browser.get("/one").status_code == 200
    assert browser.get("/two").status_code == 200
    assert len(Handler.connections) == 1  # kept alive
    time.sleep(2.0)  # the server's idle timeout passes and it closes the connection
    assert browser.get("/three").text == "/three "
    assert len(Handler.connections) == 2
    browser.close()


def test_a_quoted_cookie_goes_back_as_the_server_wrote_it(base: str) -> None:
    browser = Browser(base)
    browser.get("/quoted")
    assert browser.get("/echo").text == '/echo note="a b\\073c"'
    browser.close()


def test_a_request_that_timed_out_leaves_the_browser_usable(base: str) -> None:
    browser = Browser(base, timeout=0.2)
    with pytest.raises(TimeoutError):
        browser.get("/slow")
    assert browser.get("/after").text == "/after "
    browser.close()
