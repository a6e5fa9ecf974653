"""For any set of bookings, cancellations and moves, no two active
appointments of a clinician overlap, and the free-slot search never offers a
time that is taken."""

from datetime import timedelta

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scheduling.conftest import at

DAY = 2
# (patient index, type, clinician, minutes after 08:00 in steps of 5, cancel it, move it by minutes)
ACTIONS = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.sampled_from(["visit", "procedure"]),
        st.sampled_from(["alice", "bob"]),
        st.integers(0, 100).map(lambda n: n * 5),
        st.booleans(),
        st.sampled_from([None, -30, 15, 45]),
    ),
    min_size=1,
    max_size=25,
)


def forget_bookings(owner) -> None:
    with owner.transaction():
        for table in ("mail_outbox", "patient_notice", "appointment_event", "waitlist_offer", "appointment"):
            owner.execute(f"DELETE FROM {table}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_no_overlaps_and_no_taken_time_offered(app_as, owner, cast, clinic, property_patients, actions):
    forget_bookings(owner)
    rita = app_as(cast.rita)
    start_of_day = at(DAY, 8)
    for patient, kind, who, minutes, cancel, move in actions:
        try:
            booked = rita.execute(
                "SELECT appointment_book(%s, %s, %s, %s) AS id",
                [
                    property_patients[patient],
                    getattr(clinic, kind),
                    getattr(cast, who),
                    start_of_day + timedelta(minutes=minutes),
                ],
            ).fetchone()["id"]
        except psycopg.Error as exc:
            assert exc.sqlstate in ("HM091", "HM092"), exc
            continue
        try:
            if move is not None:
                rita.execute(
                    "SELECT appointment_move(%s, %s)",
                    [booked, start_of_day + timedelta(minutes=minutes + move)],
                )
            if cancel:
                rita.execute("SELECT appointment_cancel(%s, 'Property test')", [booked])
        except psycopg.Error as exc:
            assert exc.sqlstate in ("HM091", "HM092"), exc

    overlapping = owner.execute(
        "SELECT count(*) AS n FROM appointment AS a JOIN appointment AS b "
        "ON a.clinician_id = b.clinician_id AND a.id < b.id AND a.during && b.during "
        "WHERE a.status IN ('booked', 'offered', 'arrived') AND b.status IN ('booked', 'offered', 'arrived')"
    ).fetchone()["n"]
    assert overlapping == 0
    for kind in ("visit", "procedure"):
        offered_but_taken = rita.execute(
            "SELECT count(*) AS n FROM appointment_free_slots(%s, %s, %s, NULL, 1000) AS s "
            "WHERE EXISTS (SELECT 1 FROM appointment AS a WHERE a.clinician_id = s.clinician_id "
            "AND a.status IN ('booked', 'offered', 'arrived') AND a.during && tstzrange(s.starts_at, s.ends_at))",
            [getattr(clinic, kind), at(DAY, 0), at(DAY + 1, 0)],
        ).fetchone()["n"]
        assert offered_but_taken == 0
        # and every time it offers can then be booked
        free = rita.execute(
            "SELECT clinician_id, starts_at FROM appointment_free_slots(%s, %s, %s, NULL, 3)",
            [getattr(clinic, kind), at(DAY, 0), at(DAY + 1, 0)],
        ).fetchall()
        for slot in free[:1]:
            rita.execute(
                "SELECT appointment_book(%s, %s, %s, %s)",
                [property_patients[6], getattr(clinic, kind), slot["clinician_id"], slot["starts_at"]],
            )
            rita.execute(
                "SELECT appointment_cancel(id, 'Property test') FROM appointment WHERE patient_id = %s "
                "AND status = 'booked'",
                [property_patients[6]],
            )
