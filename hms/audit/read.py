"""Reading the audit log: for administrators who review it, and a patient's
own log (loggutdrag) for the portal.

Reviewing the log is itself an access to patient data: every review page
records one ``audit.review`` row for each patient it shows, in the same
transaction. Row-level security lets only administrators read the whole log.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from hms.access.policy import Access
from hms.accounts import read as accounts_read
from hms.audit import actions, policy
from hms.audit.service import audit_patients_listed
from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import Refused
from hms.db.queries import load
from hms.patients import identity
from hms.patients import read as patient_read

q = load("audit")

PAGE_SIZE = 50
REPORT_LIMIT = 500
# A patient's log extract groups at most this many of the newest rows into visits.
VISIT_ROWS_SCANNED = 5000
REPORT_DAYS = 30
OUTCOMES = ("allowed", "refused")
MAX_PATIENT_ID_DIGITS = 9  # longer digit strings are identity numbers


@dataclass(frozen=True)
class LogFilter:
    """The review page's filters, as typed (blank = not filtered)."""

    patient: str = ""
    user: str = ""
    from_date: date | None = None
    to_date: date | None = None
    action: str = ""
    outcome: str = ""
    before_at: datetime | None = None
    before_id: int | None = None


@dataclass
class LogPage:
    filters: LogFilter
    rows: list[dict[str, Any]] = field(default_factory=list)
    patient: dict[str, Any] | None = None
    user: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)
    next_page: dict[str, Any] | None = None


def local_start(day: date | None) -> datetime | None:
    """Midnight at the start of a local (hospital time) day."""
    return None if day is None else datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def local_end(day: date | None) -> datetime | None:
    """Midnight after a local day: "to" dates include the whole day."""
    return None if day is None else datetime.combine(day + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)


def audit_search(ctx: RequestContext, *, filters: LogFilter) -> LogPage:
    """One page of the log, newest first, audited as a review of each patient shown."""
    if not policy.can_review(ctx.staff):
        raise Refused()
    result = LogPage(filters)
    result.patient = _patient(ctx, filters.patient, result.errors)
    result.user = _user(ctx, filters.user, result.errors)
    if result.errors:
        return result
    rows = q.audit_search(
        ctx.conn,
        patient_id=result.patient["id"] if result.patient else None,
        user_id=result.user["id"] if result.user else None,
        from_at=local_start(filters.from_date),
        to_at=local_end(filters.to_date),
        action=filters.action or None,
        outcome=filters.outcome if filters.outcome in OUTCOMES else None,
        before_at=filters.before_at,
        before_id=filters.before_id,
        limit=PAGE_SIZE + 1,
    )
    result.rows = [{**row, "described": actions.describe(row["action"])} for row in rows[:PAGE_SIZE]]
    if len(rows) > PAGE_SIZE:
        last = result.rows[-1]
        result.next_page = {"before_at": last["at"].isoformat(), "before_id": last["id"]}
    # Looking a patient up is a review of them even when the log shows nothing.
    named = [{"patient_id": result.patient["id"]}] if result.patient else []
    _audit_shown(ctx, named + result.rows, "audit log search")
    return result


def _patient(ctx: RequestContext, typed: str, errors: dict[str, str]) -> dict[str, Any] | None:
    """The patient a filter names: an id (few digits) or a personal identity number."""
    typed = typed.strip()
    if not typed:
        return None
    row: dict[str, Any] | None
    if typed.isdigit() and len(typed) <= MAX_PATIENT_ID_DIGITS:
        row = patient_read.patient_by_number_or_id(ctx, patient_id=int(typed))
    else:
        try:
            number = identity.normalize(typed)
        except identity.InvalidNumber:
            errors["patient"] = "Enter a personal identity number (YYYYMMDD-NNNN) or a patient id."
            return None
        row = patient_read.patient_by_number_or_id(ctx, personal_number=number)
    if row is None:
        errors["patient"] = "No patient has this personal identity number or id."
    return row


def _user(ctx: RequestContext, typed: str, errors: dict[str, str]) -> dict[str, Any] | None:
    typed = typed.strip()
    if not typed:
        return None
    row = accounts_read.user_by_username(ctx, username=typed)
    if row is None:
        errors["user"] = "No user has this username."
    return row


def _audit_shown(ctx: RequestContext, rows: list[dict[str, Any]], detail: str) -> None:
    """One audit.review row per distinct patient the page shows."""
    ids = list(dict.fromkeys(r["patient_id"] for r in rows if r.get("patient_id") is not None))
    audit_patients_listed(ctx, patient_ids=ids, action="audit.review", detail=detail)


# Reports -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    from_date: date
    to_date: date

    @classmethod
    def default(cls, today: date) -> "Period":
        return cls(today - timedelta(days=REPORT_DAYS), today)


def reports(ctx: RequestContext, *, period: Period, min_count: int = 1) -> dict[str, list[dict[str, Any]]]:
    """The three access reports for a period, audited as a review of each patient listed."""
    if not policy.can_review(ctx.staff):
        raise Refused()
    params = {
        "from_at": local_start(period.from_date),
        "to_at": local_end(period.to_date),
        "min_count": min_count,
        "limit": REPORT_LIMIT,
    }
    found = {
        "outside_units": q.report_outside_units(ctx.conn, **params),
        "coworkers": q.report_coworkers(ctx.conn, **params),
        "same_surname": q.report_same_surname(ctx.conn, **params),
    }
    _audit_shown(ctx, [row for rows in found.values() for row in rows], "audit reports")
    return found


# A patient's own log ---------------------------------------------------------------


def patient_access_visits(ctx: RequestContext, *, access: Access, limit: int) -> list[dict[str, Any]]:
    """Who reached this patient's record, one line per visit, newest first,
    without the user's own actions. For the portal, whose ``Access`` to the
    patient's own record is the proof; the caller writes the audit row of the
    page. Each visit says which parts of the record it touched (msgids of
    ``hms.audit.actions.PARTS``) and whether it changed anything."""
    rows: list[dict[str, Any]] = q.patient_access_visits(
        ctx.conn, patient_id=access.patient_id, me=ctx.staff.id, rows_scanned=VISIT_ROWS_SCANNED, limit=limit
    )
    for row in rows:
        described = [actions.describe(a) for a in row["actions"]]
        row["parts"] = sorted({d.part for d in described if d.part})
        row["writes"] = any(d.writes for d in described)
    return rows


# The hash chain ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainCheck:
    rows: int  # sealed rows, the ones the chain vouches for
    broken_at: int | None  # the first chain_seq whose link does not hold
    waiting: int = 0  # committed rows not yet sealed (audit_log_seal)

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def chain_verify(owner_url: str) -> ChainCheck:
    """Check the whole hash chain (audit_log_verify) as the schema's owner,
    which reads every row past RLS; the app's role could see only some."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(owner_url, row_factory=dict_row) as conn:
        size = q.audit_log_size(conn)
        return ChainCheck(rows=size["sealed"], waiting=size["waiting"], broken_at=q.audit_log_verify(conn))
