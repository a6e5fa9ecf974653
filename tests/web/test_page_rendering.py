"""Pages are drawn by shorter paths than Jinja's and Babel's own (hms/web/render.py,
hms/web/i18n.py), and read exactly as those would draw them: dates and times,
translated texts with their values escaped, and query rows read as ``row.name``."""

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date, format_datetime
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import Environment, nodes, select_autoescape
from markupsafe import Markup

from hms.web import i18n
from hms.web.render import build_environment

# Moments around the daylight-saving changes and far from them, and years before 1000.
moments = st.datetimes(
    min_value=datetime(1, 1, 2),  # noqa: DTZ001 - hypothesis takes naive bounds, then adds the zone
    max_value=datetime(9998, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@pytest.fixture(params=["sv", "en"])
def locale(request: pytest.FixtureRequest):
    token = i18n.current_locale.set(request.param)
    yield request.param
    i18n.current_locale.reset(token)


@given(moment=moments)
def test_local_times_read_as_babel_writes_them(moment: datetime) -> None:
    for locale in ("sv", "en"):
        token = i18n.current_locale.set(locale)
        try:
            local = moment.astimezone(i18n.LOCAL_TZ)
            assert i18n.local_datetime(moment) == format_datetime(local, "yyyy-MM-dd HH:mm", locale=locale)
            assert i18n.local_datetime(moment.isoformat()) == i18n.local_datetime(moment)
            assert i18n.local_time(moment) == format_datetime(local, "HH:mm", locale=locale)
            assert i18n.local_date(moment.date()) == format_date(moment.date(), "yyyy-MM-dd", locale=locale)
            assert i18n.local_date(moment) == format_date(moment, "yyyy-MM-dd", locale=locale)
        finally:
            i18n.current_locale.reset(token)


def test_the_night_clocks_go_back_shows_local_time() -> None:
    # 2025-10-26 03:00 CEST became 02:00 CET: 00:30 and 01:30 UTC are both 02:30 in Stockholm.
    first = datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert i18n.local_datetime(first) == "2025-10-26 02:30"
    assert i18n.local_datetime(first + timedelta(hours=1)) == "2025-10-26 02:30"
    assert i18n.local_date(date(987, 6, 5)) == "0987-06-05"
    assert i18n.local_datetime(None) == i18n.local_datetime("") == i18n.local_time(None) == ""


def _jinja_own() -> Environment:
    """Jinja's newstyle gettext over the same catalogues: what the pages drew before."""
    env = Environment(autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


TEMPLATES = [
    '{{ _("Open the note of %(when)s", when=w) }}',
    '{{ _("Allergies") }}|{{ gettext("Log out") }}',
    "{{ _('100%% sure <b>%(x)s</b>', x=w) }}",
    "{{ _('100%% sure & <b>certain</b>') }}",
    '{{ ngettext("%(num)s patient shown.", "%(num)s patients shown.", n) }}',
    '{{ ngettext("%(num)s day", "%(num)s days", n, extra=w) }}',
    '{% set t = _("Open") %}{{ t ~ w }}',
]


@pytest.mark.parametrize("source", TEMPLATES)
@pytest.mark.parametrize("autoescape", [True, False])
def test_template_texts_are_translated_and_escaped_as_jinja_does(
    source: str, autoescape: bool, locale
) -> None:
    ours, theirs = build_environment(), _jinja_own()
    ours.autoescape = theirs.autoescape = autoescape
    for n in (0, 1, 3):
        values = {"w": "<script>&", "n": n}
        assert ours.from_string(source).render(values) == theirs.from_string(source).render(values)


ROW = {"at": "12:00", "items": "a column named like a method", "title": None}


@pytest.mark.parametrize(
    "source",
    [
        "{{ row.at }}",
        "{{ row.title }}|{{ row.title is none }}",
        "{{ row.missing }}|{{ row.missing is defined }}|{{ row.missing or 'none' }}",
        "{% for k, v in row.items() %}{{ k }}={{ v }};{% endfor %}",
        "{{ row.get('at') }}|{{ row.keys()|list|length }}",
        "{{ row['items'] }}",
        "{{ row.__class__.__name__ }}",
        "{{ obj.real }}|{{ obj.imag }}",
    ],
)
def test_rows_are_read_as_jinja_reads_them(source: str) -> None:
    ours, theirs = build_environment(), Environment(autoescape=True)
    values = {"row": ROW, "obj": 3}
    assert ours.from_string(source).render(values) == theirs.from_string(source).render(values)


def test_a_missing_key_of_a_row_is_undefined_as_in_jinja() -> None:
    from jinja2 import StrictUndefined, UndefinedError

    ours = build_environment()
    ours.undefined = StrictUndefined
    with pytest.raises(UndefinedError, match="has no attribute 'missing'"):
        ours.from_string("{{ row.missing }}").render(row=ROW)


@pytest.mark.parametrize("source", ["[{{ row.missing }}]", "[{{ nothing }}]", "[{{ nothing|e }}]"])
def test_a_missing_value_prints_as_nothing_as_in_jinja(source: str) -> None:
    ours, theirs = build_environment(), Environment(autoescape=True)
    assert ours.from_string(source).render(row=ROW) == theirs.from_string(source).render(row=ROW) == "[]"


def test_no_inline_if_lacks_its_else() -> None:
    """``{{ 'x' if c }}`` prints Jinja's own Undefined when c is false (whatever
    the environment's undefined is), and escaping it costs an exception per
    value: every inline if of the templates says what it prints otherwise."""
    env = build_environment()
    missing = []
    for name in env.list_templates(filter_func=lambda n: n.endswith(".html")):
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        missing += [
            f"{name}:{node.lineno}"
            for node in env.parse(source).find_all(nodes.CondExpr)
            if node.expr2 is None
        ]
    assert missing == []


class Shown:
    """An object a page prints through its str()."""

    def __str__(self) -> str:
        return "<Shown & 'told'>"


class Marked:
    def __html__(self) -> str:
        return "<b>already markup</b>"


class Text(str):
    """A str subclass (an enum's value, say) is escaped as text too."""


printed = st.one_of(
    st.text(),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
    st.builds(Text, st.text()),
    st.sampled_from([Shown(), Marked(), Markup("<i>safe</i> &amp;")]),
)


@given(value=printed)
def test_values_are_printed_escaped_as_jinja_prints_them(value: object) -> None:
    """A page prints its values through ``html_text``, which must write what
    Jinja's own ``escape`` writes for every kind of value: in text, in a macro,
    in a block set to a variable, and under a template's own autoescape switch."""
    sources = [
        "[{{ v }}]",
        "{% macro m(x) %}({{ x }}){% endmacro %}{{ m(v) }}",
        "{% set s %}<{{ v }}>{% endset %}{{ s }}{{ s|length }}",
        "{% autoescape false %}{{ v }}{% endautoescape %}|{{ v }}",
    ]
    ours, theirs = build_environment(), Environment(autoescape=True)
    for source in sources:
        assert ours.from_string(source).render(v=value) == theirs.from_string(source).render(v=value)


def test_pages_print_values_through_html_text_and_read_rows_in_place() -> None:
    """Every page's compiled code prints a value through ``html_text``, not
    through ``markupsafe.escape``, which builds a Markup for each value (a
    quarter of a fifty-row chart's drawing), and reads a row's column in place
    where the row is a dict, not by a call for each (another twentieth)."""
    env = build_environment()
    code = env.compile(env.loader.get_source(env, "journal/chart.html")[0], raw=True)  # type: ignore[union-attr]
    assert "environment.html_text(" in code
    assert "escape(" not in code
    assert "(l_1_t['kind'] if type(l_1_t) is dict and 'kind' in l_1_t else environment.getattr(" in code


@pytest.mark.parametrize(
    "source",
    [
        "{% for t in rows %}{{ t.kind }},{{ t.missing }},{{ t.items()|list|length }},{{ t.get('kind') }};{% endfor %}",
        "{% for t in rows %}{% set k = t.kind %}{{ k }}{{ t.kind is defined }}{% endfor %}",
        "{{ rows[0].kind }}|{{ first.kind }}|{{ obj.real }}",
        "{% macro m(r) %}{{ r.kind }}{% endmacro %}{% for t in rows %}{{ m(t) }}{% endfor %}",
    ],
)
def test_rows_read_in_place_read_as_jinja_reads_them(source: str) -> None:
    ours, theirs = build_environment(), Environment(autoescape=True)
    rows = [{"kind": "<note>", "items": [1, 2]}, {"kind": None}, {"other": 1}]
    values = {"rows": rows, "first": rows[0], "obj": 3}
    assert ours.from_string(source).render(values) == theirs.from_string(source).render(values)
