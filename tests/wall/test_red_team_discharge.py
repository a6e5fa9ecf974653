"""Attacks on the discharge summary (epikris) by someone who holds the app
role's credentials and types plain SQL, acting through a real verified
session of one of the cast. An admission ends only once a signed discharge
summary of that very encounter exists (not a draft, not one marked in error,
not another stay's), however the discharge is written; and only a doctor
signs a discharge summary. Other encounters close as they always did."""

from tests.db.expect import refused
from tests.journal import given

DISCHARGE = "SELECT encounter_discharge(%s, %s)"


def _in_bed(owner, cast) -> bool:
    row = owner.execute("SELECT patient_id FROM bed_status WHERE bed_id = %s", [cast.bed_a]).fetchone()
    return row["patient_id"] == cast.greta_patient


def test_an_admission_is_not_discharged_without_a_discharge_summary(acting_as, owner, cast):
    alice = acting_as(cast.alice, "doctor")
    encounter = given.admit(alice, cast)
    refused(
        alice,
        DISCHARGE,
        [encounter, cast.alice],
        constraint="encounter_discharge_has_summary",
        sqlstate="HM290",
    )
    assert _in_bed(owner, cast)
    assert given.value(owner, "SELECT ended_at FROM encounter WHERE id = %s", [encounter]) is None


def test_a_draft_summary_is_not_enough(acting_as, owner, cast):
    alice = acting_as(cast.alice, "doctor")
    encounter = given.admit(alice, cast)
    given.discharge_summary(alice, cast, encounter, sign_it=False)
    refused(alice, DISCHARGE, [encounter, cast.alice], sqlstate="HM290")
    assert _in_bed(owner, cast)


def test_a_summary_marked_entered_in_error_is_not_enough(acting_as, owner, cast):
    alice = acting_as(cast.alice, "doctor")
    encounter = given.admit(alice, cast)
    note_id, _ = given.discharge_summary(alice, cast, encounter)
    alice.execute("SELECT note_mark_in_error(%s, %s, 'Written for the wrong patient')", [note_id, cast.alice])
    refused(alice, DISCHARGE, [encounter, cast.alice], sqlstate="HM290")
    assert _in_bed(owner, cast)


def test_another_stays_summary_or_an_unlinked_one_does_not_count(acting_as, owner, cast):
    alice = acting_as(cast.alice, "doctor")
    earlier = given.admit(alice, cast, bed=cast.bed_a)
    given.discharge(alice, cast, earlier)
    encounter = given.admit(alice, cast, bed=cast.bed_a)
    # a signed discharge summary that names no encounter
    given.signed_note(alice, cast, kind="discharge_summary")
    refused(alice, DISCHARGE, [encounter, cast.alice], sqlstate="HM290")
    assert _in_bed(owner, cast)


def test_a_nurse_cannot_sign_a_discharge_summary_by_function_or_by_update(acting_as, cast):
    bob = acting_as(cast.bob, "nurse")
    alice = acting_as(cast.alice, "doctor")
    encounter = given.admit(alice, cast)
    _, version = given.discharge_summary(bob, cast, encounter, author=cast.bob, sign_it=False)
    refused(
        bob,
        "SELECT note_sign(%s, %s)",
        [version, cast.bob],
        constraint="discharge_summary_signed_by_doctor",
        sqlstate="HM291",
    )
    refused(
        bob,
        "UPDATE note_version SET status = 'signed', signed_at = now() WHERE id = %s",
        [version],
        sqlstate="HM291",
    )
    # and so the nurse's draft does not discharge the patient either
    refused(bob, DISCHARGE, [encounter, cast.bob], sqlstate="HM290")


def test_a_nurse_still_signs_her_own_nursing_notes_and_closes_a_visit(acting_as, owner, cast):
    bob = acting_as(cast.bob, "nurse")
    given.signed_note(bob, cast, author=cast.bob, kind="nursing")
    visit = given.visit(acting_as(cast.alice, "doctor"), cast)
    bob.execute("SELECT encounter_close(%s, %s)", [visit, cast.bob])
    assert given.value(owner, "SELECT ended_at FROM encounter WHERE id = %s", [visit]) is not None


def test_with_the_doctors_signed_summary_the_discharge_goes_through(acting_as, owner, cast):
    alice = acting_as(cast.alice, "doctor")
    encounter = given.admit(alice, cast)
    given.discharge_summary(alice, cast, encounter)
    alice.execute(DISCHARGE, [encounter, cast.alice])
    assert not _in_bed(owner, cast)
    assert given.value(owner, "SELECT ended_at FROM encounter WHERE id = %s", [encounter]) is not None


def test_a_summary_cannot_be_signed_in_the_doctors_name(acting_as, cast):
    bob = acting_as(cast.bob, "nurse")
    alice = acting_as(cast.alice, "doctor")
    encounter = given.admit(alice, cast)
    _, version = given.discharge_summary(alice, cast, encounter, sign_it=False)
    refused(bob, "SELECT note_sign(%s, %s)", [version, cast.alice], sqlstate="HM042")
