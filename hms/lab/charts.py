"""An analyte's trend as an SVG line chart drawn on the server: axes with
labels and the unit, the reference band shaded, a dot per result coloured by
its flag. No script, no CDN; the template writes the SVG elements."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from hms.core.clock import LOCAL_TZ

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
TICKS = 5


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Decimal
    flag: str | None
    at: datetime


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    unit: str
    line: str
    points: list[Point]
    # The shaded reference band (top y, height), when the test has one.
    band: tuple[float, float] | None
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    # (x, label, text-anchor): the first and last labels kept inside the plot
    x_ticks: list[tuple[float, str, str]] = field(default_factory=list)
    plot: tuple[int, int, int, int] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)


def _bounds(values: list[float], low: float | None, high: float | None) -> tuple[float, float]:
    lo = min(values + [v for v in (low, high) if v is not None])
    hi = max(values + [v for v in (low, high) if v is not None])
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.1
    return lo - pad, hi + pad


def _anchor(i: int, n: int) -> str:
    if n == 1:
        return "middle"
    return "start" if i == 0 else "end" if i == n - 1 else "middle"


def _label(value: float, span: float) -> str:
    decimals = 0 if span >= 20 else 1 if span >= 2 else 2
    return f"{value:.{decimals}f}"


def trend_chart(rows: list[dict[str, Any]], *, unit: str) -> Chart | None:
    """The chart of results (``sampled_at``, ``value``, ``flag``, ``ref_low``,
    ``ref_high``), oldest first; None without results. The band is the
    latest result's range (a child's range changes as they grow)."""
    if not rows:
        return None
    latest = rows[-1]
    low = None if latest["ref_low"] is None else float(latest["ref_low"])
    high = None if latest["ref_high"] is None else float(latest["ref_high"])
    lo, hi = _bounds([float(r["value"]) for r in rows], low, high)
    x0, y0, x1, y1 = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    t0: float = rows[0]["sampled_at"].timestamp()
    span: float = (rows[-1]["sampled_at"].timestamp() - t0) or 1.0

    def x(at: datetime) -> float:
        if len(rows) == 1:
            return (x0 + x1) / 2
        return round(x0 + (at.timestamp() - t0) / span * (x1 - x0), 1)

    def y(value: float) -> float:
        return round(y1 - (value - lo) / (hi - lo) * (y1 - y0), 1)

    points = [
        Point(x(r["sampled_at"]), y(float(r["value"])), r["value"], r["flag"], r["sampled_at"]) for r in rows
    ]
    band = None
    if low is not None or high is not None:
        top, bottom = y(high if high is not None else hi), y(low if low is not None else lo)
        band = (top, round(bottom - top, 1))
    step = (hi - lo) / (TICKS - 1)
    y_ticks = [(y(lo + i * step), _label(lo + i * step, hi - lo)) for i in range(TICKS)]
    shown = points if len(points) <= 6 else [points[i * (len(points) - 1) // 5] for i in range(6)]
    # Within a week the time of day tells samples apart; over longer spans the date.
    label = "%m-%d %H:%M" if span < 7 * 86400 else "%Y-%m-%d"
    x_ticks = [
        (p.x, f"{p.at.astimezone(LOCAL_TZ):{label}}", _anchor(i, len(shown))) for i, p in enumerate(shown)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        unit=unit,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        points=points,
        band=band,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )
