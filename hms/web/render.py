"""Jinja2 pages: one environment, templates from every domain package."""

from collections.abc import Callable
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    Undefined,
    nodes,
    pass_eval_context,
    select_autoescape,
)
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.nodes import EvalContext, Expr
from markupsafe import Markup
from psycopg.pq import TransactionStatus

from hms.core.context import RequestContext
from hms.web import i18n, labels
from hms.web.navigation import nav_items
from hms.web.sessions import set_csrf_cookie

try:  # the escaping markupsafe.escape does, without wrapping the result in a Markup
    from markupsafe._speedups import _escape_inner
except ImportError:  # MarkupSafe installed without its C extension
    from markupsafe._native import _escape_inner

_PACKAGE = Path(__file__).resolve().parent.parent
DOMAINS = (
    "accounts",
    "organization",
    "patients",
    "journal",
    "access",
    "audit",
    "portal",
    "consultations",
    "medication",
    "pharmacy",
    "scheduling",
    "messaging",
    "requests",
    "referrals",
    "lab",
    "ward",
    "reports",
)


def trim_number(value: Decimal | float | int | None) -> str:
    """A quantity without trailing zeros: 500, 2.5, 0.125."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def hhmm(value: time) -> str:
    return f"{value:%H:%M}"


def format_pnr(value: str | None) -> str:
    """A 12-digit personal identity number as people write it: YYYYMMDD-NNNN."""
    if not value or len(value) != 12:
        return value or ""
    return f"{value[:8]}-{value[8:]}"


def options(rows: list[dict[str, Any]], value_key: str, label_key: str) -> list[tuple[object, object]]:
    """(value, label) pairs for a select, from query rows."""
    return [(row[value_key], row[label_key]) for row in rows]


# What a plain dict answers to getattr: its methods and object's attributes.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class PageUndefined(Undefined):
    """A missing value, printed as Jinja prints one: nothing. Escaping asks a
    value for ``__html__`` first, and Jinja's Undefined answers a missing dunder
    by raising AttributeError: one exception for every missing value printed.
    This one has the method, so the answer is the same empty text, at once."""

    __slots__ = ()

    def __html__(self) -> str:
        return ""


def html_text(value: Any, /) -> str:
    """A value printed into a page, escaped: what ``markupsafe.escape`` prints,
    as plain text. Escaping into a ``Markup`` costs a Python call of
    ``Markup.__new__`` and a copy of the text for each value, and a page only
    joins the pieces into one string: about 550 values and a quarter of a
    fifty-row chart's drawing."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is int:  # digits and a sign: nothing to escape
        return str(value)
    if hasattr(value, "__html__"):  # Markup, and PageUndefined's empty text
        return value.__html__()  # type: ignore[no-any-return]
    return _escape_inner(str(value))


class PageCodeGenerator(CodeGenerator):
    """Jinja's compiler, printing each ``{{ value }}`` of an autoescaped
    template through ``html_text`` instead of ``markupsafe.escape`` (Jinja's
    own native-types compiler overrides the same step), and reading
    ``row.name`` of a query row (a dict) in place, without a call."""

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        """``row.name``: the key of a dict, where the dict has it, read inline;
        anything else, and a missing key, as PageEnvironment.getattr reads it.
        A fifty-row chart reads some 900 of them (0.1 µs each by a call)."""
        name = node.node
        if not isinstance(name, nodes.Name) or node.attr in _DICT_ATTRIBUTES or self.environment.is_async:
            super().visit_Getattr(node, frame)
            return
        ref, key = frame.symbols.ref(name.name), repr(node.attr)
        self.write(f"({ref}[{key}] if type({ref}) is dict and {key} in {ref} else ")
        super().visit_Getattr(node, frame)
        self.write(")")

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.html_text(")
        if finalize.src is not None:
            self.write(finalize.src)


class PageEnvironment(Environment):
    """Templates read query rows, which are dicts, as ``row.name``. Jinja looks
    for an attribute first and, when Python raises AttributeError, for the key:
    an exception caught for every cell of a fifty-row timeline. A dict has no
    attribute besides those of its type, so for any other name the key is what
    Jinja would find anyway, and it is looked up at once."""

    code_generator_class = PageCodeGenerator
    html_text = staticmethod(html_text)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


# The templates' _(), gettext() and ngettext(): what Jinja's newstyle gettext
# does (the translation is markup, its values are escaped into it), called
# straight, where Jinja's own go through three calls of the template context
# each (its alias for _, its wrapper, then the function).


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    text = i18n.gettext(string)
    if not variables:  # nothing to escape into it: the same text, without Markup's % machinery
        text = text % variables
        return Markup(text) if eval_ctx.autoescape else text  # noqa: S704 - our own catalogue, as in Jinja
    rv = Markup(text) if eval_ctx.autoescape else text  # noqa: S704
    return rv % variables


@pass_eval_context
def template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
) -> str:
    variables.setdefault("num", num)
    text = i18n.ngettext(singular, plural, num)
    rv = Markup(text) if eval_ctx.autoescape else text  # noqa: S704 - our own catalogue, as in Jinja
    return rv % variables


def build_environment() -> Environment:
    dirs = [_PACKAGE / "web" / "templates"]
    dirs += [_PACKAGE / d / "templates" for d in DOMAINS if (_PACKAGE / d / "templates").is_dir()]
    env = PageEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in dirs]),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the package and change only with a new release (a
        # restart): no stat() of each template and of what it extends, includes
        # and imports at every page.
        auto_reload=False,
        undefined=PageUndefined,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    env.globals["nav_items"] = nav_items
    env.globals["options"] = options
    # A value shown on every row of a list is a filter, not a global: Jinja calls
    # a filter straight, a global through its context's call() (about 2 µs each,
    # a tenth of a fifty-row chart's drawing).
    env.filters["icd10_title"] = i18n.icd10_title
    env.filters["pnr"] = format_pnr
    env.filters["label"] = labels.label
    env.filters["heading"] = labels.heading
    env.filters["subtype_label"] = labels.subtype_label
    env.filters["local_dt"] = i18n.local_datetime
    env.filters["local_date"] = i18n.local_date
    env.filters["local_time"] = i18n.local_time
    env.filters["trim_number"] = trim_number
    env.filters["hhmm"] = hhmm
    return env


T = TypeVar("T")


def _aside(ctx: RequestContext, ask: Callable[[], T], *, contained: bool = False) -> T | None:
    """What every page draws besides its own content (the header's counts,
    the allergy banner): asked only when the page has a user and its open
    transaction (an error page may be drawn after its transaction ended), and
    in a savepoint, so a failure costs that part and not the page. A part
    ``contained`` by the database, which answers nothing rather than fail,
    needs no savepoint: two round trips fewer."""
    if ctx.user is None or ctx.conn is None or ctx.conn.closed:
        return None
    status = ctx.conn.info.transaction_status
    if contained and status == TransactionStatus.INTRANS:
        return ask()
    if status not in (TransactionStatus.IDLE, TransactionStatus.INTRANS):
        return None
    try:
        with ctx.conn.transaction():
            return ask()
    except psycopg.Error:
        return None


def _notifications(ctx: RequestContext) -> dict[str, int]:
    """The header's counts of what waits for the user (hms_header_counts, which
    answers no row rather than fail)."""
    from hms.accounts import read as accounts_read  # the web layer asks the domain

    return _aside(ctx, lambda: accounts_read.notification_counts(ctx), contained=True) or {}


def _banner(ctx: RequestContext, values: dict[str, Any]) -> dict[str, Any] | None:
    """The allergy banner of a page about a patient (one whose values name a
    ``patient``), drawn by base.html above the page itself, so no page about
    a patient can leave it out."""
    patient = values.get("patient")
    if not isinstance(patient, dict) or not isinstance(patient.get("id"), int):
        return None
    from hms.journal import read as journal_read  # the web layer asks the domain

    return _aside(ctx, lambda: journal_read.allergy_banner(ctx, patient_id=patient["id"]))


def page(
    request: Request,
    ctx: RequestContext,
    template: str,
    *,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    """Render a page for the request's user and language."""
    env: Environment = request.app.state.jinja
    # A page that has read the banner's facts already (the chart, from its summary) hands them in.
    banner = values.pop("allergy_banner") if "allergy_banner" in values else _banner(ctx, values)
    token = i18n.current_locale.set(ctx.locale)
    try:
        html = env.get_template(template).render(
            request=request,
            ctx=ctx,
            user=ctx.user,
            csrf_token=ctx.csrf_token,
            notifications=_notifications(ctx),
            banner=banner,
            **values,
        )
    finally:
        i18n.current_locale.reset(token)
    response = HTMLResponse(html, status_code=status_code)
    set_csrf_cookie(response, ctx, request.app.state.settings)
    return response
