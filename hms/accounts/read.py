"""Reads of accounts: the staff an administrator manages, a user's own care
units and colleagues, and accounts found by username for other packages."""

from typing import Any

from hms.core.context import RequestContext
from hms.core.errors import NotFound
from hms.db.queries import load

q = load("accounts")


def my_care_units(ctx: RequestContext) -> list[dict[str, Any]]:
    """The user's own care units, where they write."""
    rows: list[dict[str, Any]] = q.user_care_units(ctx.conn, user_id=ctx.staff.id)
    return rows


def notification_counts(ctx: RequestContext) -> dict[str, int]:
    """What waits for the verified user in each module, for the header: one
    call, read under row-level security (no patient data, so no audit row),
    that answers nothing rather than fail (so it needs no savepoint)."""
    row = q.notification_counts(ctx.conn)
    return {key: int(value) for key, value in (row or {}).items()}


def user_count_by_role(ctx: RequestContext) -> list[dict[str, Any]]:
    """Active accounts per role."""
    rows: list[dict[str, Any]] = q.user_count_by_role(ctx.conn)
    return rows


def locked_users(ctx: RequestContext) -> list[dict[str, Any]]:
    """Accounts locked after repeated failed logins."""
    rows: list[dict[str, Any]] = q.locked_users(ctx.conn)
    return rows


def user_by_username(ctx: RequestContext, *, username: str) -> dict[str, Any] | None:
    """Any account by username (id, username, full name), or None."""
    row: dict[str, Any] | None = q.user_by_username(ctx.conn, username=username)
    return row


def relative_by_username(ctx: RequestContext, *, username: str) -> dict[str, Any] | None:
    """An active relative's account by username (whom a patient may grant), or None."""
    row: dict[str, Any] | None = q.relative_by_username(ctx.conn, username=username)
    return row


def specialists_active(ctx: RequestContext) -> list[dict[str, Any]]:
    """External specialists a doctor may send a question to."""
    rows: list[dict[str, Any]] = q.specialists_active(ctx.conn)
    return rows


def colleagues(ctx: RequestContext) -> list[dict[str, Any]]:
    """Staff who share a care unit with the user."""
    rows: list[dict[str, Any]] = q.colleagues(ctx.conn, user_id=ctx.staff.id)
    return rows


# Staff administration (administrators only; the route requires STAFF_MANAGE,
# and the database lets only administrators change an account).


def staff_list(ctx: RequestContext, *, text: str | None, role: str | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = q.staff_list(ctx.conn, q=text, role=role)
    return rows


def access_staff(ctx: RequestContext, *, user_id: int) -> dict[str, Any]:
    """A staff account (patients' and relatives' accounts are not managed here)."""
    staff: dict[str, Any] | None = q.staff_get(ctx.conn, user_id=user_id)
    if staff is None:
        raise NotFound()
    return staff


def staff_care_units(ctx: RequestContext, *, user_id: int) -> list[dict[str, Any]]:
    """A staff member's care units, with names."""
    rows: list[dict[str, Any]] = q.user_care_units(ctx.conn, user_id=user_id)
    return rows


def staff_care_unit_ids(ctx: RequestContext, *, user_id: int) -> list[str]:
    """A staff member's care unit ids, as a form's checkboxes hold them."""
    return [str(r["care_unit_id"]) for r in q.staff_care_unit_ids(ctx.conn, user_id=user_id)]


# Portal accounts (reception gives them; hms.accounts.pages_portal).


def portal_account_of_patient(ctx: RequestContext, *, patient_id: int) -> dict[str, Any] | None:
    """The portal account a patient logs in with, or None."""
    row: dict[str, Any] | None = q.portal_account_of_patient(ctx.conn, patient_id=patient_id)
    return row


def portal_account(ctx: RequestContext, *, user_id: int) -> dict[str, Any] | None:
    """A patient's or relative's account by id, or None."""
    row: dict[str, Any] | None = q.portal_account_get(ctx.conn, user_id=user_id)
    return row
