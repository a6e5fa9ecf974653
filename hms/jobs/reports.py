"""The reports' refresh: every materialised figure of 0038 recomputed
CONCURRENTLY (pages keep reading the previous figures meanwhile), and the
time stamped. The hms_reporter role may run report_refresh() and nothing
else: it reads no table, and no report view is open to it."""

import time
from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Report:
    figures: int
    seconds: float

    def line(self) -> str:
        return f"report figures refreshed: {self.figures} in {self.seconds:.1f} s"


def run(reporter_url: str) -> Report:
    started = time.perf_counter()
    with psycopg.connect(reporter_url, autocommit=True) as conn:
        row = conn.execute("SELECT report_refresh()").fetchone()
    return Report(int(row[0]) if row else 0, time.perf_counter() - started)
