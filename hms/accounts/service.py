"""Writes on accounts: login bookkeeping, staff accounts, passwords."""

from dataclasses import dataclass

import psycopg

from hms.access.roles import Role
from hms.accounts.passwords import hash_password, verify_password
from hms.db.pool import Conn
from hms.db.queries import load
from hms.web.forms import FormInvalid, refused

q = load("accounts")


@dataclass(frozen=True)
class LoginResult:
    user_id: int | None


def login_check(
    conn: Conn, *, username: str, password: str, max_failures: int, lock_minutes: int
) -> LoginResult:
    """Check a login attempt. Every failure looks the same to the caller:
    unknown user, wrong password, locked or deactivated account."""
    row = q.user_for_login(conn, username=username.strip())
    password_ok = verify_password(row["password_hash"] if row else None, password)
    if row is None:
        return LoginResult(None)
    if not row["is_active"] or row["is_locked"]:
        return LoginResult(None)
    if not password_ok:
        q.login_failed(
            conn, user_id=row["id"], max_failures=max_failures, lock_minutes=lock_minutes
        )
        return LoginResult(None)
    q.login_succeeded(conn, user_id=row["id"])
    return LoginResult(row["id"])


@dataclass(frozen=True)
class StaffInput:
    username: str
    full_name: str
    email: str | None
    role: Role
    profession: str
    licence_number: str | None
    title: str | None
    phone: str | None


def staff_create(
    conn: Conn, *, data: StaffInput, password: str, care_unit_ids: list[int], locale: str = "sv"
) -> int:
    """Create a staff account with its profile and care units, all or nothing."""
    try:
        with conn.transaction():
            row = q.user_create(
                conn,
                username=data.username,
                password_hash=hash_password(password),
                role=data.role.value,
                full_name=data.full_name,
                email=data.email,
                locale=locale,
            )
            user_id = int(row["id"])
            q.staff_profile_create(
                conn,
                user_id=user_id,
                role=data.role.value,
                profession=data.profession,
                licence_number=data.licence_number,
                title=data.title,
                phone=data.phone,
            )
            _set_care_units(conn, user_id, care_unit_ids)
    except psycopg.Error as exc:
        raise refused(exc) from None
    return user_id


def staff_update(
    conn: Conn, *, user_id: int, data: StaffInput, care_unit_ids: list[int], by: int | None = None
) -> None:
    """Change a staff account's details, username, role and care units, all or nothing."""
    _check_keeps_admin(user_id=user_id, role=data.role, by=by)
    try:
        with conn.transaction():
            q.user_rename(conn, user_id=user_id, username=data.username)
            q.staff_update(
                conn,
                user_id=user_id,
                full_name=data.full_name,
                email=data.email,
                role=data.role.value,
            )
            q.staff_profile_update(
                conn,
                user_id=user_id,
                profession=data.profession,
                licence_number=data.licence_number,
                title=data.title,
                phone=data.phone,
            )
            _set_care_units(conn, user_id, care_unit_ids)
    except psycopg.Error as exc:
        raise refused(exc) from None


def staff_set_role(conn: Conn, *, user_id: int, role: Role, care_unit_ids: list[int], by: int) -> None:
    """Give a staff member a new role and set of care units, all or nothing."""
    _check_keeps_admin(user_id=user_id, role=role, by=by)
    try:
        with conn.transaction():
            q.user_set_role(conn, user_id=user_id, role=role.value)
            _set_care_units(conn, user_id, care_unit_ids)
    except psycopg.Error as exc:
        raise refused(exc) from None


def _check_keeps_admin(*, user_id: int, role: Role, by: int | None) -> None:
    """An administrator who demoted themself would lose this very page mid-task."""
    if user_id == by and role is not Role.ADMINISTRATOR:
        raise FormInvalid({"role": "You cannot take the administrator role from your own account."})


def _set_care_units(conn: Conn, user_id: int, care_unit_ids: list[int]) -> None:
    q.staff_care_units_clear(conn, user_id=user_id)
    for care_unit_id in sorted(set(care_unit_ids)):
        q.staff_care_unit_add(conn, user_id=user_id, care_unit_id=care_unit_id)


def user_deactivate(conn: Conn, *, user_id: int, by: int) -> None:
    """Deactivate an account and end its sessions. Nobody deactivates themselves."""
    if user_id == by:
        raise FormInvalid({"_form": "You cannot deactivate your own account."})
    with conn.transaction():
        q.user_set_active(conn, user_id=user_id, is_active=False)
        q.sessions_delete_for_user(conn, user_id=user_id)


def user_activate(conn: Conn, *, user_id: int) -> None:
    q.user_set_active(conn, user_id=user_id, is_active=True)


def user_reset_password(conn: Conn, *, user_id: int, password: str) -> None:
    """Set a new password, unlock the account and end its sessions."""
    with conn.transaction():
        q.user_set_password(conn, user_id=user_id, password_hash=hash_password(password))
        q.sessions_delete_for_user(conn, user_id=user_id)


def user_set_locale(conn: Conn, *, user_id: int, locale: str) -> None:
    q.user_set_locale(conn, user_id=user_id, locale=locale)
