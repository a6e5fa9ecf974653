"""Scoped reads of the registry. Each takes the request's context, returns only
what the policy allows, and writes the audit row for what it returned."""

from dataclasses import dataclass
from typing import Any

from hms.access.policy import Access, patient_access
from hms.audit.service import audit_patient, audit_patients_listed
from hms.core.context import RequestContext
from hms.core.errors import NotFound, Refused
from hms.db.queries import load
from hms.patients import identity, policy

q = load("patients")

SEARCH_LIMIT = 25
# Candidate words ranked for each word typed (patient_search_by_name, migration
# 0051): with two words, every pair of candidates is asked, so fewer.
CANDIDATE_WORDS = {1: 10, 2: 8}


@dataclass(frozen=True)
class SearchResult:
    query: str
    kind: str  # "name", "number", "number_prefix" or "empty"
    rows: list[dict[str, Any]]
    more: bool = False  # more patients match than the page shows


def patient_search(ctx: RequestContext, *, query: str, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Find patients by name (ranked, typo-tolerant) or personal identity
    number (exact or prefix): the best ``limit``, and whether there are more."""
    if not policy.can_search(ctx.staff):
        raise Refused()
    query = query.strip()[:100]
    if len(query) < 2:
        return SearchResult(query, "empty", [])
    if identity.looks_like_number(query):
        kind, rows = _search_number(ctx, query, limit + 1)
    else:
        kind, rows = "name", _search_name(ctx, query, limit + 1)
    result = SearchResult(query, kind, rows[:limit], more=len(rows) > limit)
    audit_patients_listed(
        ctx, patient_ids=[r["id"] for r in result.rows], action="patient.search", detail=result.kind
    )
    return result


def search_words(query: str) -> list[str]:
    """The words a name search matches: the two longest of two letters or more."""
    words = sorted({w for w in query.split() if len(w) >= 2}, key=len, reverse=True)[:2]
    return words or [query]


def _search_name(ctx: RequestContext, query: str, limit: int) -> list[dict[str, Any]]:
    """Every word must match (the two longest); the patients of the nearest
    words first (see queries.sql)."""
    words = search_words(query)
    second = words[1] if len(words) > 1 else None
    rows: list[dict[str, Any]] = q.search_by_name(
        ctx.conn, w1=words[0], w2=second, words=CANDIDATE_WORDS[len(words)], limit=limit
    )
    return rows


def _search_number(ctx: RequestContext, query: str, limit: int) -> tuple[str, list[dict[str, Any]]]:
    try:
        number = identity.normalize(query)
    except identity.InvalidNumber:
        prefix = identity.digits_prefix(query)
        return "number_prefix", q.search_by_number_prefix(ctx.conn, prefix=prefix, limit=limit)
    return "number", q.search_by_number(ctx.conn, personal_number=number)


def own_patient_id(ctx: RequestContext) -> int | None:
    """The patient a portal user is, or None for staff."""
    if ctx.user is None:
        return None
    patient_id: int | None = q.portal_patient_id(ctx.conn, user_id=ctx.user.id)
    return patient_id


def access_patient(
    ctx: RequestContext,
    *,
    patient_id: int,
    action: str = "patient.read",
    access: Access | None = None,
    audit: bool = True,
) -> dict[str, Any]:
    """One patient's demographics as this user may see them, audited; refused
    (404, or 403 with emergency access for clinicians) otherwise. ``access``:
    a decision already made for this request (the journal's), not asked twice."""
    access = access or patient_access(ctx, patient_id=patient_id, area="demographics", action=action)
    row: dict[str, Any] | None = q.get_directory(ctx.conn, patient_id=patient_id)
    if row is None:
        raise NotFound()
    # The database blanks a protected patient's contact details without a care
    # need (patient_directory); the page says so rather than show empty fields.
    row["contact_hidden"] = row["protected_identity"] and not policy.has_care_need(ctx, patient_id=patient_id)
    if audit:  # False when the page's own read writes its one row (a page header)
        audit_patient(
            ctx,
            patient_id=patient_id,
            action=action,
            object_type="patient",
            object_id=patient_id,
            detail=access.reason,
        )
    return row


def patient_by_number_or_id(
    ctx: RequestContext, *, personal_number: str | None = None, patient_id: int | None = None
) -> dict[str, Any] | None:
    """The patient a filter names (id, number, name), as row-level security lets
    this user see them, or None. Not audited here: the caller records what it shows."""
    row: dict[str, Any] | None = q.patient_by_number_or_id(
        ctx.conn, personal_number=personal_number, patient_id=patient_id
    )
    return row


def next_of_kin(ctx: RequestContext, *, patient_id: int) -> list[dict[str, Any]]:
    """Next of kin of a patient the caller has already been given (access_patient)."""
    rows: list[dict[str, Any]] = q.next_of_kin_list(ctx.conn, patient_id=patient_id)
    return rows


def recently_registered(ctx: RequestContext, *, limit: int = 10) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.recently_registered(ctx.conn, limit=limit)
    audit_patients_listed(ctx, patient_ids=[r["id"] for r in rows], action="patient.list")
    return rows


def registry_counts(ctx: RequestContext) -> dict[str, int]:
    """Aggregates only: no patient is identified, so nothing to audit."""
    row: dict[str, int] = q.registry_counts(ctx.conn)
    return row
