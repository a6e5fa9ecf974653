"""Writes on accounts: login bookkeeping, staff accounts, passwords."""

from dataclasses import dataclass
from typing import Any

from hms.accounts import policy
from hms.accounts.passwords import hash_password, login_proof
from hms.core.errors import Invalid
from hms.core.roles import Role
from hms.core.writes import savepoint
from hms.db.pool import Conn
from hms.db.queries import load

q = load("accounts")


@dataclass(frozen=True)
class Login:
    """What a login attempt carries besides the password: the session's token
    and CSRF token (made by the caller) and where it came from."""

    username: str
    token: str
    csrf_token: str
    client_addr: str | None
    user_agent: str


def login(
    conn: Conn, *, attempt: Login, password: str, idle_minutes: int, max_failures: int, lock_minutes: int
) -> int | None:
    """Open a session if the password is right; the database checks the proof
    (argon2id's output), counts failures and locks the account at the limit.
    Every failure looks the same: unknown user, wrong password, locked or inactive."""
    username = attempt.username.strip()
    parameters = q.login_parameters(conn, username=username)
    session_id: int | None = q.session_open(
        conn,
        username=username,
        proof=login_proof(parameters, password),
        token=attempt.token,
        csrf_token=attempt.csrf_token,
        client_addr=attempt.client_addr,
        user_agent=attempt.user_agent[:300],
        idle_minutes=idle_minutes,
        max_failures=max_failures,
        lock_minutes=lock_minutes,
    )
    return session_id


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
    with savepoint(conn):
        user_id = int(
            q.account_create(
                conn,
                username=data.username,
                password_hash=hash_password(password),
                role=data.role.value,
                full_name=data.full_name,
                email=data.email,
                locale=locale,
            )
        )
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
    return user_id


def staff_update(
    conn: Conn, *, user_id: int, data: StaffInput, care_unit_ids: list[int], by: int | None = None
) -> None:
    """Change a staff account's details, username, role and care units, all or nothing."""
    _check_keeps_admin(user_id=user_id, role=data.role, by=by)
    with savepoint(conn):
        q.account_update(
            conn, user_id=user_id, username=data.username, full_name=data.full_name, email=data.email
        )
        q.account_set_role(conn, user_id=user_id, role=data.role.value)
        q.staff_profile_update(
            conn,
            user_id=user_id,
            profession=data.profession,
            licence_number=data.licence_number,
            title=data.title,
            phone=data.phone,
        )
        _set_care_units(conn, user_id, care_unit_ids)


def staff_set_role(conn: Conn, *, user_id: int, role: Role, care_unit_ids: list[int], by: int) -> None:
    """Give a staff member a new role and set of care units, all or nothing."""
    _check_keeps_admin(user_id=user_id, role=role, by=by)
    with savepoint(conn):
        q.account_set_role(conn, user_id=user_id, role=role.value)
        _set_care_units(conn, user_id, care_unit_ids)


def _check_keeps_admin(*, user_id: int, role: Role, by: int | None) -> None:
    if not policy.may_set_role(user_id=user_id, role=role, by=by):
        raise Invalid({"role": "You cannot take the administrator role from your own account."})


def _set_care_units(conn: Conn, user_id: int, care_unit_ids: list[int]) -> None:
    q.account_set_units(conn, user_id=user_id, care_unit_ids=sorted(set(care_unit_ids)))


def user_deactivate(conn: Conn, *, user_id: int, by: int) -> None:
    """Deactivate an account and end its sessions. Nobody deactivates themselves."""
    if not policy.may_deactivate(user_id=user_id, by=by):
        raise Invalid({"_form": "You cannot deactivate your own account."})
    q.account_set_active(conn, user_id=user_id, is_active=False)


def user_activate(conn: Conn, *, user_id: int) -> None:
    q.account_set_active(conn, user_id=user_id, is_active=True)


def user_reset_password(conn: Conn, *, user_id: int, password: str) -> None:
    """Set a new password, unlock the account and end its sessions."""
    q.account_reset_password(conn, user_id=user_id, password_hash=hash_password(password))


def user_set_locale(conn: Conn, *, locale: str) -> None:
    """The current user's language (the database knows who that is)."""
    q.account_set_locale(conn, locale=locale)


def session_authenticate(conn: Conn, *, token: str) -> dict[str, Any] | None:
    """Prove a session to the database for the current transaction
    (hms_authenticate makes its user the transaction's verified user)."""
    row: dict[str, Any] | None = q.authenticate(conn, token=token)
    return row


def session_close(conn: Conn, *, token: str) -> None:
    """Log out: the session's row is deleted."""
    q.session_close(conn, token=token)


# Portal accounts (migration 0023): reception creates them with a one-time
# activation code, which the database makes, returns once and keeps only as a
# hash; the person sets their own password with it.

ACTIVATION_FAILED = (
    "The username or activation code is wrong, or the code has expired or been used. "
    "Ask reception for a new code."
)


def portal_account_for_patient(conn: Conn, *, patient_id: int, username: str, locale: str = "sv") -> str:
    """Create a patient's portal account, linked to them; the activation code."""
    with savepoint(conn):
        code: str = q.portal_account_create_for_patient(
            conn, patient_id=patient_id, username=username, locale=locale
        )
    return code


def portal_account_for_relative(
    conn: Conn, *, username: str, full_name: str, email: str | None, locale: str = "sv"
) -> str:
    """Create a relative's portal account, linked to no patient; the activation code."""
    with savepoint(conn):
        code: str = q.portal_account_create_for_relative(
            conn, username=username, full_name=full_name, email=email, locale=locale
        )
    return code


def portal_code_reissue(conn: Conn, *, user_id: int) -> str:
    """A new activation code for a portal account (the old one is void)."""
    with savepoint(conn):
        code: str = q.portal_code_reissue(conn, user_id=user_id)
    return code


def portal_account_activate(conn: Conn, *, username: str, code: str, password: str) -> None:
    """Set the password with the activation code, or refuse with one message
    for every failure (wrong name, wrong, expired, used or voided code)."""
    activated = q.portal_account_activate(
        conn, username=username.strip(), code=code, password_hash=hash_password(password)
    )
    if not activated:
        raise Invalid({"code": ACTIVATION_FAILED})
