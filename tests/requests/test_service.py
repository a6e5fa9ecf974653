"""The care request services, called as the pages call them: each write is
all or nothing with its audit row, a refusal of the database comes back as
a message beside its field, and an approval's renewal or amendment is kept
only together with the decision that names it."""

from contextlib import contextmanager

import pytest

from hms.core.context import CurrentUser, RequestContext
from hms.core.errors import Invalid, Refused
from hms.core.roles import Role
from hms.requests import read, service
from hms.requests.forms import AmendForm, ApproveRenewalForm, RequestForm
from tests.requests.conftest import TAKE, file, grant

PEOPLE = {
    "greta": Role.PATIENT,
    "sven": Role.RELATIVE,
    "alice": Role.DOCTOR,
    "bob": Role.NURSE,
    "rita": Role.RECEPTIONIST,
}


@pytest.fixture()
def as_user(acting_as, cast):
    """as_user(username): a context manager giving a RequestContext in one transaction of theirs."""

    @contextmanager
    def open_as(username: str):
        acting = acting_as(cast.ids[username])
        with acting.transaction():
            yield RequestContext(
                conn=acting.conn,
                user=CurrentUser(cast.ids[username], username, PEOPLE[username], username.title(), "en"),
                locale="en",
                csrf_token="x",
                client_addr=None,
            )

    return open_as


def audited(owner, action: str) -> int:
    return owner.execute("SELECT count(*) AS n FROM audit_log WHERE action = %s", [action]).fetchone()["n"]


def test_filing_writes_the_request_and_its_audit_row(as_user, owner, cast):
    with as_user("greta") as ctx:
        data = RequestForm(kind="question", care_unit_id=cast.unit_med, body="May I travel next week?")
        request_id = service.request_file(ctx, patient_id=cast.greta_patient, data=data)
    row = owner.execute(
        "SELECT filed_by, status, kind FROM care_request WHERE id = %s", [request_id]
    ).fetchone()
    assert row == {"filed_by": cast.greta, "status": "open", "kind": "question"}
    assert audited(owner, "request.file") == 1


def test_staff_do_not_file(as_user, cast):
    with as_user("alice") as ctx, pytest.raises(Refused):
        data = RequestForm(kind="question", care_unit_id=cast.unit_med, body="Hello there")
        service.request_file(ctx, patient_id=cast.greta_patient, data=data)


def test_a_refused_filing_names_its_field_and_saves_nothing(as_user, owner, cast, prescription):
    grant(owner, cast, ["messages"])
    with as_user("sven") as ctx, pytest.raises(Invalid) as caught:
        data = RequestForm(kind="renewal", prescription_id=prescription, body="Running out")
        service.request_file(ctx, patient_id=cast.greta_patient, data=data)
    assert set(caught.value.errors) == {"kind"}
    assert owner.execute("SELECT count(*) AS n FROM care_request").fetchone()["n"] == 0
    assert audited(owner, "request.file") == 0


def test_the_form_leaves_behind_what_the_kind_does_not_name(cast):
    data = RequestForm(
        kind="question", care_unit_id=cast.unit_med, note_id=5, proposed_text="x" * 10, body="Hi there"
    )
    assert data.concerns() == {
        "care_unit_id": cast.unit_med,
        "prescription_id": None,
        "note_id": None,
        "proposed_text": None,
    }


def test_a_refused_renewal_leaves_the_request_in_progress_and_no_version(
    acting_as, as_user, owner, cast, prescription
):
    request = file(acting_as(cast.greta), cast.greta_patient, "renewal", prescription=prescription)
    acting_as(cast.alice).execute(TAKE, [request])
    owner.execute("UPDATE drug SET retired_at = now() WHERE id = (SELECT drug_id FROM prescription WHERE id = %s)",
                  [prescription])  # fmt: skip
    versions = owner.execute("SELECT count(*) AS n FROM prescription_version").fetchone()["n"]
    with as_user("alice") as ctx:
        row = read.access_request(ctx, request_id=request)
        with pytest.raises(Invalid):
            service.request_approve_renewal(
                ctx, request=row, data=ApproveRenewalForm(override_reason="Known, fine")
            )
    assert owner.execute("SELECT count(*) AS n FROM prescription_version").fetchone()["n"] == versions
    assert owner.execute("SELECT status FROM care_request").fetchone()["status"] == "in_progress"


def test_an_empty_amendment_is_refused_and_leaves_no_draft(acting_as, as_user, owner, cast, note):
    request = file(acting_as(cast.greta), cast.greta_patient, "correction", note=note["note"],
                   body="Wrong", proposed="Right")  # fmt: skip
    acting_as(cast.alice).execute(TAKE, [request])
    with as_user("alice") as ctx:
        row = read.access_request(ctx, request_id=request)
        with pytest.raises(Invalid):
            service.request_amend(
                ctx, request=row, data=AmendForm(), sections=[("Anamnes", ""), ("Bedömning", "")]
            )
    assert (
        owner.execute("SELECT count(*) AS n FROM note_version WHERE note_id = %s", [note["note"]]).fetchone()[
            "n"
        ]
        == 1
    )
    assert owner.execute("SELECT status FROM care_request").fetchone()["status"] == "in_progress"


def test_the_queue_is_audited_per_patient_and_holds_what_is_routed(acting_as, as_user, owner, cast):
    file(acting_as(cast.greta), cast.greta_patient, "question", unit=cast.unit_med)
    file(acting_as(cast.greta), cast.greta_patient, "booking", unit=cast.unit_med)
    with as_user("bob") as ctx:
        assert [r["kind"] for r in read.queue(ctx)] == ["question"]
    with as_user("rita") as ctx:
        assert [r["kind"] for r in read.queue(ctx)] == ["booking"]
    with as_user("greta") as ctx, pytest.raises(Refused):
        read.queue(ctx)
    assert audited(owner, "request.queue") == 2
