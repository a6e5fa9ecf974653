"""A backend's verified identity is one row that each proof writes over in
place, and every proof that fails still leaves nobody, whatever an earlier
proof in the same transaction said."""

from tests.acting import authenticate, session_for
from tests.wall.conftest import NOTHING, journal_rows

WRITES = (
    "SELECT n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del, n_tup_hot_upd AS hot "
    "FROM pg_stat_xact_all_tables WHERE schemaname = 'hms_private' AND relname = 'verified_identity'"
)


def test_a_backends_identity_is_one_row_written_over_in_place(app_conn, owner, cast):
    token = session_for(owner, cast.alice)
    with app_conn.transaction():
        assert authenticate(app_conn, token) == cast.alice
        before = app_conn.execute(WRITES).fetchone()
        for _ in range(3):
            assert authenticate(app_conn, token) == cast.alice
        after = app_conn.execute(WRITES).fetchone()
    # three more proofs: three updates of the row, on its page; nothing deleted or added
    assert {k: after[k] - before[k] for k in after} == {"ins": 0, "upd": 3, "del": 0, "hot": 3}
    pid = app_conn.info.backend_pid
    rows = owner.execute(
        "SELECT count(*) AS n FROM hms_private.verified_identity WHERE backend_pid = %s", [pid]
    )
    assert rows.fetchone()["n"] == 1


def test_a_failed_proof_after_a_good_one_in_the_same_transaction_leaves_nobody(
    app_conn, owner, cast, greta_journal
):
    alice = session_for(owner, cast.alice)
    for failed in ("", "no-such-token-" + "x" * 40):
        with app_conn.transaction():
            assert authenticate(app_conn, alice) == cast.alice
            assert journal_rows(app_conn, cast.greta_patient)["notes"] == 1
            assert authenticate(app_conn, failed) is None
            assert app_conn.execute("SELECT hms_current_user_id() AS u").fetchone()["u"] is None
            assert journal_rows(app_conn, cast.greta_patient) == NOTHING


def test_an_expired_session_after_a_good_one_in_the_same_transaction_leaves_nobody(
    app_conn, owner, cast, greta_journal
):
    alice, expired = session_for(owner, cast.alice), session_for(owner, cast.alice)
    owner.execute(
        "UPDATE user_session SET last_seen_at = now() - interval '2 hours' "
        "WHERE token_hash = sha256(convert_to(%s, 'UTF8'))",
        [expired],
    )
    with app_conn.transaction():
        assert authenticate(app_conn, alice) == cast.alice
        assert authenticate(app_conn, expired) is None
        assert app_conn.execute("SELECT hms_current_role() AS r").fetchone()["r"] is None
        assert journal_rows(app_conn, cast.greta_patient) == NOTHING
