"""The messages area of the access decision (0024): who may write to a
patient's care and read what was written on the patient's side. Asked with
plain SQL as the app role, through real sessions of the cast."""

from datetime import datetime, timedelta

import pytest

from hms.core.clock import LOCAL_TZ


def basis(conn, patient: int, area: str = "messages"):
    return conn.execute("SELECT hms_access_basis(%s, %s) AS b", [patient, area]).fetchone()["b"]


def grant(owner, cast, scopes: list[str], **extra) -> None:
    columns = ["patient_id", "relative_user_id", "scopes", "granted_by", *extra]
    owner.execute(
        f"INSERT INTO proxy_grant ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
        [cast.greta_patient, cast.sven, scopes, cast.greta, *extra.values()],
    )


def test_the_patient_speaks_for_herself(acting_as, cast):
    assert basis(acting_as(cast.greta), cast.greta_patient) == "own"


def test_clinicians_with_the_patient_in_care_and_nobody_else_by_role(acting_as, cast):
    assert basis(acting_as(cast.alice), cast.greta_patient) == "care"
    assert basis(acting_as(cast.charlie), cast.greta_patient) is None
    # Reception and pharmacy have no basis on the patient here; a request
    # addressed to their unit reaches them by that unit, per row.
    assert basis(acting_as(cast.rita), cast.greta_patient) is None


def test_a_relative_with_the_messages_scope_speaks_for_the_patient(acting_as, owner, cast):
    grant(owner, cast, ["messages"])
    assert basis(acting_as(cast.sven), cast.greta_patient) == "proxy"


@pytest.mark.parametrize("kind", ["no grant", "record scope only", "expired", "not yet begun", "revoked"])
def test_a_relative_without_a_grant_in_force_for_messages_has_none(acting_as, owner, cast, kind):
    today = datetime.now(LOCAL_TZ).date()
    if kind == "record scope only":
        grant(owner, cast, ["record", "appointments", "medication"])
    elif kind == "expired":
        grant(
            owner, cast, ["messages"], starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1)
        )
    elif kind == "not yet begun":
        grant(owner, cast, ["messages"], starts_on=today + timedelta(days=1))
    elif kind == "revoked":
        grant(owner, cast, ["messages", "record"])
        owner.execute("UPDATE proxy_grant SET revoked_at = now()")
    assert basis(acting_as(cast.sven), cast.greta_patient) is None


def test_the_other_areas_are_unchanged_for_a_relative_with_messages_only(acting_as, owner, cast):
    grant(owner, cast, ["messages"])
    sven = acting_as(cast.sven)
    assert basis(sven, cast.greta_patient, "clinical") is None
    assert basis(sven, cast.greta_patient, "medication") is None
    assert basis(sven, cast.greta_patient, "appointments") is None
