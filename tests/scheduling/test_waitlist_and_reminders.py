"""The waitlist offers a freed time to the first waiting patient, holds it
while they answer, and passes it on when they decline or let it expire.
Reminders and expiry are the worker's (`hms jobs run`), and running it twice
sends nothing twice."""

import psycopg
import pytest

from hms.db.connect import worker_url
from tests.db.expect import refused
from tests.db.pnr import number
from tests.scheduling.conftest import at, book, new_patient

OLLE = (number("19500304"), "Olle", "Olsson", "1950-03-04", "male")


@pytest.fixture()
def worker(settings, owner_url):
    with psycopg.connect(worker_url(settings, owner_url), autocommit=True) as conn:
        yield conn


def run_jobs(worker) -> tuple[int, int]:
    reminders = worker.execute("SELECT appointment_reminders_send()").fetchone()[0]
    expired = worker.execute("SELECT waitlist_offers_expire()").fetchone()[0]
    return reminders, expired


def offers(owner, patient: int) -> list[dict]:
    return owner.execute(
        "SELECT o.id, o.outcome, a.status, lower(a.during) AS starts FROM waitlist_offer AS o "
        "JOIN appointment AS a ON a.id = o.appointment_id WHERE o.patient_id = %s ORDER BY o.id",
        [patient],
    ).fetchall()


def test_a_freed_time_is_offered_to_the_first_waiting_patient_and_then_to_the_next(
    app_as, owner, cast, clinic
):
    asa, olle = new_patient(owner), new_patient(owner, OLLE)
    rita = app_as(cast.rita)
    taken = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(3, 10))
    rita.execute("SELECT waitlist_join(%s, %s)", [asa, clinic.visit])
    rita.execute("SELECT waitlist_join(%s, %s)", [olle, clinic.visit])
    refused(rita, "SELECT waitlist_join(%s, %s)", [asa, clinic.visit], constraint="waitlist_entry_once")
    # when Greta cancels, Åsa (first on the list) is offered her time, held for her
    app_as(cast.greta).execute("SELECT appointment_cancel(%s, 'Feeling better')", [taken])
    [offer] = offers(owner, asa)
    assert offer["status"] == "offered" and offer["starts"] == at(3, 10) and offer["outcome"] is None
    other = new_patient(owner, (number("19800101"), "Pia", "Pil", "1980-01-01", "female"))
    refused(
        rita,
        "SELECT appointment_book(%s, %s, %s, %s)",
        [other, clinic.visit, cast.alice, at(3, 10)],
        constraint="appointment_slot_taken",
    )
    kinds = owner.execute("SELECT kind FROM patient_notice WHERE patient_id = %s", [asa]).fetchall()
    assert [k["kind"] for k in kinds] == ["offer"]
    # she declines; Olle is offered the same time
    rita.execute("SELECT waitlist_offer_answer(%s, false)", [offer["id"]])
    assert offers(owner, asa)[0]["outcome"] == "declined"
    [olles] = offers(owner, olle)
    assert olles["starts"] == at(3, 10) and olles["status"] == "offered"
    # he declines too: nobody else waits and Åsa had this time once, so it is free again
    rita.execute("SELECT waitlist_offer_answer(%s, false)", [olles["id"]])
    book(rita, other, clinic.visit, cast.alice, at(3, 10))
    assert (
        owner.execute("SELECT status FROM waitlist_entry WHERE patient_id = %s", [asa]).fetchone()["status"]
        == "waiting"
    )


def test_an_accepted_offer_is_a_booking(app_as, owner, cast, clinic):
    asa = new_patient(owner)
    rita = app_as(cast.rita)
    taken = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(3, 10))
    rita.execute("SELECT waitlist_join(%s, %s)", [asa, clinic.visit])
    rita.execute("SELECT appointment_cancel(%s, 'Patient called')", [taken])
    [offer] = offers(owner, asa)
    appointment = rita.execute("SELECT waitlist_offer_answer(%s, true) AS id", [offer["id"]]).fetchone()["id"]
    row = owner.execute("SELECT status, booked_by FROM appointment WHERE id = %s", [appointment]).fetchone()
    assert dict(row) == {"status": "booked", "booked_by": cast.rita}
    refused(rita, "SELECT waitlist_offer_answer(%s, true)", [offer["id"]], constraint="waitlist_offer_open")
    assert (
        owner.execute("SELECT status FROM waitlist_entry WHERE patient_id = %s", [asa]).fetchone()["status"]
        == "booked"
    )


def test_a_patient_answers_only_their_own_offers(app_as, owner, cast, clinic):
    asa = new_patient(owner)
    rita = app_as(cast.rita)
    taken = book(rita, cast.greta_patient, clinic.visit, cast.alice, at(3, 10))
    rita.execute("SELECT waitlist_join(%s, %s)", [asa, clinic.visit])
    rita.execute("SELECT appointment_cancel(%s, 'Patient called')", [taken])
    [offer] = offers(owner, asa)
    refused(
        app_as(cast.greta),
        "SELECT waitlist_offer_answer(%s, true)",
        [offer["id"]],
        constraint="appointment_patient_within_reach",
    )
    # Greta waits for a type patients may book; not for one they may not
    greta = app_as(cast.greta)
    greta.execute("SELECT waitlist_join(%s, %s)", [cast.greta_patient, clinic.visit])
    refused(
        greta,
        "SELECT waitlist_join(%s, %s)",
        [cast.greta_patient, clinic.procedure],
        constraint="appointment_patient_bookable",
    )


def test_the_jobs_send_each_reminder_once_and_expire_offers_once(app_as, owner, worker, cast, clinic):
    asa, olle = new_patient(owner), new_patient(owner, OLLE)
    owner.execute("UPDATE patient SET email = 'asa@example.se' WHERE id = %s", [asa])
    tomorrow = owner.execute(
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode) "
        "VALUES (%s, %s, %s, %s, tstzrange(now() + interval '20 hours', now() + interval '20.5 hours'), 'in_person') "
        "RETURNING id",
        [asa, clinic.visit, cast.unit_med, cast.alice],
    ).fetchone()["id"]
    book(
        app_as(cast.rita), cast.greta_patient, clinic.visit, cast.alice, at(3, 10)
    )  # too far off for a reminder
    assert run_jobs(worker) == (1, 0)
    assert run_jobs(worker) == (0, 0)
    reminders = owner.execute("SELECT patient_id FROM patient_notice WHERE kind = 'reminder'").fetchall()
    assert [r["patient_id"] for r in reminders] == [asa]
    mail = owner.execute("SELECT to_address, status, attempts, body FROM mail_outbox").fetchall()
    assert [(m["to_address"], m["status"], m["attempts"]) for m in mail] == [("asa@example.se", "pending", 0)]
    assert "Follow-up visit" in mail[0]["body"] and "Åsa" not in mail[0]["body"]
    # a moved appointment is reminded of its new time
    owner.execute(
        "UPDATE appointment SET during = tstzrange(now() + interval '21 hours', now() + interval '21.5 hours') "
        "WHERE id = %s",
        [tomorrow],
    )
    assert run_jobs(worker) == (1, 0)
    # an offer that was not answered in time expires once, and the time goes to the next
    rita = app_as(cast.rita)
    greta_at = owner.execute(
        "SELECT id FROM appointment WHERE patient_id = %s", [cast.greta_patient]
    ).fetchone()["id"]
    rita.execute("SELECT waitlist_join(%s, %s)", [olle, clinic.visit])
    rita.execute("SELECT appointment_cancel(%s, 'Patient called')", [greta_at])
    [offer] = offers(owner, olle)
    owner.execute(
        "UPDATE waitlist_offer SET offered_at = now() - interval '2 days', expires_at = now() - interval '1 minute' "
        "WHERE id = %s",
        [offer["id"]],
    )
    assert run_jobs(worker)[1] == 1
    assert run_jobs(worker)[1] == 0
    assert offers(owner, olle)[0]["outcome"] == "expired"
    assert (
        owner.execute("SELECT status FROM waitlist_entry WHERE patient_id = %s", [olle]).fetchone()["status"]
        == "waiting"
    )


def test_the_worker_acts_for_nobody_and_reads_no_patient(worker):
    with pytest.raises(psycopg.Error) as caught:
        worker.execute("SELECT count(*) FROM appointment")
    assert caught.value.sqlstate == "42501"
    with pytest.raises(psycopg.Error):
        worker.execute("SELECT appointment_book(1, 1, 1, now())")
