"""Values no page can use, refused at the door with the normal error page.

Python is more forgiving than PostgreSQL. ``int()`` reads ``"-1"``, ``" 1"``,
``"١٢"`` and numbers of any size, and ``str.isdigit()`` is true for ``"²"``;
the database holds ids as bigint, cannot store a NUL byte in text, and its
access functions expect a real patient id. Left to the pages, such values
became 500s deep inside a query. So before any route runs:

- a NUL byte in the address or the query string is a 400;
- an id in the address (every path parameter of the app is an int) must be
  plain digits 0-9 that fit a bigint, else there is nothing there: 404;
- so must a query parameter a route declares as an int, and any query value
  made only of digits (pages read some by hand with ``isdigit()``): else 422.

Form bodies are not read here; what the database refuses from a form is
answered by the app's exception handlers.
"""

import re
from dataclasses import dataclass
from typing import Any, get_args
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from hms.web.error_pages import error_page
from hms.web.guard import all_routes

# 18 digits always fit a bigint (19 may not), and no id will ever need 19.
ID = re.compile(r"[0-9]{1,18}")
# No address of the app has a longer segment; a huge one need not be matched
# against every route to know that none takes it.
LONGEST_SEGMENT = 64


def as_id(value: str | None) -> int | None:
    """The id a form or query value names, or None if it names none."""
    return int(value) if value and ID.fullmatch(value) else None


@dataclass(frozen=True)
class RouteIds:
    """Where one route's address holds ids, and which query parameters are ids."""

    path: re.Pattern[str]
    path_ids: frozenset[str]
    query_ids: frozenset[str]
    first: str  # the address's first segment, literal
    segments: int  # how many segments it has: a parameter takes exactly one


def _is_int(param: Any) -> bool:
    annotation = param.field_info.annotation
    return annotation is int or int in get_args(annotation)


def route_ids(routes: list[Any]) -> list[RouteIds]:
    """The ids of every route in the registry; the app will not start with a
    path parameter this check does not understand."""
    found = []
    for route in all_routes(routes):
        if not isinstance(route, APIRoute):
            continue
        for param in route.dependant.path_params:
            if not _is_int(param):
                raise RuntimeError(f"{route.path}: {param.name} is not an id; teach input_check about it")
        first = _first_segment(route.path)
        if "{" in first:
            raise RuntimeError(f"{route.path}: an id in the first segment; teach input_check about it")
        found.append(
            RouteIds(
                path=compile_path(route.path)[0],
                path_ids=frozenset(p.name for p in route.dependant.path_params),
                query_ids=frozenset(p.alias for p in route.dependant.query_params if _is_int(p)),
                first=first,
                segments=route.path.count("/"),
            )
        )
    return found


def refusal(path: str, query: list[tuple[str, str]], routes: list[RouteIds]) -> str | None:
    """The kind of error page the request gets instead of its route, if any."""
    if "\x00" in path or any("\x00" in name or "\x00" in value for name, value in query):
        return "bad_request"
    if any(value.isdigit() and not ID.fullmatch(value) for _name, value in query):
        return "invalid_value"
    if any(len(segment) > LONGEST_SEGMENT for segment in path.split("/")):
        return "not_found"
    # "/patients/new" fits "/patients/{patient_id}" too: an address is refused
    # only if no route takes it with proper ids.
    matches = [(route, route.path.match(path)) for route in routes]
    fitting = [route for route, match in matches if match]
    taking = [
        route for route, match in matches if match and all(ID.fullmatch(match[n]) for n in route.path_ids)
    ]
    if fitting and not taking:
        return "not_found"
    query_ids = {name for route in taking for name in route.query_ids}
    if any(name in query_ids and value and not ID.fullmatch(value) for name, value in query):
        return "invalid_value"
    return None


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1] if path.startswith("/") else ""


class InputCheck:
    def __init__(self, app: ASGIApp, routes: list[RouteIds]) -> None:
        self.app = app
        # No route of the app has a parameter in its first segment (route_ids holds
        # it), and a parameter takes one whole segment, so only the routes with an
        # address's first segment and number of segments can take it: a few
        # patterns to match instead of every one of the app's.
        self.routes: dict[tuple[str, int], list[RouteIds]] = {}
        for route in routes:
            self.routes.setdefault((route.first, route.segments), []).append(route)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        kind = refusal(
            scope["path"],
            query,
            self.routes.get((_first_segment(scope["path"]), scope["path"].count("/")), []),
        )
        if kind is None:
            await self.app(scope, receive, send)
            return
        response = error_page(Request(scope, receive), kind)
        await response(scope, receive, send)
