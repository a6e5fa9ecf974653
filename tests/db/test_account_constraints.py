"""Accounts, staff profiles and sessions: each rule broken with raw SQL as the owner."""

import pytest

from tests.cast import password_hash
from tests.db.expect import refused

CHECK, UNIQUE, FOREIGN_KEY = "23514", "23505", "23503"

USER = (
    "INSERT INTO app_user (username, password_hash, role, full_name, email, locale) "
    "VALUES (%(username)s, %(hash)s, %(role)s, %(name)s, %(email)s, %(locale)s)"
)


def user(**changes: object) -> dict[str, object]:
    base = {
        "username": "anna",
        "hash": password_hash(),
        "role": "nurse",
        "name": "Anna Alm",
        "email": None,
        "locale": "sv",
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    "username",
    ["Anna", "an", "a" * 65, "anna alm", "anna@hms", "änna", ""],
    ids=["upper-case", "too-short", "too-long", "space", "at-sign", "non-ascii", "empty"],
)
def test_a_username_is_three_to_64_lower_case_letters_digits_dots_dashes(owner, username):
    refused(owner, USER, user(username=username), constraint="app_user_username_format", sqlstate=CHECK)


def test_usernames_are_unique_ignoring_case(owner):
    owner.execute(USER, user(username="anna.alm"))
    refused(owner, USER, user(username="anna.alm"), constraint="app_user_username_key", sqlstate=UNIQUE)
    # The index is on lower(username): even if the format rule were relaxed, ANNA would be anna.
    index = owner.execute(
        "SELECT pg_get_indexdef('app_user_username_key'::regclass) AS definition"
    ).fetchone()["definition"]
    assert "UNIQUE" in index and "lower(username)" in index


@pytest.mark.parametrize(
    "stored",
    ["Correct-horse-1", "$2b$12$abcdefghijklmnopqrstuv", "pbkdf2_sha256$600000$x$y", ""],
    ids=["plain-text", "bcrypt", "pbkdf2", "empty"],
)
def test_a_password_is_stored_only_as_an_argon2_hash(owner, stored):
    refused(owner, USER, user(hash=stored), constraint="app_user_password_is_sealed")


def test_an_argon2_hash_is_kept_only_as_the_sha256_of_its_output(owner):
    from hms.accounts.passwords import hash_password

    full = hash_password("Correct-horse-1")
    stored = owner.execute(USER + " RETURNING password_hash", user(hash=full)).fetchone()["password_hash"]
    assert stored.startswith(full.rsplit("$", 1)[0] + "$sha256:")
    assert full.rsplit("$", 1)[1] not in stored


@pytest.mark.parametrize(
    "changes, constraint",
    [
        ({"name": ""}, "app_user_full_name_length"),
        ({"name": "x" * 201}, "app_user_full_name_length"),
        ({"email": "anna"}, "app_user_email_format"),
        ({"email": "anna @hms.se"}, "app_user_email_format"),
        ({"email": "a@" + "b" * 253}, "app_user_email_format"),
        ({"locale": "de"}, "app_user_locale_known"),
    ],
    ids=["empty-name", "long-name", "email-no-at", "email-space", "email-too-long", "locale"],
)
def test_user_fields_are_checked(owner, changes, constraint):
    refused(owner, USER, user(**changes), constraint=constraint)


def test_a_role_is_one_of_the_listed_roles(owner):
    refused(owner, USER, user(role="superuser"), sqlstate="22P02")


def test_the_failed_login_count_is_never_negative(owner, cast):
    refused(
        owner,
        "UPDATE app_user SET failed_login_count = -1 WHERE id = %s",
        [cast.alice],
        constraint="app_user_failed_login_count_nonnegative",
    )


def test_updated_at_of_a_user_is_set_by_the_database(owner, cast):
    owner.execute("UPDATE app_user SET updated_at = '2000-01-01' WHERE id = %s", [cast.alice])
    row = owner.execute(
        "SELECT updated_at > now() - interval '1 minute' AS fresh FROM app_user WHERE id = %s", [cast.alice]
    ).fetchone()
    assert row["fresh"]


def test_a_user_is_never_deleted_while_they_have_a_staff_profile(owner, cast):
    refused(owner, "DELETE FROM app_user WHERE id = %s", [cast.alice], constraint="staff_profile_user_fk")


# --- login bookkeeping -------------------------------------------------------------


def test_failed_logins_lock_the_account_at_the_limit_and_success_clears_them(owner, app_conn, cast):
    from hms.accounts.passwords import login_proof
    from tests.cast import PASSWORD

    def state() -> dict:
        return owner.execute(
            "SELECT failed_login_count, locked_until > now() AS locked FROM app_user WHERE id = %s",
            [cast.bob],
        ).fetchone()

    def attempt(password: str) -> int | None:
        parameters = app_conn.execute("SELECT hms_login_parameters('bob') AS p").fetchone()["p"]
        return app_conn.execute(
            "SELECT hms_session_open('bob', %s, %s, %s, NULL, '', 15, 3, 15) AS u",
            [login_proof(parameters, password), "t" * 43, "c" * 43],
        ).fetchone()["u"]

    for _ in range(2):
        assert attempt("wrong-Password-1") is None
    assert state() == {"failed_login_count": 2, "locked": None}
    assert attempt(PASSWORD) == cast.bob
    assert state() == {"failed_login_count": 0, "locked": None}
    for _ in range(3):
        assert attempt("wrong-Password-1") is None
    assert state() == {"failed_login_count": 3, "locked": True}
    assert attempt(PASSWORD) is None, "a locked account opens no session, not even with the password"


# --- staff profiles ------------------------------------------------------------------

PROFILE = (
    "INSERT INTO staff_profile (user_id, role, profession, licence_number, title, phone) "
    "VALUES (%(user_id)s, %(role)s, %(profession)s, %(licence)s, %(title)s, %(phone)s)"
)


@pytest.fixture()
def anna(owner) -> int:
    """A nurse account without a staff profile yet."""
    return owner.execute(USER + " RETURNING id", user()).fetchone()["id"]


def profile(user_id: int, /, **changes: object) -> dict[str, object]:
    base = {
        "user_id": user_id,
        "role": "nurse",
        "profession": "Registered nurse",
        "licence": None,
        "title": None,
        "phone": None,
    }
    return {**base, **changes}


def test_a_staff_profile_needs_a_staff_role(owner, cast):
    refused(
        owner,
        PROFILE,
        profile(cast.greta, role="patient"),
        constraint="staff_profile_role_is_staff",
        sqlstate=CHECK,
    )
    refused(owner, PROFILE, profile(cast.sven, role="relative"), constraint="staff_profile_role_is_staff")


def test_a_staff_profiles_role_is_the_users_role(owner, anna):
    refused(
        owner, PROFILE, profile(anna, role="doctor"), constraint="staff_profile_user_fk", sqlstate=FOREIGN_KEY
    )
    owner.execute(PROFILE, profile(anna))


def test_changing_a_staff_users_role_to_patient_is_refused_through_the_cascade(owner, cast):
    refused(
        owner,
        "UPDATE app_user SET role = 'patient' WHERE id = %s",
        [cast.alice],
        constraint="staff_profile_role_is_staff",
        sqlstate=CHECK,
    )
    row = owner.execute(
        "SELECT u.role AS user_role, p.role AS profile_role FROM app_user AS u "
        "JOIN staff_profile AS p ON p.user_id = u.id WHERE u.id = %s",
        [cast.alice],
    ).fetchone()
    assert row == {"user_role": "doctor", "profile_role": "doctor"}


def test_a_staff_role_change_within_staff_roles_cascades_to_the_profile(owner, cast):
    owner.execute("UPDATE app_user SET role = 'administrator' WHERE id = %s", [cast.rita])
    row = owner.execute("SELECT role FROM staff_profile WHERE user_id = %s", [cast.rita]).fetchone()
    assert row["role"] == "administrator"


@pytest.mark.parametrize(
    "changes, constraint",
    [
        ({"profession": ""}, "staff_profile_profession_length"),
        ({"profession": "x" * 101}, "staff_profile_profession_length"),
        ({"licence": "nur-1"}, "staff_profile_licence_number_format"),
        ({"licence": "ABC"}, "staff_profile_licence_number_format"),
        ({"licence": "A" * 21}, "staff_profile_licence_number_format"),
        ({"licence": "NUR 2002"}, "staff_profile_licence_number_format"),
        ({"title": "x" * 101}, "staff_profile_title_length"),
        ({"phone": "ext. 42"}, "staff_profile_phone_format"),
    ],
    ids=[
        "empty-profession",
        "long-profession",
        "licence-lower",
        "licence-short",
        "licence-long",
        "licence-space",
        "long-title",
        "phone",
    ],
)
def test_staff_profile_fields_are_checked(owner, anna, changes, constraint):
    refused(owner, PROFILE, profile(anna, **changes), constraint=constraint)


def test_a_licence_number_belongs_to_one_staff_member(owner, cast, anna):
    # Bob (cast) holds NUR-2001.
    refused(
        owner,
        PROFILE,
        profile(anna, licence="NUR-2001"),
        constraint="staff_profile_licence_number_key",
        sqlstate=UNIQUE,
    )


def test_many_staff_may_have_no_licence_number(owner, anna, cast):
    owner.execute(PROFILE, profile(anna, licence=None))
    count = owner.execute("SELECT count(*) AS n FROM staff_profile WHERE licence_number IS NULL").fetchone()
    assert count["n"] == 3  # Rita, Adam and Anna


# --- sessions ------------------------------------------------------------------------

SESSION = (
    "INSERT INTO user_session (token_hash, user_id, csrf_token) VALUES (%(hash)s, %(user_id)s, %(csrf)s)"
)


def session(user_id: int, /, **changes: object) -> dict[str, object]:
    return {"hash": b"\x01" * 32, "user_id": user_id, "csrf": "c" * 43, **changes}


def test_a_session_stores_a_32_byte_hash_never_a_token(owner, cast):
    refused(
        owner,
        SESSION,
        session(cast.bob, hash=b"plain-token-from-the-cookie"),
        constraint="user_session_token_hash_length",
    )


def test_a_session_csrf_token_is_long_enough(owner, cast):
    refused(owner, SESSION, session(cast.bob, csrf="short"), constraint="user_session_csrf_token_length")


def test_a_session_belongs_to_a_user(owner):
    refused(owner, SESSION, session(999_999), constraint="user_session_user_id_fkey", sqlstate=FOREIGN_KEY)


def test_a_session_token_hash_is_unique(owner, cast):
    owner.execute(SESSION, session(cast.bob))
    refused(owner, SESSION, session(cast.alice), constraint="user_session_pkey", sqlstate=UNIQUE)


def test_a_users_sessions_go_with_the_user(owner, cast):
    owner.execute(SESSION, session(cast.sven))
    owner.execute("DELETE FROM app_user WHERE id = %s", [cast.sven])
    assert owner.execute("SELECT count(*) AS n FROM user_session").fetchone()["n"] == 0
