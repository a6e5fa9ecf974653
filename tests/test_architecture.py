"""Every domain package has the same skeleton, and dependencies point one way:
web → domain → core → db.

Read from the source alone (no database): each rule names the files that break it.
"""

import ast
from pathlib import Path

import pytest

HMS = Path(__file__).resolve().parents[1] / "hms"
# Packages that are not domains: the shared layers, and tools beside the app.
NOT_DOMAINS = frozenset({"core", "db", "web", "seed", "bench", "i18n", "jobs"})
SKELETON = ("pages.py", "read.py", "service.py", "policy.py", "forms.py", "queries.sql")
WEB_MODULES = ("fastapi", "starlette", "hms.web")


def domains() -> list[str]:
    return sorted(
        d.name for d in HMS.iterdir() if (d / "__init__.py").is_file() and d.name not in NOT_DOMAINS
    )


def is_route_module(path: Path) -> bool:
    """HTML routes in pages.py (or pages_<topic>.py when one module would be too long), JSON in api.py."""
    return path.name == "api.py" or path.name == "pages.py" or path.name.startswith("pages_")


def modules(where: Path) -> list[Path]:
    return sorted(p for p in where.rglob("*.py") if "migrations" not in p.parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def loaded_queries(path: Path) -> set[str]:
    """The domains whose queries.sql a file loads: load("<domain>")."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "load"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value)
    return found


def relative(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(HMS.parent)) for p in paths]


def test_the_domains_are_found():
    assert {"access", "accounts", "audit", "consultations", "journal", "patients", "portal"} <= set(domains())


@pytest.mark.parametrize("domain", domains())
def test_every_domain_has_the_same_skeleton(domain):
    package = HMS / domain
    missing = [name for name in SKELETON if not (package / name).is_file()]
    if not (package / "templates" / domain).is_dir():
        missing.append(f"templates/{domain}/")
    assert missing == [], f"hms/{domain} lacks {missing}"


def test_domain_code_does_not_know_the_web():
    offenders = [
        p
        for d in domains()
        for p in modules(HMS / d)
        if not is_route_module(p) and any(under(name, *WEB_MODULES) for name in imports(p))
    ]
    assert relative(offenders) == []


def test_the_core_stands_on_the_database_alone():
    offenders = [
        p
        for p in modules(HMS / "core")
        if any(under(n, "hms") and not under(n, "hms.core", "hms.db") for n in imports(p))
    ]
    assert relative(offenders) == []


def test_the_database_layer_imports_no_other_package():
    offenders = [
        p
        for p in modules(HMS / "db")
        if any(under(n, "hms") and not under(n, "hms.db", "hms.config") for n in imports(p))
    ]
    assert relative(offenders) == []


def test_pages_run_no_sql():
    offenders = [
        p
        for d in domains()
        for p in modules(HMS / d)
        if is_route_module(p)
        and (
            any(under(n, "psycopg", "hms.db") for n in imports(p))
            or loaded_queries(p)
            or ".execute(" in p.read_text()
            or ".transaction(" in p.read_text()
        )
    ]
    assert relative(offenders) == []


def test_no_package_loads_another_packages_queries():
    # The benchmarks time the app's own named statements (EXPLAIN of their text).
    offenders = [
        f"{p.relative_to(HMS.parent)} loads {sorted(other)}"
        for p in modules(HMS)
        if p.relative_to(HMS).parts[0] != "bench"
        and (other := loaded_queries(p) - {p.relative_to(HMS).parts[0]})
    ]
    assert offenders == []
