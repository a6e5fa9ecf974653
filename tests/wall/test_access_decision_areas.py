"""A clinician's access to a patient's record and medication is one decision.

hms_access_basis remembers a doctor's or a nurse's decision for 'clinical'
and 'medication' at once (0050), because hms_decide_basis answers both by the
same rule and whether every row is visible does not depend on the area. The
first tests hold that premise in every situation a clinician can be in: if
the rule for one area changes, they fail, and the shortcut must go. The last
show what the shortcut gives, and that no other role is given it."""

import pytest

from tests.wall.conftest import journal_rows
from tests.wall.test_red_team_medication import block_surgery


def surgical_emergency(owner, cast) -> None:
    """Dr Charlie (surgery), not in Greta's care, opens emergency access."""
    owner.execute(
        "INSERT INTO emergency_access (user_id, patient_id, reason) VALUES (%s, %s, 'Medvetslös, behöver historik')",
        [cast.charlie, cast.greta_patient],
    )


def basis(acting, patient: int, area: str) -> str | None:
    """The access decision's answer, in the current transaction."""
    return acting.execute("SELECT hms_access_basis(%s, %s) AS b", [patient, area]).fetchone()["b"]


def wholly_visible(acting, area: str) -> list[int]:
    """The patients every row of whose area the current transaction has decided visible."""
    return acting.execute("SELECT hms_wholly_visible(%s) AS p", [area]).fetchone()["p"]


def decided(acting, patient: int, area: str) -> tuple[str | None, bool]:
    """The basis and 'every row visible', decided for one area alone in a transaction."""
    with acting.transaction():
        return basis(acting, patient, area), patient in wholly_visible(acting, area)


@pytest.mark.parametrize("situation", ["plain", "emergency", "block", "emergency and block"])
@pytest.mark.parametrize("clinician", ["alice", "bob", "charlie"])
def test_a_clinicians_record_and_medication_are_decided_alike(
    acting_as, owner, cast, greta_journal, clinician, situation
):
    """Alice (doctor) and Bob (nurse) have Greta in their care on the medical
    ward; Charlie (doctor, surgery) does not."""
    if "emergency" in situation:
        surgical_emergency(owner, cast)
    if "block" in situation:
        block_surgery(owner, cast)
    who = acting_as(cast.ids[clinician])
    assert decided(who, cast.greta_patient, "clinical") == decided(who, cast.greta_patient, "medication")
    user, role = cast.ids[clinician], "nurse" if clinician == "bob" else "doctor"
    rule = owner.execute(
        "SELECT hms_decide_basis(%(u)s, %(r)s, %(p)s, 'clinical') AS c,"
        " hms_decide_basis(%(u)s, %(r)s, %(p)s, 'medication') AS m",
        {"u": user, "r": role, "p": cast.greta_patient},
    ).fetchone()
    assert rule["c"] == rule["m"]


def test_the_charts_decision_lets_its_medication_through_without_a_call_per_row(
    acting_as, cast, greta_journal
):
    # Given Dr Alice, who has Greta in her care
    alice = acting_as(cast.alice)
    with alice.transaction():
        # When the chart's gate decides her access to Greta's record
        assert basis(alice, cast.greta_patient, "clinical") == "care"
        # Then Greta's medication rows are already wholly visible to her, before any is read
        assert wholly_visible(alice, "medication") == [cast.greta_patient]
        assert journal_rows(alice, cast.greta_patient)["diagnoses"] == 1


def test_only_clinicians_have_one_area_decide_the_other(acting_as, cast, greta_journal):
    # Given Petra the pharmacist, who reads every patient's medication
    petra = acting_as(cast.petra)
    with petra.transaction():
        # When her medication access to Greta is decided
        assert basis(petra, cast.greta_patient, "medication") == "role"
        # Then nothing is decided about Greta's record, which she may not read
        assert wholly_visible(petra, "clinical") == []
        assert basis(petra, cast.greta_patient, "clinical") is None
