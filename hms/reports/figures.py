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

Kind = Literal["text", "day", "month", "count", "measure", "money", "flag"]


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
    # The chart's x axis: the figure's days or months, unless it names another column.
    x_column: str = ""

    @property
    def x(self) -> str:
        return self.x_column or next(c.key for c in self.columns if c.kind in ("day", "month"))

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

ACCESS = Report(
    "access",
    "Access to care",
    (
        Figure(
            "access_wait_month",
            "Waiting time to the first visit per unit and month",
            (
                UNIT,
                MONTH,
                Column("first_visits", "First visits", "count"),
                Column("median_wait_days", "Median wait", "measure", "days"),
                Column("within_90_days_pct", "Within the 90-day care guarantee", "measure", "%"),
            ),
            y="median_wait_days",
            series=("care_unit",),
            y_label="Median wait (days)",
        ),
        Figure(
            "access_attendance_month",
            "Attended and missed appointments per unit and month",
            (
                UNIT,
                MONTH,
                Column("attended", "Attended", "count"),
                Column("no_shows", "Did not attend", "count"),
                Column("no_show_pct", "No-show rate", "measure", "%"),
            ),
            y="no_show_pct",
            series=("care_unit",),
            y_label="No-show rate (per cent)",
        ),
        Figure(
            "access_clinician_month",
            "Appointments per clinician and month",
            (
                UNIT,
                Column("clinician", "Clinician", "text"),
                MONTH,
                Column("appointments", "Appointments", "count"),
            ),
            y="appointments",
            series=("clinician",),
            y_label="Appointments",
        ),
    ),
    not_recorded=(
        "The wait is counted from an accepted referral or a booking request to the first visit the patient "
        "arrived at; a first visit booked by telephone without either is not recorded as a request.",
    ),
)

MEDICATION = Report(
    "medication",
    "Medication and pharmacy",
    (
        Figure(
            "medication_atc_month",
            "New prescriptions per ATC group, unit and month",
            (
                UNIT,
                MONTH,
                Column("atc_group", "ATC group", "text"),
                Column("atc_name", "Group", "text"),
                Column("prescriptions", "Prescriptions", "count"),
            ),
            y="prescriptions",
            series=("atc_group",),
            y_label="New prescriptions",
        ),
        Figure(
            "medication_override_month",
            "Overridden safety warnings per unit and month",
            (UNIT, MONTH, Column("kind", "Warning", "text"), Column("overrides", "Overridden", "count")),
            y="overrides",
            series=("care_unit", "kind"),
            y_label="Overridden warnings",
        ),
        Figure(
            "medication_stock",
            "Stock per location, as of the latest refresh",
            (
                UNIT,
                Column("location", "Stock location", "text"),
                Column("as_of", "As of", "day"),
                Column("stock_value", "Stock value", "money", "SEK"),
                Column("expiring_batches", "Batches expiring within 90 days", "count"),
                Column("stock_outs", "Drugs out of stock", "count"),
            ),
            y="stock_value",
            series=("location",),
            y_label="Stock value at cost (SEK)",
            x_column="location",
        ),
    ),
    not_recorded=(
        "The stock is shown as it stands at the latest refresh: the ledger's history is not summed by month "
        "here, so the period does not apply to it. A batch without a unit cost adds nothing to the value.",
    ),
)

HOURS = "hours"

OVERSIGHT = Report(
    "oversight",
    "Oversight",
    (
        Figure(
            "oversight_emergency_month",
            "Emergency accesses per month and review",
            (
                MONTH,
                Column("review", "Review", "text"),
                Column("accesses", "Emergency accesses", "count"),
                Column("median_hours_to_review", "Median time to review", "measure", HOURS),
            ),
            y="accesses",
            series=("review",),
            y_label="Emergency accesses",
        ),
        Figure(
            "oversight_consultation_month",
            "Consultations per unit and month",
            (
                UNIT,
                MONTH,
                Column("consultations", "Consultations", "count"),
                Column("answered", "With an answer", "count"),
                Column("median_hours_to_answer", "Median time to the answer", "measure", HOURS),
            ),
            y="median_hours_to_answer",
            series=("care_unit",),
            y_label="Median time to the answer (hours)",
        ),
    ),
    not_recorded=(
        "An emergency access belongs to the person who opened it, not to a care unit: its figure is the "
        "hospital's, for administrators only.",
    ),
)

COMMUNICATION = Report(
    "communication",
    "Communication",
    (
        Figure(
            "communication_message_month",
            "Messages from patients per unit and month",
            (
                UNIT,
                MONTH,
                Column("threads", "Conversations", "count"),
                Column("answered", "With an answer", "count"),
                Column("median_hours_to_answer", "Median time to the first answer", "measure", HOURS),
            ),
            y="median_hours_to_answer",
            series=("care_unit",),
            y_label="Median time to the first answer (hours)",
        ),
        Figure(
            "communication_request_month",
            "Care requests per unit, month and kind",
            (
                UNIT,
                MONTH,
                Column("kind", "Kind", "text"),
                Column("requests", "Requests", "count"),
                Column("answered", "With an answer", "count"),
                Column("median_hours_to_answer", "Median time to the answer", "measure", HOURS),
            ),
            y="requests",
            series=("care_unit", "kind"),
            y_label="Care requests",
        ),
        Figure(
            "communication_referral_month",
            "Referrals received per unit, month and urgency",
            (
                UNIT,
                MONTH,
                Column("urgency", "Urgency", "text"),
                Column("referrals", "Referrals", "count"),
                Column("decided", "With a decision", "count"),
                Column("median_hours_to_decision", "Median time to the decision", "measure", HOURS),
                Column("within_target_pct", "Decided within the target", "measure", "%"),
            ),
            y="median_hours_to_decision",
            series=("care_unit", "urgency"),
            y_label="Median time to the decision (hours)",
        ),
    ),
)

REPORTS: dict[str, Report] = {
    r.key: r for r in (FLOW, CLINICAL, ACCESS, MEDICATION, OVERSIGHT, COMMUNICATION)
}

# The dashboard: one figure of each report, over a period of its own.
DASHBOARD: tuple[tuple[str, str, int], ...] = (
    ("flow", "flow_ward_day", 30),
    ("flow", "flow_unit_month", 365),
    ("clinical", "clinical_chapter_month", 365),
    ("clinical", "clinical_critical_month", 365),
)


def figure(report: str, query: str) -> Figure:
    return next(f for f in REPORTS[report].figures if f.query == query)
