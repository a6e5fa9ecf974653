"""The header counts what waits for the user: a unit's new messages, the
answers a patient has not read, the care requests routed to the user. One
statement, read under row-level security: nobody is told of what they could
not open."""

import re

from tests.conftest import login
from tests.consultations import conftest as consultations
from tests.messaging.conftest import post, start
from tests.requests.conftest import file

# Each person's logged-in client (tests/consultations).
browser = consultations.browser


def counts(client, username: str) -> dict[str, int]:
    client.cookies.clear()
    client.cookies.set("hms_lang", "en")
    login(client, username)
    html = client.get("/").text
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'<a href="([^"]+)">[^<]*<span class="count"[^>]*>(\d+)</span>', nav)
    return {href: int(n) for href, n in found}


def test_a_new_thread_waits_for_the_units_clinicians_and_nobody_else(client, acting_as, cast):
    start(acting_as(cast.greta), cast.greta_patient, cast.unit_med)
    assert counts(client, "bob") == {"/messages": 1}
    assert counts(client, "alice") == {"/messages": 1}
    assert counts(client, "charlie") == {}  # another unit's doctor
    assert counts(client, "greta") == {}  # nothing answered yet


def test_an_answer_waits_for_the_patient_until_she_reads_it(client, acting_as, cast):
    thread = start(acting_as(cast.greta), cast.greta_patient, cast.unit_med)
    post(acting_as(cast.bob), thread, "Proverna är normala.")
    assert counts(client, "greta") == {"/my/messages": 1}
    assert client.get(f"/my/messages/{thread}").status_code == 200
    assert counts(client, "greta") == {}
    assert counts(client, "bob") == {}  # answered: nothing new for the unit


def test_a_question_waits_for_the_wards_clinicians_a_booking_for_its_reception(client, acting_as, cast):
    greta = acting_as(cast.greta)
    file(greta, cast.greta_patient, "question", unit=cast.unit_med)
    file(greta, cast.greta_patient, "booking", unit=cast.unit_med)
    assert counts(client, "alice")["/requests"] == 1
    assert counts(client, "bob")["/requests"] == 1
    assert counts(client, "rita") == {"/requests": 1}
    assert "/requests" not in counts(client, "charlie")


def nav_counts(html: str) -> dict[str, int]:
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'<a href="([^"]+)">[^<]*<span class="count"[^>]*>(\d+)</span>', nav)
    return {href: int(n) for href, n in found}


def test_a_consultation_waits_for_its_specialist_then_its_answer_for_the_doctor(browser, cast):
    from tests.consultations.conftest import request_consultation

    alice, erik = browser("alice"), browser("erik")
    consultation = request_consultation(alice, cast, parts=["summary"])
    assert nav_counts(erik.get("/").text) == {"/consultations": 1}
    assert "/consultations" not in nav_counts(alice.get("/").text)
    assert (
        erik.post(f"/consultations/{consultation}/answer", {"answer": "Start apixaban."}).status_code == 303
    )
    assert "/consultations" not in nav_counts(erik.get("/").text)
    assert nav_counts(alice.get("/").text)["/consultations"] == 1
    alice.get(f"/consultations/{consultation}")
    assert "/consultations" not in nav_counts(alice.get("/").text)


def test_a_referral_waits_for_the_receiving_units_doctors(browser, acting_as, cast):
    from tests.referrals.conftest import send

    send(acting_as, cast)
    assert nav_counts(browser("charlie").get("/").text).get("/referrals") == 1
    assert "/referrals" not in nav_counts(browser("alice").get("/").text)  # she sent it


def test_the_counts_are_the_verified_users_and_nobody_elses(app_conn, acting_as, cast):
    """The counting function takes no user: it counts for the session proved in
    the transaction, and for no session, nothing."""
    start(acting_as(cast.greta), cast.greta_patient, cast.unit_med)
    assert app_conn.execute("SELECT * FROM hms_header_counts()").fetchall() == []
    bob = acting_as(cast.bob).execute("SELECT * FROM hms_header_counts()").fetchone()
    assert bob == {"messages": 1, "requests": 0, "consultations": 0, "referrals": 0}
    charlie = acting_as(cast.charlie).execute("SELECT * FROM hms_header_counts()").fetchone()
    assert charlie["messages"] == 0


def test_a_count_that_fails_costs_the_counts_and_not_the_page(client, acting_as, cast, owner):
    """Should counting fail (here the app's role loses its right to read
    referrals), the page is drawn without its counts, and its audit row, in
    the same transaction, is kept: the function's exception block is the
    savepoint the page no longer sends."""
    start(acting_as(cast.greta), cast.greta_patient, cast.unit_med)
    login(client, "bob")
    owner.execute("REVOKE SELECT ON referral FROM hms_app")
    try:
        page = client.get(f"/patients/{cast.greta_patient}/journal")
    finally:
        owner.execute("GRANT SELECT ON referral TO hms_app")
    assert page.status_code == 200
    assert nav_counts(page.text) == {}
    read = owner.execute(
        "SELECT count(*) AS n FROM audit_log WHERE user_id = %s AND patient_id = %s AND action = 'journal.read'",
        [cast.bob, cast.greta_patient],
    ).fetchone()
    assert read["n"] == 1
    assert nav_counts(client.get(f"/patients/{cast.greta_patient}/journal").text) == {"/messages": 1}
