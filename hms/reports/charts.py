"""Charts drawn on the server as SVG: axes with ticks, a label with the unit,
one colour per series and a legend. No script and no library: the page's
Content-Security-Policy allows neither, and a printed report needs none.

Days are drawn as lines, months as grouped bars. A suppressed cell (fewer
than 5) is never drawn as a value: a bar becomes a hatched stub at the
baseline, a line has a gap and a tick there, and the legend says so.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from markupsafe import Markup

WIDTH = 720
PLOT_HEIGHT = 220
LEFT, RIGHT, TOP = 64, 16, 16
AXIS_SPACE = 56  # below the plot: tick labels and the x axis' label
LEGEND_ROW = 18
MAX_SERIES = 8
PALETTE = ("#1f5f99", "#c0504d", "#4f8a3a", "#8064a2", "#d08a1e", "#2a9d8f", "#7f7f7f", "#b5446e")


@dataclass(frozen=True)
class Words:
    """The chart's words, already in the page's language."""

    title: str
    x_label: str
    y_label: str
    suppressed: str  # the legend's note: fewer than 5, not shown
    no_data: str


def _num(value: Any) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else None


def _nice_max(top: float) -> float:
    """A round upper bound for the y axis: 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return 5.0
    step = 10 ** (len(str(int(top))) - 1)
    for factor in (1, 2, 5, 10):
        if top <= factor * step:
            return float(factor * step)
    return float(10 * step)


def _x_label(value: object, kind: str) -> str:
    if isinstance(value, date):
        return value.strftime("%Y-%m") if kind == "month" else value.strftime("%m-%d")
    return escape(str(value)[:14])


def _series(rows: list[dict[str, Any]], series: tuple[str, ...], y: str) -> list[str]:
    """The series to draw: the largest first, at most MAX_SERIES (the table has them all)."""
    weight: dict[str, float] = {}
    for row in rows:
        name = " · ".join(str(row[k]) for k in series)
        weight[name] = max(weight.get(name, 0.0), _num(row[y]) or 0.0)
    return sorted(weight, key=lambda n: (-weight[n], n))[:MAX_SERIES]


def render(
    rows: list[dict[str, Any]], *, x: str, x_kind: str, series: tuple[str, ...], y: str, words: Words
) -> Markup:
    names = _series(rows, series, y)
    xs = sorted({row[x] for row in rows}, key=str)
    cells = {(" · ".join(str(row[k]) for k in series), row[x]): row[y] for row in rows}
    legend_rows = (len(names) + 2) // 3 + 1
    height = TOP + PLOT_HEIGHT + AXIS_SPACE + legend_rows * LEGEND_ROW
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(words.title)}">',
        f"<title>{escape(words.title)}</title>",
        '<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="4" stroke="#888" stroke-width="1.5"/>'
        "</pattern></defs>",
    ]
    if not xs:
        out.append(f'<text x="{WIDTH / 2}" y="{TOP + PLOT_HEIGHT / 2}" text-anchor="middle">')
        out.append(f"{escape(words.no_data)}</text></svg>")
        return Markup("".join(out))  # noqa: S704 - every text in it is escaped above
    shown = [v for (name, _), v in cells.items() if name in names and _num(v) is not None]
    top = _nice_max(max((_num(v) or 0.0 for v in shown), default=0.0))
    out += _axes(top, words)
    out += _x_ticks(xs, x_kind)
    if x_kind == "day":
        out += _lines(names, xs, cells, top)
    else:
        out += _bars(names, xs, cells, top)
    out += _legend(names, words, height)
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text in it is escaped


def _y_at(value: float, top: float) -> float:
    return TOP + PLOT_HEIGHT - value / top * PLOT_HEIGHT


def _axes(top: float, words: Words) -> list[str]:
    right = WIDTH - RIGHT
    base = TOP + PLOT_HEIGHT
    out = [f'<line x1="{LEFT}" y1="{base}" x2="{right}" y2="{base}" stroke="#333"/>']
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#333"/>')
    for i in range(6):
        value = top * i / 5
        y = _y_at(value, top)
        label = f"{value:g}" if value < 1000 else f"{value:,.0f}".replace(",", " ")
        out.append(f'<line x1="{LEFT - 4}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{label}</text>')
    middle = TOP + PLOT_HEIGHT / 2
    out.append(
        f'<text x="14" y="{middle}" transform="rotate(-90 14 {middle})" text-anchor="middle" '
        f'font-size="12">{escape(words.y_label)}</text>'
    )
    out.append(
        f'<text x="{(LEFT + right) / 2}" y="{base + 40}" text-anchor="middle" font-size="12">'
        f"{escape(words.x_label)}</text>"
    )
    return out


def _slot(index: int, count: int) -> tuple[float, float]:
    """The left edge and width of the index-th of count slots along the x axis."""
    width = (WIDTH - RIGHT - LEFT) / count
    return LEFT + index * width, width


def _x_ticks(xs: list[Any], kind: str) -> list[str]:
    every = max(1, len(xs) // 12)
    out = []
    base = TOP + PLOT_HEIGHT
    for i, value in enumerate(xs):
        if i % every:
            continue
        left, width = _slot(i, len(xs))
        centre = left + width / 2
        out.append(f'<line x1="{centre:.1f}" y1="{base}" x2="{centre:.1f}" y2="{base + 4}" stroke="#333"/>')
        out.append(
            f'<text x="{centre:.1f}" y="{base + 18}" text-anchor="middle" font-size="11">'
            f"{_x_label(value, kind)}</text>"
        )
    return out


def _bars(names: list[str], xs: list[Any], cells: dict[Any, Any], top: float) -> list[str]:
    out = []
    base = TOP + PLOT_HEIGHT
    for i, value in enumerate(xs):
        left, width = _slot(i, len(xs))
        bar = width * 0.8 / max(1, len(names))
        for s, name in enumerate(names):
            if (name, value) not in cells:
                continue
            x0 = left + width * 0.1 + s * bar
            number = _num(cells[(name, value)])
            if number is None:
                out.append(
                    f'<rect x="{x0:.1f}" y="{base - 6}" width="{bar:.1f}" height="6" fill="url(#hatch)" '
                    f'stroke="{PALETTE[s]}"><title>{escape(name)}: &lt;5</title></rect>'
                )
                continue
            y = _y_at(number, top)
            out.append(
                f'<rect x="{x0:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{base - y:.1f}" '
                f'fill="{PALETTE[s]}">'
                f"<title>{escape(name)}: {number:g}</title></rect>"
            )
    return out


def _lines(names: list[str], xs: list[Any], cells: dict[Any, Any], top: float) -> list[str]:
    out = []
    base = TOP + PLOT_HEIGHT
    for s, name in enumerate(names):
        run: list[str] = []
        for i, value in enumerate(xs):
            left, width = _slot(i, len(xs))
            centre = left + width / 2
            number = _num(cells.get((name, value)))
            if number is None:
                if (name, value) in cells:  # suppressed: a tick on the baseline, and a gap
                    out.append(
                        f'<line x1="{centre:.1f}" y1="{base - 5}" x2="{centre:.1f}" y2="{base}" '
                        f'stroke="{PALETTE[s]}" stroke-width="2"/>'
                    )
                out += _polyline(run, PALETTE[s])
                run = []
                continue
            run.append(f"{centre:.1f},{_y_at(number, top):.1f}")
        out += _polyline(run, PALETTE[s])
    return out


def _polyline(points: list[str], colour: str) -> list[str]:
    if not points:
        return []
    if len(points) == 1:
        x, y = points[0].split(",")
        return [f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"/>']
    return [f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>']


def _legend(names: list[str], words: Words, height: int) -> list[str]:
    out = []
    first = height - ((len(names) + 2) // 3 + 1) * LEGEND_ROW + 4
    column = (WIDTH - LEFT) / 3
    for s, name in enumerate(names):
        x = LEFT + (s % 3) * column
        y = first + (s // 3) * LEGEND_ROW
        out.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{PALETTE[s]}"/>')
        out.append(f'<text x="{x + 16:.1f}" y="{y + 10}" font-size="11">{escape(name[:40])}</text>')
    y = first + ((len(names) + 2) // 3) * LEGEND_ROW
    out.append(f'<rect x="{LEFT}" y="{y}" width="12" height="12" fill="url(#hatch)" stroke="#888"/>')
    out.append(f'<text x="{LEFT + 16}" y="{y + 10}" font-size="11">{escape(words.suppressed)}</text>')
    return out
