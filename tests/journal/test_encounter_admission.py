"""Encounters and admissions: a patient lies in one bed, a bed holds one
patient, and admit/discharge move both at once."""

from tests.journal import given
from tests.journal.refusal import refused


def encounter_count(conn) -> int:
    return conn.execute("SELECT count(*) AS n FROM encounter").fetchone()["n"]


def occupant(conn, bed: int):
    return conn.execute("SELECT patient_id FROM bed_status WHERE bed_id = %s", [bed]).fetchone()["patient_id"]


def test_encounter_reason_must_be_1_to_500_characters(dr_alice, cast):
    for reason in ("", "   ", "x" * 501):
        with refused("23514", "encounter_reason_length"):
            dr_alice.execute(
                "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by) "
                "VALUES (%s, %s, 'outpatient', %s, %s)",
                [cast.greta_patient, cast.unit_med, reason, cast.alice],
            )
    given.visit(dr_alice, cast)  # 'Follow-up of hypertension' is fine


def test_encounter_cannot_end_before_it_started(dr_alice, cast):
    with refused("23514", "encounter_period_ordered"):
        dr_alice.execute(
            "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by, started_at, ended_at) "
            "VALUES (%s, %s, 'outpatient', 'Check-up', %s, '2024-03-02T10:00Z', '2024-03-02T09:59Z')",
            [cast.greta_patient, cast.unit_med, cast.alice],
        )


def test_encounter_end_cannot_be_moved_before_its_start_later(dr_alice, cast):
    encounter = given.visit(dr_alice, cast)
    with refused("23514", "encounter_period_ordered"):
        dr_alice.execute(
            "UPDATE encounter SET ended_at = started_at - interval '1 minute' WHERE id = %s", [encounter]
        )


def test_admission_opens_an_encounter_and_puts_the_patient_in_the_bed(dr_alice, cast):
    encounter = given.admit(dr_alice, cast)

    row = dr_alice.execute(
        "SELECT kind, ended_at, patient_id FROM encounter WHERE id = %s", [encounter]
    ).fetchone()
    assert row == {"kind": "admission", "ended_at": None, "patient_id": cast.greta_patient}
    status = dr_alice.execute("SELECT * FROM bed_status WHERE bed_id = %s", [cast.bed_a]).fetchone()
    assert status["patient_id"] == cast.greta_patient
    assert status["encounter_id"] == encounter
    assert occupant(dr_alice, cast.bed_b) is None


def test_second_admission_to_an_occupied_bed_is_refused_and_leaves_no_encounter(dr_alice, cast, asa):
    given.admit(dr_alice, cast, bed=cast.bed_a)

    with dr_alice.transaction():
        with refused("HM010"):
            with dr_alice.transaction():  # a savepoint: the outer transaction goes on
                given.admit(dr_alice, cast, patient=asa, bed=cast.bed_a)
        assert encounter_count(dr_alice) == 1
    assert encounter_count(dr_alice) == 1
    assert occupant(dr_alice, cast.bed_a) == cast.greta_patient


def test_patient_cannot_lie_in_two_beds_at_once(dr_alice, cast):
    given.admit(dr_alice, cast, bed=cast.bed_a)

    with refused("HM013"):
        given.admit(dr_alice, cast, bed=cast.bed_b)
    assert encounter_count(dr_alice) == 1
    assert occupant(dr_alice, cast.bed_b) is None


def test_bed_of_another_care_unit_is_refused(dr_alice, cast):
    with refused("HM012"):
        given.admit(dr_alice, cast, unit=cast.unit_surg, bed=cast.bed_a)
    assert encounter_count(dr_alice) == 0


def test_inactive_bed_is_refused(dr_alice, owner, cast):
    owner.execute("UPDATE bed SET is_active = false WHERE id = %s", [cast.bed_a])
    with refused("HM012"):
        given.admit(dr_alice, cast, bed=cast.bed_a)
    assert encounter_count(dr_alice) == 0


def test_bed_on_a_closed_ward_is_refused(dr_alice, owner, cast):
    owner.execute("UPDATE ward SET is_active = false WHERE id = %s", [cast.ward_med])
    with refused("HM012"):
        given.admit(dr_alice, cast, bed=cast.bed_a)


def test_unknown_bed_is_refused(dr_alice, cast):
    with refused("HM012"):
        given.admit(dr_alice, cast, bed=999_999)


def test_discharge_frees_the_bed_for_the_next_patient(dr_alice, cast, asa):
    encounter = given.admit(dr_alice, cast, bed=cast.bed_a)

    given.discharge(dr_alice, cast, encounter)

    assert occupant(dr_alice, cast.bed_a) is None
    ended = dr_alice.execute("SELECT ended_at FROM encounter WHERE id = %s", [encounter]).fetchone()[
        "ended_at"
    ]
    assert ended is not None
    stay = dr_alice.execute(
        "SELECT upper(during) AS until FROM bed_occupancy WHERE encounter_id = %s", [encounter]
    ).fetchone()
    assert stay["until"] == ended
    given.admit(dr_alice, cast, patient=asa, bed=cast.bed_a)
    assert occupant(dr_alice, cast.bed_a) == asa


def test_discharged_patient_can_be_admitted_again(dr_alice, cast):
    first = given.admit(dr_alice, cast, bed=cast.bed_a)
    given.discharge(dr_alice, cast, first)

    second = given.admit(dr_alice, cast, bed=cast.bed_b)

    assert second != first
    assert occupant(dr_alice, cast.bed_b) == cast.greta_patient


def test_discharging_an_encounter_without_a_bed_is_refused(dr_alice, cast):
    encounter = given.visit(dr_alice, cast)
    with refused("HM011"):
        dr_alice.execute("SELECT encounter_discharge(%s, %s)", [encounter, cast.alice])
    assert (
        dr_alice.execute("SELECT ended_at FROM encounter WHERE id = %s", [encounter]).fetchone()["ended_at"]
        is None
    )


def test_discharging_twice_is_refused(dr_alice, cast):
    encounter = given.admit(dr_alice, cast)
    given.discharge(dr_alice, cast, encounter)
    with refused("HM014"):
        dr_alice.execute("SELECT encounter_discharge(%s, %s)", [encounter, cast.alice])


def test_closing_an_admission_that_holds_a_bed_is_refused(dr_alice, cast):
    encounter = given.admit(dr_alice, cast)
    with refused("HM015"):
        dr_alice.execute("SELECT encounter_close(%s, %s)", [encounter, cast.alice])
    assert occupant(dr_alice, cast.bed_a) == cast.greta_patient


def test_a_visit_is_closed_once(dr_alice, cast):
    encounter = given.visit(dr_alice, cast)
    dr_alice.execute("SELECT encounter_close(%s, %s)", [encounter, cast.alice])
    assert dr_alice.execute("SELECT ended_at FROM encounter WHERE id = %s", [encounter]).fetchone()[
        "ended_at"
    ]
    with refused("HM014"):
        dr_alice.execute("SELECT encounter_close(%s, %s)", [encounter, cast.alice])


def test_admission_backdated_into_a_previous_stay_is_refused(dr_alice, cast, asa):
    first = given.admit(dr_alice, cast, at="2024-03-01T08:00Z")
    given.discharge(dr_alice, cast, first, at="2024-03-05T12:00Z")

    with refused("HM010"):
        given.admit(dr_alice, cast, patient=asa, at="2024-03-04T08:00Z")
    given.admit(
        dr_alice, cast, patient=asa, at="2024-03-05T12:00Z"
    )  # ranges are [start, end): touching is fine


def test_discharge_at_the_admission_instant_keeps_when_the_stay_began(dr_alice, cast):
    encounter = given.admit(dr_alice, cast, at="2024-03-01T08:00Z")

    try:
        given.discharge(dr_alice, cast, encounter, at="2024-03-01T08:00Z")
    except Exception as error:  # refusing is a fix too
        assert getattr(error, "sqlstate", "").startswith("HM")
        return
    stay = dr_alice.execute(
        "SELECT isempty(during) AS empty, lower(during) AS since FROM bed_occupancy WHERE encounter_id = %s",
        [encounter],
    ).fetchone()
    assert stay["empty"] is False
    assert stay["since"] is not None
