"""The trend chart's geometry: points inside the plot, the reference band
between its limits, axis labels, and the first and last date inside."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hms.lab.charts import HEIGHT, trend_chart


def rows(values, days: int = 3, low="3.5", high="4.4"):
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    return [
        {
            "sampled_at": start + timedelta(days=days * i),
            "value": Decimal(str(v)),
            "flag": "normal",
            "ref_low": Decimal(low) if low else None,
            "ref_high": Decimal(high) if high else None,
        }
        for i, v in enumerate(values)
    ]


def test_points_band_and_axes():
    chart = trend_chart(rows([4.1, 6.4, 3.2], days=5), unit="mmol/L")
    assert chart is not None
    x0, y0, x1, y1 = chart.plot
    assert all(x0 <= p.x <= x1 and y0 <= p.y <= y1 for p in chart.points)
    # higher values are drawn higher (smaller y), and the band lies between 3.5 and 4.4
    assert chart.points[1].y < chart.points[0].y < chart.points[2].y
    top, height = chart.band
    assert chart.points[1].y < top < chart.points[0].y < top + height < chart.points[2].y
    assert len(chart.y_ticks) == 5 and chart.x_ticks[0][2] == "start" and chart.x_ticks[-1][2] == "end"
    assert chart.x_ticks[0][1] == "2026-03-01" and chart.unit == "mmol/L" and chart.height == HEIGHT


def test_one_result_and_one_sided_ranges():
    single = trend_chart(rows([12], low=None, high="5"), unit="mg/L")
    assert single is not None and len(single.points) == 1 and single.band is not None
    assert trend_chart([], unit="mg/L") is None
    unranged = trend_chart(rows([2.0, 2.5], low=None, high=None), unit="ug/L")
    assert unranged is not None and unranged.band is None
    assert " " in unranged.x_ticks[0][1]  # within a week: date and time of day
