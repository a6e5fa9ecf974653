"""A simulated user's browser, as light on CPU as HTTP allows: one kept-alive
HTTP/1.1 connection from the standard library, the cookies the app sets, and
redirects answered, not followed.

The mixed load runs its users on the same cores as the server and the
database, so what the users cost is taken from what the server can do. httpx
spent 0.67 ms of CPU on a small page where ``http.client`` spends 0.19 ms
(500 GETs of /login on this machine), so with httpx the simulated users took
about a tenth of the machine under load.
"""

import http.client
import select
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Page:
    status_code: int
    headers: dict[str, str]  # names in lower case; of a repeated header, the last
    text: str


class Browser:
    """One user's tab: requests one after the other over one connection."""

    def __init__(self, base: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def get(self, path: str, params: dict[str, str] | None = None) -> Page:
        return self._request("GET", f"{path}?{urlencode(params)}" if params else path, None)

    def post(self, path: str, data: dict[str, str]) -> Page:
        return self._request("POST", path, urlencode(data).encode())

    def close(self) -> None:
        self._conn.close()

    def _request(self, method: str, path: str, body: bytes | None) -> Page:
        reused = self._reconnect_if_closed()
        try:
            return self._send(method, path, body)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed a kept-alive connection as the request left: a GET
            # is sent again once on a new connection; a form is not (it may have landed).
            if not (reused and method == "GET"):
                raise
            return self._send(method, path, body)

    def _send(self, method: str, path: str, body: bytes | None) -> Page:
        headers = {"Host": f"{self.host}:{self.port}", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self._conn.request(method, path, body=body, headers=headers)
            response = self._conn.getresponse()
            text = response.read().decode()
        except BaseException:
            # Whatever went wrong (refused, timed out, cut off), the next request
            # starts on a new connection, not on one left half way through this one.
            self._conn.close()
            raise
        for line in response.headers.get_all("set-cookie") or []:
            self._keep(line)
        if response.will_close:
            self._conn.close()
        return Page(response.status, {k.lower(): v for k, v in response.getheaders()}, text)

    def _keep(self, set_cookie: str) -> None:
        for name, morsel in SimpleCookie(set_cookie).items():
            if morsel["max-age"] in ("0", "-1") or morsel.value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.coded_value  # sent back as the server wrote it

    def _reconnect_if_closed(self) -> bool:
        """A kept-alive connection the server has closed while idle (uvicorn does after
        5 s) reads as ready with nothing to read: open a new one before sending, as
        browsers and httpx do, rather than lose the request. True if the request is
        about to go over a connection that has served one before."""
        sock = self._conn.sock
        if sock is not None and select.select([sock], [], [], 0)[0]:
            self._conn.close()
            return False
        return sock is not None
