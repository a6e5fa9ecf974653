"""Red team, round four: the name search's vocabulary that follows the names
(0044), the reports' splits (0043, 0045, 0046) and the app behind a load
balancer, attacked with raw SQL as hms_app and through the app. Each test is
an attack; it passes when the attack fails, and a strict xfail marks one that
succeeds today."""

import httpx
import psycopg
import pytest

from tests.conftest import login
from tests.patients.registry import add_patient
from tests.reports.conftest import D, at, head_of_medicine, history  # noqa: F401  (the history and its fixtures)


def _rename_in_one_snapshot(conn, patient: int) -> None:
    """Protected identity and a new name, in a REPEATABLE READ transaction:
    the isolation any client of hms_app may ask for."""
    conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    conn.execute(
        "UPDATE patient SET protected_identity = true, family_name = 'Berg' WHERE id = %s", [patient]
    )


def test_a_former_name_is_not_left_for_an_error_to_read(owner, acting_as, cast):
    """Siv Zetterqvist is to be given protected identity and a new name. A
    rename in one snapshot (REPEATABLE READ, any client's to ask for) would
    leave 'zetterqvist' in patient_name_word for the pruning, hidden only by
    the search view's EXISTS, which a caller's condition runs before: the
    database refuses it (0047). Renamed at READ COMMITTED, the word goes in
    the rename's transaction, and Rita at reception, asking the view with a
    condition that fails on that word only, gets no error."""
    patient = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    adam = acting_as(cast.adam)
    with pytest.raises(psycopg.Error, match="READ COMMITTED only") as refused:
        _rename_in_one_snapshot(adam, patient)
    assert refused.value.sqlstate == "HM292"
    acting_as(cast.adam).execute(
        "UPDATE patient SET protected_identity = true, family_name = 'Berg' WHERE id = %s", [patient]
    )
    rita = acting_as(cast.rita)
    probe = "SELECT word FROM patient_search_word WHERE CASE WHEN word = %s THEN word::integer ELSE 0 END = 1"
    assert rita.execute(probe, ["never-registered"]).fetchall() == []
    # The attack: an error here tells that Zetterqvist was once registered.
    assert rita.execute(probe, ["zetterqvist"]).fetchall() == []


def _session_address(app, peer: str, headers: list[tuple[str, str]], owner) -> str | None:
    """Log Rita in through a connection from ``peer`` carrying ``headers``
    (repeated names kept apart); the address her new session was given."""
    from starlette.testclient import TestClient

    with TestClient(app, client=(peer, 50000), headers=httpx.Headers(headers)) as client:
        login(client, "rita")
    return owner.execute(
        "SELECT host(s.client_addr) AS addr FROM user_session AS s JOIN app_user AS u ON u.id = s.user_id"
        " WHERE u.username = 'rita' ORDER BY s.created_at DESC LIMIT 1"
    ).fetchone()["addr"]


SPOOFED = [
    ("X-Forwarded-For", "203.0.113.7"),
    ("X-Forwarded-For", "198.51.100.1, 203.0.113.7"),
    ("X-Real-IP", "203.0.113.7"),
    ("Forwarded", "for=203.0.113.7;proto=https"),
    ("True-Client-IP", "203.0.113.7"),
]


def test_a_client_that_is_no_trusted_balancer_cannot_name_its_own_address(settings, database, cast, owner):
    """A workstation (192.0.2.50) talks to the app directly, with every header
    a balancer might set, each naming another address, some twice: its
    session carries its own address, whether the app trusts a balancer or none."""
    from hms.app import create_app

    for trusted in ("10.0.0.1, 10.9.0.0/16", ""):
        app = create_app(settings.model_copy(update={"trusted_proxies": trusted}), database=database)
        assert _session_address(app, "192.0.2.50", SPOOFED, owner) == "192.0.2.50"


@pytest.mark.parametrize(
    "sent",
    [
        # the client names an outside address, then the balancer itself
        [("X-Forwarded-For", "198.51.100.1, 10.0.0.1, 203.0.113.7")],
        # the client's own header, the balancer's as a second one
        [("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-For", "203.0.113.7")],
        # a name that is no address, before the balancer's
        [("X-Forwarded-For", "evil.example, 203.0.113.7")],
    ],
)
def test_behind_the_balancer_a_client_cannot_choose_the_address_recorded(
    settings, database, cast, owner, sent
):
    """The balancer (10.0.0.1) appends the address it was connected from,
    203.0.113.7, to whatever X-Forwarded-For the client sent. Whatever the
    client put before it, the session is the balancer's last word: uvicorn
    reads the chain from the right and stops at the first untrusted address."""
    from hms.app import create_app

    app = create_app(settings.model_copy(update={"trusted_proxies": "10.0.0.1"}), database=database)
    assert _session_address(app, "10.0.0.1", sent, owner) == "203.0.113.7"


def test_a_withheld_months_discharges_are_not_pinned_by_its_readmissions(
    owner,
    cast,
    acting_as,
    history,  # noqa: F811
    head_of_medicine,  # noqa: F811
):
    """In March the medical unit discharges six: five on D+2 (shown) and one
    on D+1 (suppressed), so the month is withheld (0041). Patients 2 to 6
    come back to surgery on D+10, so all six are readmitted. The head reads
    readmissions 6: discharges less readmissions is then 0 or at least 5,
    and, by the rule 0041 reckons with (one suppressed day of 1 to 4 beside
    the shown 5), the month is 6 to 9: so 6, and the suppressed day is 1."""
    for patient in history.patients[1:]:
        owner.execute(
            "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, created_by) "
            "VALUES (%s, %s, 'admission', 'Kolecystit', %s, %s)",
            [patient, cast.unit_surg, at(10, 8), cast.charlie],
        )
    owner.execute("SELECT report_refresh()")
    head = acting_as(cast.alice)
    month = head.execute(
        "SELECT discharges, readmissions FROM report_flow_unit_month WHERE care_unit_id = %s AND month = %s",
        [cast.unit_med, D.date().replace(day=1)],
    ).fetchone()
    assert month["discharges"] is None
    days = head.execute(
        "SELECT day, discharged FROM report_flow_ward_day WHERE care_unit_id = %s AND date_trunc('month', day) = %s",
        [cast.unit_med, D.date().replace(day=1)],
    ).fetchall()
    shown = sum(r["discharged"] for r in days if r["discharged"] is not None)
    assert shown == 5
    readmitted = month["readmissions"]
    # One suppressed day (1 to 4) beside the shown: the month is 6 to 9.
    possible = [t for t in range(shown + 1, shown + 5) if readmitted is None or not 1 <= t - readmitted <= 4]
    possible = [t for t in possible if readmitted is None or t >= readmitted]
    assert len(possible) > 1, f"the month is {possible}: the suppressed day is {possible[0] - shown}"
