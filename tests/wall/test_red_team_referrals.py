"""Attacks on referrals by someone who holds the app role's credentials and
types plain SQL, acting through a real verified session of one of the cast.

The scene (tests/referrals): Greta is in the medical ward's care; Dr Alice
there refers her to the surgical ward, where Dr Charlie works; Dr Diana works
on a third unit; Nurse Bob on the medical ward. Every test is an attack the
database refuses, or a read it answers with nothing."""

import pytest

from tests.journal import given
from tests.journal.refusal import refused
from tests.referrals import conftest as referrals
from tests.referrals.conftest import QUESTION, send

ACCEPT = "SELECT referral_accept(%s) AS care"
REJECT = "SELECT referral_reject(%s, %s)"
WITHDRAW = "SELECT referral_withdraw(%s, %s)"
# The referral tests' fixtures, used here too.
diagnoses = referrals.diagnoses
diana = referrals.diana


def basis(conn, patient: int, area: str = "clinical"):
    return conn.execute("SELECT hms_access_basis(%s, %s) AS b", [patient, area]).fetchone()["b"]


def count(conn, query: str, params=None) -> int:
    return conn.execute(f"SELECT count(*) AS n FROM ({query}) AS q", params).fetchone()["n"]  # noqa: S608


# --- Sending -------------------------------------------------------------------


def test_a_nurse_cannot_refer(acting_as, owner, cast):
    with refused("HM251", "referral_by_doctor"):
        send(acting_as, cast, by=cast.bob)
    assert count(owner, "SELECT 1 FROM referral") == 0


def test_a_doctor_cannot_refer_a_patient_not_in_their_care(acting_as, owner, cast):
    # Charlie (surgery) has no care relationship with Greta
    with refused("HM252", "referral_patient_in_care"):
        send(acting_as, cast, by=cast.charlie, from_unit=cast.unit_surg, to_unit=cast.unit_med)
    assert count(owner, "SELECT 1 FROM referral") == 0


def test_a_doctor_refers_only_from_their_own_unit(acting_as, cast):
    with refused("HM251", "referral_from_own_unit"):
        send(acting_as, cast, from_unit=cast.unit_surg, to_unit=cast.unit_med)


def test_a_referral_names_only_the_patients_own_diagnoses(acting_as, owner, cast, diagnoses):
    # Given Åsa, another patient, with a diagnosis of her own
    asa = given.patient(owner)
    hers = given.clinical(owner, cast, "diagnosis", patient_id=asa, code="I10")
    # when Alice names it in Greta's referral, the function refuses
    with refused("HM254", "referral_diagnosis_same_patient_fk"):
        send(acting_as, cast, diagnosis_ids=[diagnoses["gallstones"], hers])
    # and even the owner cannot attach it: the composite key names the patient
    referral = send(acting_as, cast, diagnosis_ids=[diagnoses["gallstones"]])
    with refused("23503", "referral_diagnosis_same_patient_fk"):
        owner.execute(
            "INSERT INTO referral_diagnosis (referral_id, patient_id, diagnosis_id, code) VALUES (%s, %s, %s, 'I10')",
            [referral, cast.greta_patient, hers],
        )
    with refused("23503", "referral_diagnosis_referral_fk"):
        owner.execute(
            "INSERT INTO referral_diagnosis (referral_id, patient_id, diagnosis_id, code) VALUES (%s, %s, %s, 'I10')",
            [referral, asa, hers],
        )


def test_a_blocked_units_diagnosis_cannot_be_passed_on(acting_as, owner, cast, diagnoses):
    # Given Greta also in surgery's care and a diagnosis from the medical ward she blocked
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Inför operation', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )
    owner.execute(
        "INSERT INTO journal_block (patient_id, care_unit_id, created_by) VALUES (%s, %s, %s)",
        [cast.greta_patient, cast.unit_med, cast.greta],
    )
    # when Charlie names that diagnosis in a referral to the medical ward, it is refused
    with refused("HM254", "referral_diagnosis_same_patient_fk"):
        send(
            acting_as,
            cast,
            by=cast.charlie,
            from_unit=cast.unit_surg,
            to_unit=cast.unit_med,
            diagnoses=[diagnoses["gallstones"]],
        )


def test_the_app_role_writes_no_referral_itself(acting_as, cast, diagnoses):
    alice = acting_as(cast.alice)
    with refused("42501"):
        alice.execute(
            "INSERT INTO referral (patient_id, from_unit_id, to_unit_id, sent_by, urgency, question) "
            "VALUES (%s, %s, %s, %s, 'routine', %s)",
            [cast.greta_patient, cast.unit_med, cast.unit_surg, cast.alice, QUESTION],
        )
    referral = send(acting_as, cast)
    with refused("42501"):
        alice.execute(
            "INSERT INTO referral_diagnosis (referral_id, patient_id, diagnosis_id, code) VALUES (%s, %s, %s, 'K80.2')",
            [referral, cast.greta_patient, diagnoses["gallstones"]],
        )
    charlie = acting_as(cast.charlie)
    with refused("42501"):
        charlie.execute(
            "UPDATE referral SET status = 'accepted', decided_by = %s, decided_at = now() WHERE id = %s",
            [cast.charlie, referral],
        )


def test_one_referral_of_a_patient_waits_at_one_unit_at_a_time(acting_as, cast):
    send(acting_as, cast)
    with refused("23505", "referral_one_open_per_unit"):
        send(acting_as, cast)


# --- Reading before the answer --------------------------------------------------


def test_the_receiving_doctor_sees_the_referral_and_identity_but_not_the_record(
    acting_as, owner, cast, diagnoses
):
    given.signed_note(owner, cast)
    referral = send(acting_as, cast, diagnosis_ids=[diagnoses["gallstones"]])
    charlie = acting_as(cast.charlie)
    # the referral, the diagnosis it names (its code as sent) and Greta's name
    row = charlie.execute(
        "SELECT r.id, p.family_name FROM referral AS r JOIN patient AS p ON p.id = r.patient_id WHERE r.id = %s",
        [referral],
    ).fetchall()
    assert row == [{"id": referral, "family_name": "Gustafsson"}]
    codes = charlie.execute(
        "SELECT code FROM referral_diagnosis WHERE referral_id = %s", [referral]
    ).fetchall()
    assert codes == [{"code": "K80.2"}]
    # but nothing of her record
    assert basis(charlie, cast.greta_patient) is None
    for table in ("diagnosis", "note", "note_version", "allergy", "encounter"):
        assert count(charlie, f"SELECT 1 FROM {table} WHERE patient_id = %s", [cast.greta_patient]) == 0, (
            table
        )  # noqa: S608


def test_a_doctor_of_another_unit_reads_no_referral(acting_as, cast, diagnoses, diana):
    send(acting_as, cast, diagnosis_ids=[diagnoses["gallstones"]])
    for who in (cast.diana, cast.bob, cast.rita, cast.petra, cast.erik, cast.greta):
        conn = acting_as(who)
        assert count(conn, "SELECT 1 FROM referral") == 0, who
        assert count(conn, "SELECT 1 FROM referral_diagnosis") == 0, who


# --- Deciding ---------------------------------------------------------------------


def test_a_doctor_of_another_unit_cannot_accept(acting_as, owner, cast, diana):
    referral = send(acting_as, cast)
    for who in (cast.diana, cast.alice, cast.bob):
        with refused("HM255", "referral_decided_by_receiving_unit"):
            acting_as(who).execute(ACCEPT, [referral])
    assert count(owner, "SELECT 1 FROM care_assignment WHERE care_unit_id <> %s", [cast.unit_med]) == 0
    assert basis(acting_as(cast.diana), cast.greta_patient) is None


def test_accepting_puts_the_patient_in_the_units_care_once(acting_as, owner, cast):
    referral = send(acting_as, cast)
    charlie = acting_as(cast.charlie)
    care = charlie.execute(ACCEPT, [referral]).fetchone()["care"]
    row = owner.execute(
        "SELECT status::text, decided_by, care_assignment_id, turnaround IS NOT NULL AS timed FROM referral WHERE id = %s",
        [referral],
    ).fetchone()
    assert row == {
        "status": "accepted",
        "decided_by": cast.charlie,
        "care_assignment_id": care,
        "timed": True,
    }
    assert owner.execute(
        "SELECT patient_id, care_unit_id, created_by FROM care_assignment WHERE id = %s", [care]
    ).fetchone() == {
        "patient_id": cast.greta_patient,
        "care_unit_id": cast.unit_surg,
        "created_by": cast.charlie,
    }
    assert basis(acting_as(cast.charlie), cast.greta_patient) == "care"
    # accepting twice, or rejecting after, is refused, and makes no second care
    with refused("HM256", "referral_moves_once"):
        charlie.execute(ACCEPT, [referral])
    with refused("HM256", "referral_moves_once"):
        charlie.execute(REJECT, [referral, "Changed my mind."])
    with refused("HM256", "referral_moves_once"):
        acting_as(cast.alice).execute(WITHDRAW, [referral, None])
    assert count(owner, "SELECT 1 FROM care_assignment WHERE care_unit_id = %s", [cast.unit_surg]) == 1


def test_rejecting_needs_a_reason(acting_as, owner, cast):
    referral = send(acting_as, cast)
    charlie = acting_as(cast.charlie)
    for reason in (None, "", "   ", "No"):
        with refused("HM257", "referral_rejection_has_reason"):
            charlie.execute(REJECT, [referral, reason])
    charlie.execute(REJECT, [referral, "No surgical indication; treat conservatively."])
    assert owner.execute(
        "SELECT status::text, decided_by FROM referral WHERE id = %s", [referral]
    ).fetchone() == {
        "status": "rejected",
        "decided_by": cast.charlie,
    }
    assert basis(acting_as(cast.charlie), cast.greta_patient) is None


def test_only_the_sender_withdraws_and_only_while_it_waits(acting_as, owner, cast, diana):
    referral = send(acting_as, cast)
    for who in (cast.charlie, cast.diana, cast.bob):
        with refused("HM258", "referral_withdrawn_by_sender"):
            acting_as(who).execute(WITHDRAW, [referral, None])
    acting_as(cast.alice).execute(WITHDRAW, [referral, "Resolved by itself."])
    with refused("HM256", "referral_moves_once"):
        acting_as(cast.charlie).execute(ACCEPT, [referral])
    assert basis(acting_as(cast.charlie), cast.greta_patient) is None
    row = owner.execute(
        "SELECT status::text, decided_by, turnaround FROM referral WHERE id = %s", [referral]
    ).fetchone()
    assert row == {"status": "withdrawn", "decided_by": cast.alice, "turnaround": None}


@pytest.mark.parametrize(
    "change",
    [
        "status = 'sent', decided_by = NULL, decided_at = NULL, care_assignment_id = NULL",
        "status = 'rejected', decision_reason = 'Second thoughts.', care_assignment_id = NULL",
        "question = 'Something else entirely, please.'",
        "to_unit_id = from_unit_id + 0, sent_by = decided_by",
    ],
)
def test_even_the_owner_cannot_rewrite_a_decided_referral(acting_as, owner, cast, change):
    referral = send(acting_as, cast)
    acting_as(cast.charlie).execute(ACCEPT, [referral])
    with refused("HM250", "referral_moves_once"):
        owner.execute(f"UPDATE referral SET {change} WHERE id = %s", [referral])  # noqa: S608
    with refused("HM250", "referral_moves_once"):
        owner.execute("DELETE FROM referral WHERE id = %s", [referral])


def test_even_the_owner_cannot_take_a_diagnosis_off_a_sent_referral(acting_as, owner, cast, diagnoses):
    referral = send(acting_as, cast, diagnosis_ids=[diagnoses["gallstones"]])
    with refused("HM250", "referral_moves_once"):
        owner.execute("DELETE FROM referral_diagnosis WHERE referral_id = %s", [referral])
