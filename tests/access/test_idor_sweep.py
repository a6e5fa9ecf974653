"""IDOR sweep: every address Greta's portal links to, replayed by another
patient, is refused or shows nothing of Greta; and every refusal about a
patient is in the audit log under the one who tried."""

import re
from urllib.parse import urlsplit

import pytest

from tests import cast as cast_module
from tests.access.conftest import Person
from tests.db.pnr import number
from tests.journal import given

HREF = re.compile(r'href="(/[^"#]*)')
SKIP = ("/static/", "/logout")

HUGO = (number("19660812", "981"), "Hugo", "Holm", "1966-08-12", "male")


def crawl(who, starts: list[str], depth: int = 2) -> set[str]:
    """Same-origin GET links reachable from the start pages, `depth` clicks deep."""
    seen, frontier = set(starts), list(starts)
    for _ in range(depth):
        found = []
        for url in frontier:
            response = who.get(url)
            if response.status_code != 200:
                continue
            for href in HREF.findall(response.text):
                href = href.replace("&amp;", "&")
                if href not in seen and not href.startswith(SKIP) and not urlsplit(href).netloc:
                    seen.add(href)
                    found.append(href)
        frontier = found
    return seen


@pytest.fixture()
def hugo(owner, world) -> int:
    """Hugo Holm, a second patient with a portal account and a note of his own."""
    pnr, given_name, family, born, sex = HUGO
    patient = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        [pnr, given_name, family, born, sex],
    ).fetchone()["id"]
    user = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES ('hugo', %s, 'patient', 'Hugo Holm') RETURNING id",
        [cast_module.password_hash()],
    ).fetchone()["id"]
    owner.execute("INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)", [user, patient])
    given.signed_note(owner, world.cast, patient=patient)
    return user


def test_another_patient_replaying_gretas_links_sees_nothing_of_hers(world, browser, owner, hugo):
    greta = world.greta.patient_id
    # given every address Greta's portal leads to, and those naming her record directly
    urls = crawl(browser("greta"), ["/my", "/"])
    urls |= {f"/patients/{greta}", f"/api/patients/{greta}", f"/my/patients/{greta}"}
    lab_order, exam = world.lab_orders[greta], world.radiology[greta]
    urls |= {
        f"/patients/{greta}/lab",
        f"/patients/{greta}/lab/new",
        f"/patients/{greta}/lab/orders/{lab_order}/results",
        f"/patients/{greta}/lab/trend?loinc=2823-3",
        f"/patients/{greta}/radiology/new",
        f"/patients/{greta}/radiology/{exam}/report",
        f"/api/patients/{greta}/lab/results",
    }
    assert len(urls) >= 6, urls
    # when Hugo, another patient, opens each of them
    hugo_browser = browser("hugo")
    wrong, refusals = [], []
    for url in sorted(urls):
        before = owner.execute("SELECT coalesce(max(id), 0) AS n FROM audit_log").fetchone()["n"]
        response = hugo_browser.get(url)
        # then each is refused, or shows nothing of Greta
        if response.status_code in (403, 404):
            refusals.append((url, before))
        elif response.status_code >= 400 or world.greta.shown_in(response.text):
            wrong.append(f"{url}: {response.status_code}, shows Greta: {world.greta.shown_in(response.text)}")
    assert wrong == []
    assert refusals, "nothing of Greta's was refused: the sweep did not reach her record"
    # and each refusal about Greta is in the audit log, under Hugo
    unaudited = [
        url
        for url, before in refusals
        if str(greta) in url.split("?")[0].split("/")
        and not owner.execute(
            "SELECT 1 FROM audit_log WHERE id > %s AND outcome = 'refused' "
            "AND user_id = %s AND patient_id = %s",
            [before, hugo, greta],
        ).fetchone()
    ]
    assert unaudited == []


def test_hugo_still_reaches_his_own_record(world, browser, hugo):
    me = Person(0, "Hugo", HUGO[0])
    page = browser("hugo").get("/my")
    assert page.status_code == 200 and me.shown_in(page.text)
    assert not world.greta.shown_in(page.text)


# Secure messaging --------------------------------------------------------------------


@pytest.fixture()
def greta_writes(world, acting_as) -> int:
    """Greta asks the medical ward about her results, with a PDF attached."""
    from tests.messaging.conftest import PDF, start

    cast = world.cast
    return start(acting_as(cast.greta), cast.greta_patient, cast.unit_med, files=(("remiss.pdf", PDF),))


def replay(who, urls: set[str], person: Person) -> tuple[list[str], list[str]]:
    """Each address opened by someone else: (what went wrong, what was refused)."""
    wrong, refused = [], []
    for url in sorted(urls):
        response = who.get(url)
        if response.status_code in (403, 404):
            refused.append(url)
        elif response.status_code >= 400 or person.shown_in(response.text) or b"%PDF" in response.content:
            wrong.append(f"{url}: {response.status_code}")
    return wrong, refused


def test_another_patient_replaying_gretas_message_links_sees_nothing_of_hers(
    world, browser, owner, hugo, greta_writes
):
    urls = crawl(browser("greta"), ["/my/messages"], depth=2)
    assert {f"/my/messages/{greta_writes}"} <= urls
    assert any(u.startswith("/my/messages/attachments/") for u in urls), urls
    wrong, refused = replay(browser("hugo"), urls, world.greta)
    assert wrong == []
    assert f"/my/messages/{greta_writes}" in refused
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM audit_log WHERE user_id = %s AND outcome = 'refused' "
            "AND action IN ('message.read', 'message.read_attachment')",
            [hugo],
        ).fetchone()["n"]
        >= 2
    )


def test_a_clinician_of_another_unit_replaying_the_wards_inbox_links_sees_nothing(
    world, browser, greta_writes
):
    urls = crawl(browser("bob"), ["/messages"], depth=2)
    assert f"/messages/{greta_writes}" in urls
    # The patient's own page, linked from the thread, is the route matrix's (demographics by role).
    inbox_urls = {u for u in urls if u.startswith("/messages/")}
    wrong, refused = replay(browser("charlie"), inbox_urls, world.greta)
    assert wrong == []
    assert f"/messages/{greta_writes}" in refused


def test_another_patient_replaying_gretas_request_links_sees_nothing_of_hers(world, browser, owner, hugo):
    # given Greta has asked her ward a question and Dr Alice has it in her queue
    greta = browser("greta")
    filed = greta.post(
        "/my/requests/new",
        {"patient_id": str(world.greta.patient_id), "kind": "question",
         "care_unit_id": str(world.cast.unit_med), "body": "May I take ibuprofen?"},
    )  # fmt: skip
    assert filed.status_code == 303
    urls = crawl(greta, ["/my/requests"])
    urls |= crawl(browser("alice"), ["/requests"], depth=1)
    assert any(re.fullmatch(r"/my/requests/\d+", u) for u in urls), urls
    assert any(re.fullmatch(r"/requests/\d+", u) for u in urls), urls
    # when Hugo, another patient, and Dr Charlie of another unit open each of them
    wrong = []
    for who in ("hugo", "charlie"):
        for url in sorted(urls):
            response = browser(who).get(url)
            # then each is refused, or shows nothing of Greta
            if response.status_code not in (403, 404) and (
                response.status_code >= 400 or world.greta.shown_in(response.text)
            ):
                wrong.append(f"{who} {url}: {response.status_code}")
    assert wrong == []


# Discharge and closing (the confirmation pages and their posts) -----------------------


def test_another_patient_or_unit_cannot_reach_or_end_gretas_encounters(
    world, browser, owner, acting_as, hugo
):
    # given Greta's open visit and her admission on the medical ward
    cast = world.cast
    greta = world.greta.patient_id
    stay = given.admit(acting_as(cast.alice, "doctor"), cast)
    base = f"/patients/{greta}/journal/encounters"
    urls = [f"{base}/{stay}/discharge", f"{base}/{world.encounter}/close", f"{base}/{stay}/close"]
    summary = {"action": "confirm", "course": "Utskriven.", "follow_up": "Ingen.", "confirmed": "yes"}
    # when Hugo (another patient) and Dr Charlie (another unit) open and post each of them
    wrong = []
    for who in ("hugo", "charlie"):
        for url in urls:
            for response in (browser(who).get(url), browser(who).post(url, summary)):
                if response.status_code not in (403, 404) or world.greta.shown_in(response.text):
                    wrong.append(f"{who} {response.request.method} {url}: {response.status_code}")
    # then each is refused, nothing ended, no summary written, and the refusals are audited
    assert wrong == []
    assert (
        owner.execute("SELECT count(*) AS n FROM encounter WHERE ended_at IS NOT NULL").fetchone()["n"] == 0
    )
    assert (
        owner.execute("SELECT count(*) AS n FROM note WHERE kind = 'discharge_summary'").fetchone()["n"] == 0
    )
    refusals = owner.execute(
        "SELECT count(DISTINCT user_id) AS n FROM audit_log WHERE outcome = 'refused' AND patient_id = %s "
        "AND user_id IN (%s, %s)",
        [greta, hugo, cast.charlie],
    ).fetchone()["n"]
    assert refusals == 2


def test_a_clinician_of_another_unit_replaying_the_ward_board_links_sees_nothing(world, browser, acting_as):
    # given Greta lies in bed A of the medical ward, on its board
    given.admit(acting_as(world.cast.alice), world.cast)
    # (/ward leads straight to the medical ward's board, its only ward)
    board = f"/ward/{world.cast.ward_med}"
    assert browser("bob").get("/ward").headers["location"] == board
    urls = crawl(browser("bob"), ["/ward", board], depth=2)
    assert f"/patients/{world.greta.patient_id}/journal" in urls
    # the patients' own pages linked from the board are the route matrix's
    board_urls = {u for u in urls if u.startswith("/ward")}
    # when Dr Charlie of the surgical unit opens each of them
    wrong, refused = replay(browser("charlie"), board_urls, world.greta)
    # then each is refused or shows nothing of Greta
    assert wrong == []
    assert f"/ward/{world.cast.ward_med}" in refused
