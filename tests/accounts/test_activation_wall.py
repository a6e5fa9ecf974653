"""Portal accounts and their activation codes, attacked with the app role's
credentials and plain SQL: only reception and administrators create portal
accounts and issue codes; a code is never readable, works once, for its own
account, within 72 hours, and not after a new one or five wrong tries; a
patient is linked to an account only by the function that creates it."""

import psycopg
import pytest

from hms.accounts.passwords import hash_password, login_proof
from tests.acting import Acting
from tests.db.expect import refused

NEW_PASSWORD = "Fresh-start-42"


@pytest.fixture()
def patient(owner) -> int:
    """A registered patient without a portal account."""
    return owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES ('195001012391', 'Olle', 'Olsson', '1950-01-01', 'male') RETURNING id"
    ).fetchone()["id"]


def create_for(conn: Acting, patient_id: int, username: str = "olle") -> str:
    return conn.execute(
        "SELECT portal_account_create_for_patient(%s, %s, 'sv') AS code", [patient_id, username]
    ).fetchone()["code"]


def activate(conn, username: str, code: str, password: str = NEW_PASSWORD) -> bool:
    return conn.execute(
        "SELECT portal_account_activate(%s, %s, %s) AS ok", [username, code, hash_password(password)]
    ).fetchone()["ok"]


def can_log_in(conn, username: str, password: str = NEW_PASSWORD) -> bool:
    parameters = conn.execute("SELECT hms_login_parameters(%s) AS p", [username]).fetchone()["p"]
    with conn.transaction():
        user_id = conn.execute(
            "SELECT hms_session_open(%s, %s, %s, %s, NULL, 'test', 15, 5, 15) AS u",
            [username, login_proof(parameters, password), "t" * 40 + username, "c" * 40],
        ).fetchone()["u"]
    return user_id is not None


def account(owner, username: str) -> dict:
    return owner.execute("SELECT * FROM app_user WHERE username = %s", [username]).fetchone()


# --- creating ---------------------------------------------------------------


def test_reception_creates_a_linked_inactive_account_and_gets_a_typeable_code(
    acting_as, owner, cast, patient
):
    code = create_for(acting_as(cast.rita), patient)
    assert len(code) == 14 and code[4] == code[9] == "-"
    olle = account(owner, "olle")
    assert olle["role"] == "patient" and not olle["is_active"] and olle["full_name"] == "Olle Olsson"
    link = owner.execute("SELECT patient_id FROM patient_user WHERE user_id = %s", [olle["id"]]).fetchone()
    assert link["patient_id"] == patient
    row = owner.execute("SELECT * FROM portal_activation_code WHERE user_id = %s", [olle["id"]]).fetchone()
    assert row["issued_by"] == cast.rita
    assert row["expires_at"] - row["issued_at"] == __import__("datetime").timedelta(hours=72)
    assert code.replace("-", "").encode() not in bytes(row["code_hash"])
    audit = owner.execute(
        "SELECT user_id, patient_id FROM audit_log WHERE action = 'account.create' AND object_id = %s",
        [olle["id"]],
    ).fetchone()
    assert audit == {"user_id": cast.rita, "patient_id": patient}


def test_codes_differ_each_time(acting_as, owner, cast, patient):
    rita = acting_as(cast.rita)
    first = create_for(rita, patient)
    user_id = account(owner, "olle")["id"]
    codes = {first} | {
        rita.execute("SELECT portal_code_reissue(%s) AS c", [user_id]).fetchone()["c"] for _ in range(5)
    }
    assert len(codes) == 6


@pytest.mark.parametrize("who", ["bob", "alice", "greta", "sven", "petra", "erik"])
def test_only_reception_and_administrators_create_portal_accounts(acting_as, owner, cast, patient, who):
    conn = acting_as(cast.ids[who])
    refused(conn, "SELECT portal_account_create_for_patient(%s, 'olle', 'sv')", [patient], sqlstate="42501")
    refused(conn, "SELECT portal_account_create_for_relative('olga', 'Olga', NULL, 'sv')", sqlstate="42501")
    refused(conn, "SELECT portal_code_reissue(%s)", [cast.greta], sqlstate="42501")
    assert account(owner, "olle") is None and account(owner, "olga") is None


def test_an_administrator_creates_one_too(acting_as, owner, cast, patient):
    assert create_for(acting_as(cast.adam), patient)


def test_a_patient_gets_one_portal_account(acting_as, owner, cast, patient):
    rita = acting_as(cast.rita)
    create_for(rita, patient)
    refused(
        rita,
        "SELECT portal_account_create_for_patient(%s, 'olle2', 'sv')",
        [patient],
        constraint="patient_user_patient_id_key",
    )
    refused(
        rita,
        "SELECT portal_account_create_for_patient(%s, 'greta2', 'sv')",
        [cast.greta_patient],
        constraint="patient_user_patient_id_key",
    )
    assert account(owner, "olle2") is None


def test_no_account_for_a_patient_who_does_not_exist(acting_as, owner, cast):
    refused(
        acting_as(cast.rita), "SELECT portal_account_create_for_patient(-1, 'ghost', 'sv')", sqlstate="P0002"
    )


def test_a_taken_username_is_refused(acting_as, cast, patient):
    refused(
        acting_as(cast.rita),
        "SELECT portal_account_create_for_patient(%s, 'GRETA', 'sv')",
        [patient],
        constraint="app_user_username_key",
    )


def test_a_relatives_account_is_linked_to_no_patient(acting_as, owner, cast):
    code = (
        acting_as(cast.rita)
        .execute("SELECT portal_account_create_for_relative('olga', 'Olga Olsson', NULL, 'sv') AS c")
        .fetchone()["c"]
    )
    olga = account(owner, "olga")
    assert olga["role"] == "relative" and not olga["is_active"]
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM proxy_grant WHERE relative_user_id = %s", [olga["id"]]
        ).fetchone()["n"]
        == 0
    )
    assert activate(owner, "olga", code)
    # Logged in, she reaches no patient until one grants her access.
    olga_conn = acting_as(olga["id"])
    assert olga_conn.execute("SELECT count(*) AS n FROM patient_directory").fetchone()["n"] == 0


def test_reception_cannot_make_a_portal_login_with_a_password_it_knows(acting_as, owner, cast):
    for role in ("patient", "relative"):
        refused(
            acting_as(cast.rita),
            "SELECT account_create('known', %s, %s, 'Known', NULL, 'sv')",
            [hash_password(NEW_PASSWORD), role],
            sqlstate="42501",
        )
        refused(
            acting_as(cast.adam),
            "SELECT account_create('known', %s, %s, 'Known', NULL, 'sv')",
            [hash_password(NEW_PASSWORD), role],
            constraint="account_create_portal_by_code",
        )
    assert account(owner, "known") is None


# --- linking ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["rita", "adam", "alice"])
def test_nobody_links_an_account_to_a_patient_by_hand(acting_as, owner, cast, patient, who):
    refused(
        acting_as(cast.ids[who]),
        "INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)",
        [cast.greta, patient],
        sqlstate="42501",
    )
    refused(
        acting_as(cast.ids[who]),
        "UPDATE patient_user SET patient_id = %s WHERE user_id = %s",
        [patient, cast.greta],
        sqlstate="42501",
    )
    assert (
        owner.execute("SELECT count(*) AS n FROM patient_user WHERE patient_id = %s", [patient]).fetchone()[
            "n"
        ]
        == 0
    )


# --- the codes cannot be read -----------------------------------------------


@pytest.mark.parametrize("who", ["rita", "adam"])
def test_the_app_reads_no_code_hash(acting_as, app_conn, cast, patient, who):
    create_for(acting_as(cast.rita), patient)
    for conn in (acting_as(cast.ids[who]), app_conn):
        refused(conn, "SELECT code_hash FROM portal_activation_code", sqlstate="42501")
        refused(conn, "SELECT count(*) FROM portal_activation_code", sqlstate="42501")
        refused(conn, "UPDATE portal_activation_code SET expires_at = now()", sqlstate="42501")
        refused(
            conn,
            "INSERT INTO portal_activation_code (user_id, code_hash, issued_by) VALUES (1, sha256('x'), 1)",
            sqlstate="42501",
        )


# --- activating -------------------------------------------------------------


def test_the_right_code_sets_the_password_and_activates(acting_as, app_conn, owner, cast, patient):
    code = create_for(acting_as(cast.rita), patient)
    assert not can_log_in(app_conn, "olle")
    assert activate(app_conn, "OLLE", code.lower().replace("-", " "))
    assert account(owner, "olle")["is_active"]
    assert can_log_in(app_conn, "olle")
    audit = owner.execute("SELECT user_id FROM audit_log WHERE action = 'account.activate'").fetchone()
    assert audit["user_id"] == account(owner, "olle")["id"]


def test_a_used_code_cannot_be_used_again(acting_as, app_conn, cast, patient):
    code = create_for(acting_as(cast.rita), patient)
    assert activate(app_conn, "olle", code)
    assert not activate(app_conn, "olle", code, "Another-one-77")
    assert can_log_in(app_conn, "olle") and not can_log_in(app_conn, "olle", "Another-one-77")


def test_an_expired_code_does_not_activate(acting_as, app_conn, owner, cast, patient):
    code = create_for(acting_as(cast.rita), patient)
    owner.execute(
        "UPDATE portal_activation_code SET issued_at = issued_at - interval '73 hours', "
        "expires_at = expires_at - interval '73 hours'"
    )
    assert not activate(app_conn, "olle", code)
    assert not account(owner, "olle")["is_active"]


def test_a_code_cannot_be_made_to_last_longer(owner, acting_as, cast, patient):
    create_for(acting_as(cast.rita), patient)
    with pytest.raises(psycopg.errors.CheckViolation):
        owner.execute("UPDATE portal_activation_code SET expires_at = expires_at + interval '1 day'")


def test_someone_elses_code_does_not_work(acting_as, app_conn, owner, cast, patient):
    rita = acting_as(cast.rita)
    olle_code = create_for(rita, patient)
    rita.execute("SELECT portal_account_create_for_relative('olga', 'Olga Olsson', NULL, 'sv')")
    assert not activate(app_conn, "olga", olle_code)
    assert not account(owner, "olga")["is_active"]


def test_a_wrong_code_or_unknown_name_answers_the_same(acting_as, app_conn, cast, patient):
    code = create_for(acting_as(cast.rita), patient)
    assert activate(app_conn, "nobody", code) is False
    assert activate(app_conn, "olle", "AAAA-AAAA-AAAA") is False
    assert activate(app_conn, "greta", code) is False  # an account without a code
    assert activate(app_conn, "alice", code) is False  # staff are never activated this way


def test_five_wrong_tries_void_the_code(acting_as, app_conn, owner, cast, patient):
    code = create_for(acting_as(cast.rita), patient)
    for _ in range(5):
        assert not activate(app_conn, "olle", "0000-0000-0000")
    assert not activate(app_conn, "olle", code)
    assert not account(owner, "olle")["is_active"]


def test_a_new_code_voids_the_old(acting_as, app_conn, owner, cast, patient):
    rita = acting_as(cast.rita)
    old = create_for(rita, patient)
    new = rita.execute("SELECT portal_code_reissue(%s) AS c", [account(owner, "olle")["id"]]).fetchone()["c"]
    assert not activate(app_conn, "olle", old)
    assert activate(app_conn, "olle", new)


def test_reissue_resets_a_forgotten_password_and_ends_sessions(acting_as, app_conn, owner, cast):
    rita = acting_as(cast.rita)
    code = rita.execute("SELECT portal_code_reissue(%s) AS c", [cast.greta]).fetchone()["c"]
    acting_as(cast.greta)  # a live session of Greta's
    assert activate(app_conn, "greta", code)
    assert (
        owner.execute("SELECT count(*) AS n FROM user_session WHERE user_id = %s", [cast.greta]).fetchone()[
            "n"
        ]
        == 0
    )
    assert can_log_in(app_conn, "greta")


def test_no_code_for_staff_or_a_deactivated_account(acting_as, owner, cast, patient):
    rita = acting_as(cast.rita)
    refused(rita, "SELECT portal_code_reissue(%s)", [cast.alice], sqlstate="P0002")
    code = create_for(rita, patient)
    olle = account(owner, "olle")["id"]
    assert activate(owner, "olle", code)
    acting_as(cast.adam).execute("SELECT account_set_active(%s, false)", [olle])
    refused(rita, "SELECT portal_code_reissue(%s)", [olle], constraint="portal_code_account_deactivated")
