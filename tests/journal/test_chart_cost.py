"""The chart asks the database a fixed, small number of questions: the header,
the summary (which carries the reader's own drafts and the allergy banner's
facts as well) and one timeline page, in at most ten statements, and in at
most twelve round trips with the transaction's own commands."""

from hms.bench.cost import StatementCounter
from tests.conftest import login
from tests.journal import given


def test_the_chart_is_at_most_ten_statements_with_its_banner_and_the_readers_drafts(client, cast, owner):
    given.clinical(owner, cast, "allergy")
    token = login(client, "alice")
    client.cookies.set("hms_lang", "en")
    chart = f"/patients/{cast.greta_patient}/journal"
    saved = client.post(
        f"{chart}/notes/new",
        data={
            "csrf_token": token,
            "kind": "progress",
            "care_unit_id": cast.unit_med,
            "section_1": "Utkast om buksmärta",
            "action": "save",
        },
        follow_redirects=False,
    )
    note_url = saved.headers["location"].split("?")[0]

    counter = StatementCounter()
    with counter.installed(), counter.counting():
        page = client.get(chart)

    assert page.status_code == 200
    assert 5 <= len(counter.statements) <= 10, counter.statements
    # BEGIN and COMMIT; the header's counts need no savepoint (hms_header_counts).
    assert counter.commands == ["BEGIN", "COMMIT"], counter.commands
    assert counter.round_trips <= 12, (counter.statements, counter.commands)
    # The banner comes from the summary: no query of its own.
    assert not any(
        label.startswith("SELECT hms_access_basis(%(patient_id)s, 'clinical') AS basis")
        for label, _ in counter.statements
    )
    banner = page.text.split('id="allergy-banner"', 1)[1].split("</div>", 1)[0]
    assert "Penicillin" in banner
    drafts = page.text.split("My unsigned drafts", 1)[1].split("</section>", 1)[0]
    assert f'href="{note_url}/edit"' in drafts


def test_the_chart_shows_a_reader_only_their_own_drafts(client, cast):
    token = login(client, "alice")
    chart = f"/patients/{cast.greta_patient}/journal"
    client.post(
        f"{chart}/notes/new",
        data={
            "csrf_token": token,
            "kind": "progress",
            "care_unit_id": cast.unit_med,
            "section_1": "Utkast",
            "action": "save",
        },
    )
    assert "My unsigned drafts" in client.get(chart, cookies={"hms_lang": "en"}).text
    client.post("/logout", data={"csrf_token": token})
    login(client, "bob")
    client.cookies.set("hms_lang", "en")
    page = client.get(chart)
    assert page.status_code == 200
    assert "My unsigned drafts" not in page.text
