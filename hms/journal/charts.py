"""Trend charts drawn on the server as inline SVG: no script, no CDN."""

from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT, PAD = 560, 160, 28
COLOURS = ["#0b5cad", "#b3261e", "#1e7b34"]


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    lines: list[dict[str, Any]]
    y_min: float
    y_max: float
    first: Any
    last: Any


def trend_chart(series: list[dict[str, Any]], fields: list[str], title: str) -> Chart | None:
    """A small line chart of the given fields over time (None if no data)."""
    points = [(row["measured_at"], row) for row in series]
    values = [float(r[f]) for _, r in points for f in fields if r.get(f) is not None]
    if len(values) < 1:
        return None
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    span = (t1 - t0) or 1.0

    def xy(t: Any, v: float) -> str:
        x = PAD + (t.timestamp() - t0) / span * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - (v - lo) / (hi - lo) * (HEIGHT - 2 * PAD)
        return f"{x:.1f},{y:.1f}"

    lines = []
    for i, field in enumerate(fields):
        pts = [xy(t, float(r[field])) for t, r in points if r.get(field) is not None]
        lines.append(
            {
                "field": field,
                "points": " ".join(pts),
                "colour": COLOURS[i % len(COLOURS)],
                "dots": [p.split(",") for p in pts],
            }
        )
    return Chart(title, WIDTH, HEIGHT, lines, lo, hi, points[0][0], points[-1][0])
