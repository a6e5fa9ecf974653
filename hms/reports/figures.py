"""What each report shows: its figures, each one a report_* view of 0038
read through one named query, with its columns, its chart and what the
journal does not record about it.

A figure has one grain (a unit and a day, or a unit and a month) fixed by
its view, so a page's period only chooses which cells it shows. Counts and
the measures computed from them arrive already suppressed (None below 5);
nothing here adds cells up, so no total is published that the database did
not decide to publish.
"""

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "day", "month", "count", "measure", "flag"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # an English msgid
    kind: Kind
    unit: str = ""  # an English msgid: days, minutes, %


@dataclass(frozen=True)
class Figure:
    query: str  # the named query in queries.sql, and the export's file name
    title: str
    columns: tuple[Column, ...]
    # The chart: the measure drawn, over the figure's days or months, one
    # series per distinct value of the series columns.
    y: str
    series: tuple[str, ...]
    y_label: str

    @property
    def x(self) -> str:
        return next(c.key for c in self.columns if c.kind in ("day", "month"))

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    figures: tuple[Figure, ...]
    # What the report would show but the journal does not record: said on the
    # page, not made up.
    not_recorded: tuple[str, ...] = ()


UNIT = Column("care_unit", "Care unit", "text")
MONTH = Column("month", "Month", "month")

FLOW = Report(
    "flow",
    "Patient flow",
    (
        Figure(
            "flow_ward_day",
            "Admissions, discharges and beds occupied per ward and day",
            (
                UNIT,
                Column("ward", "Ward", "text"),
                Column("day", "Day", "day"),
                Column("admitted", "Admitted", "count"),
                Column("discharged", "Discharged", "count"),
                Column("occupied", "Occupied at noon", "count"),
                Column("beds", "Beds", "measure"),
                Column("occupancy_pct", "Occupancy", "measure", "%"),
            ),
            y="occupancy_pct",
            series=("ward",),
            y_label="Bed occupancy at noon (per cent)",
        ),
        Figure(
            "flow_unit_month",
            "Discharges, length of stay and readmissions per unit and month",
            (
                UNIT,
                MONTH,
                Column("discharges", "Discharges", "count"),
                Column("mean_stay_days", "Mean length of stay", "measure", "days"),
                Column("readmissions", "Readmitted within 30 days", "count"),
            ),
            y="mean_stay_days",
            series=("care_unit",),
            y_label="Mean length of stay (days)",
        ),
    ),
    not_recorded=(
        "Beds are counted as they are today: the journal keeps no history of beds opened or closed.",
    ),
)

CLINICAL = Report(
    "clinical",
    "Clinical activity",
    (
        Figure(
            "clinical_chapter_month",
            "Diagnoses per ICD-10 chapter, unit and month",
            (UNIT, MONTH, Column("chapter", "Chapter", "text"), Column("diagnoses", "Diagnoses", "count")),
            y="diagnoses",
            series=("chapter",),
            y_label="Diagnoses recorded",
        ),
        Figure(
            "clinical_diagnosis_month",
            "Diagnoses per ICD-10 code, unit and month",
            (
                UNIT,
                MONTH,
                Column("code", "Code", "text"),
                Column("title", "Diagnosis", "text"),
                Column("diagnoses", "Diagnoses", "count"),
            ),
            y="diagnoses",
            series=("code",),
            y_label="Diagnoses recorded",
        ),
        Figure(
            "clinical_procedure_month",
            "Procedures per code, unit and month",
            (
                UNIT,
                MONTH,
                Column("code", "Code", "text"),
                Column("is_surgery", "Surgery", "flag"),
                Column("procedures", "Procedures", "count"),
            ),
            y="procedures",
            series=("code",),
            y_label="Procedures performed",
        ),
        Figure(
            "clinical_news2_month",
            "NEWS2 escalations per unit and month",
            (
                UNIT,
                MONTH,
                Column("scored_sets", "Scored sets", "count"),
                Column("red_sets", "Red sets (escalations)", "count"),
                Column("median_minutes_to_next", "Median time to the next set", "measure", "minutes"),
            ),
            y="red_sets",
            series=("care_unit",),
            y_label="Red NEWS2 sets",
        ),
        Figure(
            "clinical_critical_month",
            "Critical laboratory results per unit and month",
            (
                UNIT,
                MONTH,
                Column("critical_results", "Critical results", "count"),
                Column("acknowledged", "Acknowledged", "count"),
                Column("median_minutes_to_ack", "Median time to acknowledgement", "measure", "minutes"),
            ),
            y="median_minutes_to_ack",
            series=("care_unit",),
            y_label="Median time to acknowledgement (minutes)",
        ),
    ),
    not_recorded=(
        "The journal records no answer to a NEWS2 escalation: the time shown is until the patient's next "
        "observation, which is what the NEWS2 chart asks for.",
        "Procedures are counted by code; a procedure recorded without a code is counted under 'no code', "
        "and its free-text name is never shown.",
    ),
)

REPORTS: dict[str, Report] = {r.key: r for r in (FLOW, CLINICAL)}

# The dashboard: one figure of each report, over a period of its own.
DASHBOARD: tuple[tuple[str, str, int], ...] = (
    ("flow", "flow_ward_day", 30),
    ("flow", "flow_unit_month", 365),
    ("clinical", "clinical_chapter_month", 365),
    ("clinical", "clinical_critical_month", 365),
)


def figure(report: str, query: str) -> Figure:
    return next(f for f in REPORTS[report].figures if f.query == query)
