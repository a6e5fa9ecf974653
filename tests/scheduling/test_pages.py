"""Scheduling as the users see it: Rita at reception finds a free time, books,
moves and cancels it, checks the patient in; Dr Alice sees her day with who
has arrived; Greta books and cancels in the portal and takes an offer from
the waitlist; Adam sets up types, hours and rooms; the calendar feed names
no patient."""

import re
from datetime import datetime

from tests.scheduling.conftest import appointment_now, at, book, new_patient

SLOT = re.compile(
    r'name="starts_at" value="([^"]+)">\s*<input type="hidden" name="clinician_id" value="(\d+)"'
)


def slots(html: str) -> list[tuple[str, str]]:
    return SLOT.findall(html)


def test_rita_books_moves_and_cancels_for_greta(browser, owner, cast, clinic):
    rita = browser("rita")
    find = rita.client.get("/schedule/find?personal_number=19420214-2388", follow_redirects=False)
    assert find.headers["location"] == f"/patients/{cast.greta_patient}/appointments/new"
    page = rita.get(
        f"/patients/{cast.greta_patient}/appointments/new?type_id={clinic.visit}&clinician_id={cast.alice}"
    )
    assert page.status_code == 200 and "Dr Alice Andersson" in page.text
    free = slots(page.text)
    assert free and all(c == str(cast.alice) for _, c in free)
    starts, clinician = free[0]
    booked = rita.post(
        f"/patients/{cast.greta_patient}/appointments/new",
        {"type_id": clinic.visit, "starts_at": starts, "clinician_id": clinician},
    )
    assert booked.status_code == 303
    shown = rita.get(booked.headers["location"])
    assert "The appointment is booked." in shown.text and "Gustafsson" in shown.text
    appointment = int(booked.headers["location"].split("/")[-1].split("?")[0])
    # the same time again: taken, and the page offers the next free times
    again = rita.post(
        f"/patients/{new_patient(owner)}/appointments/new",
        {"type_id": clinic.visit, "starts_at": starts, "clinician_id": clinician},
    )
    assert again.status_code == 422 and "This time was just taken" in again.text
    assert starts not in [s for s, _ in slots(again.text)] and slots(again.text)
    # move it to the next free time
    move_page = rita.get(f"/schedule/appointments/{appointment}/move?clinician_id={cast.alice}")
    new_start, _ = slots(move_page.text)[0]
    moved = rita.post(
        f"/schedule/appointments/{appointment}/move", {"starts_at": new_start, "clinician_id": cast.alice}
    )
    assert moved.status_code == 303
    starts_at = owner.execute(
        "SELECT lower(during) AS s FROM appointment WHERE id = %s", [appointment]
    ).fetchone()["s"]
    assert starts_at == datetime.fromisoformat(new_start)
    # cancel needs a reason
    refused = rita.post(f"/schedule/appointments/{appointment}/cancel", {"reason": ""})
    assert refused.status_code == 422
    # with a reason she is asked first, and nothing is cancelled until she confirms
    asked = rita.post(f"/schedule/appointments/{appointment}/cancel", {"reason": "Patient called"})
    assert asked.status_code == 200 and "Cancel the appointment?" in asked.text
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [appointment]).fetchone()["status"]
        == "booked"
    )
    assert (
        rita.post(
            f"/schedule/appointments/{appointment}/cancel", {"reason": "Patient called", "confirmed": "yes"}
        ).status_code
        == 303
    )
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [appointment]).fetchone()["status"]
        == "cancelled"
    )
    actions = [
        r["action"]
        for r in owner.execute("SELECT action FROM audit_log WHERE user_id = %s ORDER BY id", [cast.rita])
    ]
    assert {"appointment.book", "appointment.move", "appointment.cancel"} <= set(actions)


def test_check_in_at_the_desk_and_the_nurse_opens_the_visit(browser, owner, cast, clinic):
    asa = new_patient(owner)
    appointment = appointment_now(owner, cast, clinic, patient=asa)
    bob = browser("bob")
    assert (
        bob.get(f"/patients/{asa}/journal/encounters/new").status_code == 403
    )  # not in care: break the glass
    rita = browser("rita")
    calendar = rita.get(f"/schedule?unit_id={cast.unit_med}")
    assert "Ek, Åsa" in calendar.text
    assert rita.post(f"/schedule/appointments/{appointment}/check-in").status_code == 303
    assert bob.get(f"/patients/{asa}/journal/encounters/new").status_code == 200
    opened = bob.post(
        f"/patients/{asa}/journal/encounters/new",
        {
            "care_unit_id": cast.unit_med,
            "kind": "admission",
            "bed_id": cast.bed_a,
            "reason": "Needs IV antibiotics",
        },
    )
    assert opened.status_code == 303
    assert owner.execute("SELECT count(*) AS n FROM emergency_access").fetchone()["n"] == 0
    # Dr Alice's day shows who has arrived, linked to the chart
    day = browser("alice").get("/schedule/my-day")
    assert f'href="/patients/{asa}/journal"' in day.text and "Arrived" in day.text


def test_greta_books_and_cancels_in_the_portal(browser, owner, cast, clinic):
    greta = browser("greta")
    overview = greta.get("/my/appointments")
    assert (
        overview.status_code == 200
        and "Follow-up visit" in overview.text
        and "Bronchoscopy" not in overview.text
    )
    page = greta.get(
        f"/my/appointments/new?patient_id={cast.greta_patient}&type_id={clinic.visit}&from_day={at(2, 0).date()}"
    )
    free = slots(page.text)
    # the earliest may fall within 24 hours; take one two days ahead
    starts, clinician = next((s, c) for s, c in free if datetime.fromisoformat(s) >= at(2, 0))
    booked = greta.post(
        "/my/appointments/new",
        {
            "patient_id": cast.greta_patient,
            "type_id": clinic.visit,
            "starts_at": starts,
            "clinician_id": clinician,
        },
    )
    assert booked.status_code == 303
    home = greta.get(booked.headers["location"])
    assert "The appointment is booked." in home.text and "Booked" in home.text
    appointment = owner.execute(
        "SELECT id FROM appointment WHERE patient_id = %s", [cast.greta_patient]
    ).fetchone()["id"]
    asked = greta.post(f"/my/appointments/{appointment}/cancel")
    assert asked.status_code == 200 and "Cancel your appointment?" in asked.text
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [appointment]).fetchone()["status"]
        == "booked"
    )
    assert greta.post(f"/my/appointments/{appointment}/cancel", {"confirmed": "yes"}).status_code == 303
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [appointment]).fetchone()["status"]
        == "cancelled"
    )
    # a type only the clinic books is refused even when posted by hand
    forged = greta.post(
        "/my/appointments/new",
        {
            "patient_id": cast.greta_patient,
            "type_id": clinic.procedure,
            "starts_at": at(3, 10).isoformat(),
            "clinician_id": cast.alice,
        },
    )
    assert forged.status_code == 422 and "booked by the clinic" in forged.text


def test_greta_cannot_change_within_24_hours_or_touch_another_patients(
    browser, owner, cast, clinic, acting_as
):
    soon = appointment_now(owner, cast, clinic, patient=cast.greta_patient, minutes_from_now=120)
    greta = browser("greta")
    assert "To change it, call the clinic." in greta.get("/my/appointments").text
    assert greta.post(f"/my/appointments/{soon}/cancel").status_code == 200
    assert (
        owner.execute("SELECT status FROM appointment WHERE id = %s", [soon]).fetchone()["status"] == "booked"
    )
    other = book(acting_as(cast.rita), new_patient(owner), clinic.visit, cast.alice, at(3, 10))
    assert greta.post(f"/my/appointments/{other}/cancel").status_code == 404
    assert greta.get(f"/my/appointments/{other}/move").status_code == 404
    assert greta.get(f"/my/appointments?patient_id={cast.greta_patient + 1000}").status_code == 404


def test_a_freed_time_is_offered_to_greta_from_the_waitlist(browser, owner, cast, clinic, acting_as):
    taken = book(acting_as(cast.rita), new_patient(owner), clinic.visit, cast.alice, at(3, 10))
    greta = browser("greta")
    joined = greta.post(
        "/my/appointments/waitlist", {"patient_id": cast.greta_patient, "type_id": clinic.visit}
    )
    assert joined.status_code == 303
    rita = browser("rita")
    assert (
        rita.post(
            f"/schedule/appointments/{taken}/cancel", {"reason": "Patient called", "confirmed": "yes"}
        ).status_code
        == 303
    )
    page = greta.get("/my/appointments")
    assert "An earlier time is offered" in page.text
    offer = owner.execute(
        "SELECT id FROM waitlist_offer WHERE patient_id = %s", [cast.greta_patient]
    ).fetchone()["id"]
    assert (
        greta.post(f"/my/appointments/offers/{offer}/accept", {"patient_id": cast.greta_patient}).status_code
        == 303
    )
    row = owner.execute(
        "SELECT status, lower(during) AS s FROM appointment WHERE patient_id = %s", [cast.greta_patient]
    ).fetchone()
    assert row["status"] == "booked" and row["s"] == at(3, 10)


def test_adam_sets_up_types_hours_rooms_and_time_away(browser, owner, cast, clinic):
    adam = browser("adam")
    assert adam.get("/admin/scheduling").status_code == 200
    ok = adam.post(
        "/admin/scheduling/types",
        {
            "care_unit_id": cast.unit_surg,
            "name": "Wound check",
            "duration_minutes": "15",
            "mode": "in_person",
            "patient_bookable": "on",
        },
    )
    assert ok.status_code == 303
    assert owner.execute(
        "SELECT patient_bookable FROM appointment_type WHERE name = 'Wound check'"
    ).fetchone()["patient_bookable"]
    bad = adam.post(
        "/admin/scheduling/hours",
        {
            "care_unit_id": cast.unit_med,
            "clinician_id": cast.alice,
            "weekday": "1",
            "starts_at": "15:00",
            "ends_at": "17:00",
        },
    )
    assert bad.status_code == 422 and "already works then" in bad.text
    reversed_ = adam.post(
        "/admin/scheduling/hours",
        {
            "care_unit_id": cast.unit_med,
            "clinician_id": cast.alice,
            "weekday": "1",
            "starts_at": "18:00",
            "ends_at": "17:00",
        },
    )
    assert reversed_.status_code == 422 and "The end must be after the start." in reversed_.text
    assert (
        adam.post(
            "/admin/scheduling/rooms", {"care_unit_id": cast.unit_med, "name": "Mottagning 9"}
        ).status_code
        == 303
    )
    away = adam.post(
        "/admin/scheduling/exceptions",
        {
            "clinician_id": cast.alice,
            "kind": "leave",
            "starts_at": "2027-01-04T00:00",
            "ends_at": "2027-01-09T00:00",
        },
    )
    assert away.status_code == 303
    assert browser("rita").get("/admin/scheduling").status_code == 403


def test_the_calendar_feed_shows_times_and_places_but_no_patient(
    browser, owner, cast, clinic, acting_as, client
):
    book(acting_as(cast.rita), cast.greta_patient, clinic.visit, cast.alice, at(2, 10), clinic.room)
    alice = browser("alice")
    issued = alice.post("/schedule/feed")
    token = re.search(r"token=([0-9a-f]{64})", issued.text).group(1)
    feed = client.get(f"/calendar/feed.ics?token={token}")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in feed.text and "Follow-up visit" in feed.text and "Mottagning 3" in feed.text
    assert "Greta" not in feed.text and "Gustafsson" not in feed.text and "194202142388" not in feed.text
    logged = owner.execute("SELECT user_id FROM audit_log WHERE action = 'calendar.feed'").fetchall()
    assert [r["user_id"] for r in logged] == [cast.alice]
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM calendar_feed WHERE token_hash = sha256(%s::bytea)", [token.encode()]
        ).fetchone()["n"]
        == 1
    )
    alice.post("/schedule/feed/revoke")
    assert client.get(f"/calendar/feed.ics?token={token}").status_code == 404
    assert client.get("/calendar/feed.ics?token=" + "a" * 64).status_code == 404
