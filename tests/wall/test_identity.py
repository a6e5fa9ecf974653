"""Identity needs a live session. With the app role's credentials and any SQL,
nobody reads or writes as a user without that user's session token: settings
set by hand, forged or copied, gain nothing, and the role in effect is the
account's own."""

import psycopg
import pytest

from tests.acting import authenticate, session_for
from tests.db.expect import refused
from tests.wall.conftest import NOTHING, claim, journal_rows


def test_claiming_alice_by_setting_her_id_reads_nothing_of_greta(app_conn, cast, greta_journal):
    claim(app_conn, **{"hms.user_id": str(cast.alice), "hms.user_role": "doctor"})
    assert journal_rows(app_conn, cast.greta_patient) == NOTHING
    assert app_conn.execute("SELECT hms_current_user_id() AS u").fetchone()["u"] is None


def test_claiming_alice_writes_nothing_and_signs_nothing(app_conn, owner, cast, greta_journal):
    from tests.journal import given

    _, draft = given.note(owner, cast)
    claim(app_conn, **{"hms.user_id": str(cast.alice), "hms.user_role": "doctor"})
    with pytest.raises(psycopg.Error):
        app_conn.execute(
            "INSERT INTO vital_signs (patient_id, care_unit_id, recorded_by, measured_at, pulse) "
            "VALUES (%s, %s, %s, now(), 80)",
            [cast.greta_patient, cast.unit_med, cast.alice],
        )
    with pytest.raises(psycopg.Error):
        app_conn.execute("SELECT note_sign(%s, %s)", [draft, cast.alice])
    assert owner.execute("SELECT count(*) AS n FROM vital_signs").fetchone()["n"] == 0
    assert (
        owner.execute("SELECT status FROM note_version WHERE id = %s", [draft]).fetchone()["status"]
        == "draft"
    )


def test_a_forged_identity_setting_is_not_believed(app_conn, cast, greta_journal):
    claim(app_conn, **{"hms.identity": f"{cast.alice}|doctor|00000000000000000000000000000000"})
    assert journal_rows(app_conn, cast.greta_patient) == NOTHING
    assert app_conn.execute("SELECT hms_current_role() AS r").fetchone()["r"] is None


def test_an_identity_verified_in_an_earlier_transaction_does_not_count_in_the_next(
    app_conn, owner, cast, greta_journal
):
    token = session_for(owner, cast.alice)
    with app_conn.transaction():
        assert authenticate(app_conn, token) == cast.alice
        assert journal_rows(app_conn, cast.greta_patient)["notes"] == 1
    assert app_conn.execute("SELECT hms_current_user_id() AS u").fetchone()["u"] is None
    assert journal_rows(app_conn, cast.greta_patient) == NOTHING


def test_transactions_sent_in_one_message_do_not_share_an_identity(
    settings, owner_url, owner, cast, greta_journal
):
    """Transactions in one simple-query message share their start time; the
    identity is tied to the transaction's own id, so the second is nobody."""
    from hms.db.connect import app_url

    token = session_for(owner, cast.alice)
    results = []
    with psycopg.connect(app_url(settings, owner_url), autocommit=True) as conn:
        cursor = conn.cursor()
        cursor.execute(
            f"BEGIN; SELECT user_id FROM hms_authenticate('{token}'); COMMIT; "
            "BEGIN; SELECT count(*) FROM note; COMMIT;"
        )
        while True:
            if cursor.description:
                results.append(cursor.fetchall())
            if not cursor.nextset():
                break
    assert results == [[(cast.alice,)], [(0,)]]


def test_the_role_in_effect_is_the_accounts_not_a_claimed_one(app_as, cast, greta_journal):
    """Rita at reception, with her own live session, claims to be a doctor."""
    rita = app_as(cast.rita)
    with rita.transaction():
        rita.execute("SELECT set_config('hms.user_role', 'doctor', true)")
        assert rita.execute("SELECT hms_current_role() AS r").fetchone()["r"] == "receptionist"
        assert journal_rows(rita, cast.greta_patient) == NOTHING


def test_a_planted_access_decision_is_not_believed(app_as, cast, greta_journal):
    """Dr Charlie (surgery, no care of Greta) plants 'care' under every name a
    cached decision has had; the database decides anew."""
    charlie = app_as(cast.charlie)
    with charlie.transaction():
        for area in ("clinical", "medication"):
            for name in (
                f"hms.basis_{area}_{cast.greta_patient}",
                f"hms.c_basis_{area}_{cast.greta_patient}",
            ):
                charlie.execute("SELECT set_config(%s, 'care', true)", [name])
            for name in (
                f"hms.visible_{area}_{cast.greta_patient}_{cast.unit_med}",
                f"hms.c_visible_{area}_{cast.greta_patient}_{cast.unit_med}",
            ):
                charlie.execute("SELECT set_config(%s, 't', true)", [name])
        assert journal_rows(charlie, cast.greta_patient) == NOTHING
        assert (
            charlie.execute("SELECT hms_access_basis(%s, 'clinical') AS b", [cast.greta_patient]).fetchone()[
                "b"
            ]
            is None
        )


def test_decisions_made_for_alice_are_forgotten_when_the_transaction_proves_charlie(
    app_conn, owner, cast, greta_journal
):
    """One connection, one transaction: Alice's session first, then Charlie's.
    What was decided for Alice does not serve Charlie."""
    alice, charlie = session_for(owner, cast.alice), session_for(owner, cast.charlie)
    with app_conn.transaction():
        authenticate(app_conn, alice)
        assert journal_rows(app_conn, cast.greta_patient)["notes"] == 1
        assert app_conn.execute("SELECT hms_wholly_visible('clinical') AS p").fetchone()["p"] == [
            cast.greta_patient
        ]
        authenticate(app_conn, charlie)
        assert app_conn.execute("SELECT hms_wholly_visible('clinical') AS p").fetchone()["p"] == []
        assert journal_rows(app_conn, cast.greta_patient) == NOTHING


def test_plans_printed_to_the_client_show_no_secret(app_as, owner, cast, greta_journal):
    """debug_print_plan prints every plan, those inside SECURITY DEFINER
    functions too; nothing secret may ever be a constant in one."""
    secret = owner.execute("SELECT encode(secret, 'hex') AS s FROM hms_private.salt_key").fetchone()["s"]
    charlie = app_as(cast.charlie)
    notices: list[str] = []
    charlie.conn.add_notice_handler(lambda d: notices.append(f"{d.message_primary} {d.message_detail}"))
    with charlie.transaction():
        charlie.execute("SET LOCAL client_min_messages = debug5")
        charlie.execute("SET LOCAL debug_print_plan = on")
        charlie.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        charlie.execute(
            "SELECT hms_login_parameters('nobody-here'), hms_current_user_id(), hms_current_role()"
        )
        charlie.execute(
            "SELECT hms_access_basis(%s, 'clinical'), hms_wholly_visible('clinical')", [cast.greta_patient]
        )
        journal_rows(charlie, cast.greta_patient)
    assert notices, "the plans were printed"
    printed = " ".join(notices)
    as_bytes = " ".join(str(b) for b in bytes.fromhex(secret)[:8])
    assert secret not in printed and as_bytes not in printed


@pytest.mark.parametrize(
    "spoil",
    [
        "UPDATE user_session SET last_seen_at = now() - interval '16 minutes'",
        "UPDATE user_session SET expires_at = now() - interval '1 second'",
        "UPDATE app_user SET is_active = false WHERE username = 'alice'",
    ],
    ids=["idle", "expired", "deactivated"],
)
def test_a_session_that_is_idle_expired_or_of_a_deactivated_account_proves_nothing(
    app_conn, owner, cast, greta_journal, spoil
):
    token = session_for(owner, cast.alice)
    owner.execute(spoil)
    with app_conn.transaction():
        assert authenticate(app_conn, token) is None
        assert journal_rows(app_conn, cast.greta_patient) == NOTHING


def test_the_app_role_cannot_read_sessions_or_password_hashes(app_conn, owner, cast):
    session_for(owner, cast.alice)
    refused(app_conn, "SELECT token_hash, csrf_token FROM user_session", sqlstate="42501")
    refused(app_conn, "SELECT password_hash FROM app_user", sqlstate="42501")
    assert app_conn.execute("SELECT count(*) AS n FROM app_user").fetchone()["n"] > 0


def test_the_app_role_cannot_open_a_session_without_the_password(app_conn, owner, cast):
    """Not even with what the database stores: that opens nothing."""
    import hashlib
    import secrets

    stored = owner.execute("SELECT password_hash FROM app_user WHERE id = %s", [cast.alice]).fetchone()[
        "password_hash"
    ]
    digest = bytes.fromhex(stored.rsplit("$sha256:", 1)[1])
    for proof in (digest, hashlib.sha256(digest).digest(), b"\x00" * 32):
        opened = app_conn.execute(
            "SELECT hms_session_open('alice', %s, %s, %s, NULL, '', 15, 5, 15) AS u",
            [proof, secrets.token_urlsafe(32), secrets.token_urlsafe(32)],
        ).fetchone()["u"]
        assert opened is None
    refused(
        app_conn,
        "INSERT INTO user_session (token_hash, user_id, csrf_token) VALUES (%s, %s, %s)",
        [b"\x01" * 32, cast.alice, "x" * 40],
        sqlstate="42501",
    )


def test_the_right_password_opens_a_session_that_then_proves_alice(app_conn, cast):
    from hms.accounts.passwords import login_proof
    from tests.cast import PASSWORD

    parameters = app_conn.execute("SELECT hms_login_parameters('alice') AS p").fetchone()["p"]
    token = "t" * 43
    user = app_conn.execute(
        "SELECT hms_session_open('alice', %s, %s, %s, NULL, '', 15, 5, 15) AS u",
        [login_proof(parameters, PASSWORD), token, "c" * 43],
    ).fetchone()["u"]
    assert user == cast.alice
    with app_conn.transaction():
        assert authenticate(app_conn, token) == cast.alice


def test_an_unknown_name_gets_made_up_login_parameters_that_look_real(app_conn, cast):
    real = app_conn.execute("SELECT hms_login_parameters('alice') AS p").fetchone()["p"]
    made_up = app_conn.execute("SELECT hms_login_parameters('nobody-here') AS p").fetchone()["p"]
    again = app_conn.execute("SELECT hms_login_parameters('nobody-here') AS p").fetchone()["p"]
    assert made_up == again
    assert made_up.rsplit("$", 1)[0] == real.rsplit("$", 1)[0]
    assert len(made_up.rsplit("$", 1)[1]) == len(real.rsplit("$", 1)[1])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE app_user SET role = 'administrator' WHERE username = 'charlie'",
        "UPDATE app_user SET is_active = true",
        "UPDATE app_user SET password_hash = password_hash",
        "INSERT INTO app_user (username, password_hash, role, full_name) VALUES ('mallory', 'x', 'doctor', 'M')",
        "INSERT INTO staff_care_unit (user_id, care_unit_id) SELECT id, 1 FROM app_user WHERE username = 'charlie'",
        "DELETE FROM staff_care_unit",
        "DELETE FROM user_session",
    ],
)
def test_accounts_change_only_through_their_functions(app_as, cast, statement):
    """Even as Adam the administrator: the tables themselves are closed."""
    refused(app_as(cast.adam), statement, sqlstate="42501")


def test_only_an_administrator_changes_roles_units_and_activity(app_as, owner, cast):
    charlie = app_as(cast.charlie)
    for call, params in (
        ("SELECT account_set_role(%s, 'administrator')", [cast.charlie]),
        ("SELECT account_set_units(%s, %s)", [cast.charlie, [cast.unit_med]]),
        ("SELECT account_set_active(%s, false)", [cast.alice]),
    ):
        refused(charlie, call, params, sqlstate="42501")
    assert owner.execute("SELECT role::text AS r FROM app_user WHERE id = %s", [cast.charlie]).fetchone()[
        "r"
    ] == ("doctor")
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM staff_care_unit WHERE user_id = %s AND care_unit_id = %s",
            [cast.charlie, cast.unit_med],
        ).fetchone()["n"]
        == 0
    )


def test_an_administrators_account_changes_are_audited_with_who_and_whom(app_as, owner, cast):
    adam = app_as(cast.adam)
    adam.execute("SELECT account_set_units(%s, %s)", [cast.charlie, [cast.unit_surg, cast.unit_med]])
    adam.execute("SELECT account_set_role(%s, 'nurse')", [cast.charlie])
    adam.execute("SELECT account_set_active(%s, false)", [cast.charlie])
    adam.execute("SELECT account_set_active(%s, true)", [cast.charlie])
    adam.execute(
        "SELECT account_reset_password(%s, %s)",
        [
            cast.charlie,
            owner.execute("SELECT password_hash FROM app_user WHERE id = %s", [cast.alice]).fetchone()[
                "password_hash"
            ],
        ],
    )
    rows = owner.execute(
        "SELECT user_id, user_role::text AS role, action, object_id FROM audit_log "
        "WHERE object_type = 'app_user' ORDER BY id"
    ).fetchall()
    assert [r["action"] for r in rows] == [
        "account.units",
        "account.role",
        "account.deactivate",
        "account.reactivate",
        "account.password_reset",
    ]
    assert {(r["user_id"], r["role"], r["object_id"]) for r in rows} == {
        (cast.adam, "administrator", cast.charlie)
    }


def test_without_a_verified_user_the_app_role_reads_and_writes_nothing_about_patients(
    app_conn, cast, greta_journal
):
    claim(app_conn, **{"hms.user_role": "administrator"})
    for table in (
        "patient",
        "patient_directory",
        "patient_search_directory",
        "patient_search_word",
        "patient_search_key",
        "next_of_kin",
        "audit_log",
        "encounter",
        "care_assignment",
        "proxy_grant",
        "journal_block",
        "consultation",
    ):
        assert app_conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"] == 0, table
    with pytest.raises(psycopg.Error):
        app_conn.execute(
            "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
            "VALUES ('194202142388', 'X', 'Y', '1942-02-14', 'female')"
        )
