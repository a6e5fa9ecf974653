"""The referral tests: Dr Alice on the medical ward refers Greta, in her
ward's care, to the surgical ward, where Dr Charlie works; Dr Diana works on
the orthopaedic ward, a third unit nobody refers to; Nurse Bob is on the
medical ward. Each person has their own browser (tests/consultations)."""

import pytest

from tests import cast as cast_module
from tests.consultations.conftest import Browser, browser  # noqa: F401
from tests.journal import given

QUESTION = "Gallstones with recurring pain: is a cholecystectomy advisable?"


@pytest.fixture()
def diagnoses(owner, cast) -> dict[str, int]:
    """Greta's gallstones and her hypertension, both recorded on the medical ward."""
    return {
        "gallstones": given.clinical(owner, cast, "diagnosis", code="K80.2"),
        "hypertension": given.clinical(owner, cast, "diagnosis", code="I10", rank="secondary"),
    }


@pytest.fixture()
def diana(owner, cast) -> int:
    """Dr Diana, a doctor of the orthopaedic ward (a third unit)."""
    dept = owner.execute(
        "INSERT INTO department (code, name) VALUES ('ORT', 'Orthopaedics') RETURNING id"
    ).fetchone()["id"]
    unit = owner.execute(
        "INSERT INTO care_unit (department_id, code, name, kind) "
        "VALUES (%s, 'ORT', 'Orthopaedic ward', 'inpatient') RETURNING id",
        [dept],
    ).fetchone()["id"]
    user = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES ('diana', %s, 'doctor', 'Dr Diana Dahl') RETURNING id",
        [cast_module.password_hash()],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO staff_profile (user_id, role, profession, licence_number) "
        "VALUES (%s, 'doctor', 'Physician', 'DOC-1003')",
        [user],
    )
    owner.execute("INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [user, unit])
    cast.ids["unit_ort"] = unit
    cast.ids["diana"] = user
    return user


SEND = "SELECT referral_send(%s, %s, %s, %s::referral_urgency, %s, %s::bigint[]) AS id"


def send(acting_as, cast, diagnosis_ids: list[int] | None = None, **over) -> int:
    """Alice refers Greta from the medical to the surgical ward, with raw SQL as the app role."""
    args = {
        "patient": cast.greta_patient,
        "from_unit": cast.unit_med,
        "to_unit": cast.unit_surg,
        "urgency": "urgent",
        "question": QUESTION,
        "diagnoses": diagnosis_ids or [],
    }
    args |= over
    by = over.pop("by", cast.alice) if "by" in over else cast.alice
    args.pop("by", None)
    return acting_as(by).execute(SEND, list(args.values())).fetchone()["id"]


def refer_through_the_form(alice: Browser, cast, diagnosis_ids: list[int], **fields) -> int:
    data = {
        "from_unit_id": cast.unit_med,
        "to_unit_id": cast.unit_surg,
        "urgency": "urgent",
        "question": QUESTION,
        "diagnosis_ids": diagnosis_ids,
        **fields,
    }
    response = alice.post(f"/patients/{cast.greta_patient}/referrals/new", data)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[2].split("?")[0])
