"""FastAPI tries a request's path against every route, router by router, in
the order they were included (hms/app.py), and takes the first that matches.
The busiest pages come first; no route hides another, so that order decides
nothing but how soon a route is found."""

import re

from fastapi.routing import APIRoute

from hms.web.guard import all_routes

PARAM = re.compile(r"{[^}]+}")


def _routes(app) -> list[APIRoute]:
    return [r for r in all_routes(app.routes) if isinstance(r, APIRoute)]


def test_no_route_hides_another(app):
    """Each route's own path (its parameters filled with 1) is answered by that
    route and not by one tried before it."""
    routes = _routes(app)
    hidden = []
    for route in routes:
        path = PARAM.sub("1", route.path)
        for method in route.methods:
            first = next(r for r in routes if method in r.methods and r.path_regex.match(path))
            if first is not route:
                hidden.append(f"{method} {route.path} is answered by {first.path}")
    assert hidden == []


def test_the_busiest_pages_are_found_first(app):
    """A chart, a name search and a vital-sign write are most of a ward's
    requests: their routes are among the first thirty tried, ahead of every
    administrator's page."""
    paths = [(method, r.path) for r in _routes(app) for method in sorted(r.methods)]

    def tried_before(method: str, path: str) -> int:
        return paths.index((method, path))

    first_admin = min(i for i, (_, path) in enumerate(paths) if path.startswith("/admin"))
    for method, path in [
        ("GET", "/patients"),
        ("GET", "/patients/{patient_id}/journal"),
        ("POST", "/patients/{patient_id}/journal/vitals"),
    ]:
        assert tried_before(method, path) < min(30, first_admin), (method, path)
