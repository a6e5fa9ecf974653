"""The ward board as the ward's nurse meets it: every bed, free or occupied,
the patient with day of stay, attending doctor and allergy flag, the latest
NEWS2 with its colour and age, a red flag at 5 or more or at one parameter
scoring 3, vitals overdue for the band, today's care plans and
unacknowledged critical results; in at most five SQL statements, audited
once, and a ward of another unit is not found."""

from datetime import timedelta

from hms.bench.cost import StatementCounter
from tests.lab.conftest import POTASSIUM, line, order, result, sample
from tests.ward.conftest import CALM, CONFUSED, ONE, SICK, UNWELL, allergy, care_plan, vitals


def _bed_a(page: str, cast) -> str:
    """The row of bed A."""
    start = page.index(f'id="bed-{cast.bed_a}"')
    return page[start : page.index("</tr>", start)]


def test_the_board_shows_every_bed_with_its_patient(browser, cast, owner, admitted):
    allergy(owner, cast)
    page = browser("bob").get(f"/ward/{cast.ward_med}")
    assert page.status_code == 200
    row = _bed_a(page.text, cast)
    assert "Gustafsson, Greta" in row and f'href="/patients/{cast.greta_patient}/journal"' in row
    assert "<td>3</td>" in row  # day 3 of the stay: admitted two days ago
    assert "Dr Alice Andersson" in row
    assert "1 allergy" in row and "tag danger allergy-flag" in row
    free = page.text[page.text.index(f'id="bed-{cast.bed_b}"') :]
    assert "Free bed" in free[: free.index("</tr>")]
    assert "1 of 2 beds occupied" in page.text
    assert page.headers["Refresh"] == "60"


def test_a_score_of_five_is_red_with_its_band_and_age(browser, cast, owner, admitted):
    vitals(owner, cast, UNWELL, ago=timedelta(minutes=20))
    row = _bed_a(browser("bob").get(f"/ward/{cast.ward_med}").text, cast)
    assert 'class="news2 band-medium">5</span>' in row
    assert "red-flag" in row and "20 min ago" in row
    assert "ward-red" in row


def test_one_parameter_scoring_three_is_red_though_the_total_is_three(browser, cast, owner, admitted):
    vitals(owner, cast, CONFUSED, ago=timedelta(minutes=30))
    row = _bed_a(browser("bob").get(f"/ward/{cast.ward_med}").text, cast)
    assert 'band-low_medium">3</span>' in row and "red-flag" in row


def test_a_low_score_is_not_red(browser, cast, owner, admitted):
    vitals(owner, cast, ONE, ago=timedelta(minutes=30))
    row = _bed_a(browser("bob").get(f"/ward/{cast.ward_med}").text, cast)
    assert 'band-low">1</span>' in row and "red-flag" not in row and "overdue" not in row


def test_vitals_are_overdue_for_their_band(browser, cast, owner, admitted):
    bob = browser("bob")
    url = f"/ward/{cast.ward_med}"
    # a score of 1 measured 5 hours ago is due within 6 hours: not yet overdue
    vitals(owner, cast, ONE, ago=timedelta(hours=5))
    assert "Vitals overdue</span>" not in _bed_a(bob.get(url).text, cast)
    # one parameter scoring 3 five hours ago: due within 4 hours, overdue
    vitals(owner, cast, CONFUSED, ago=timedelta(hours=4, minutes=50))
    assert "Vitals overdue</span>" in _bed_a(bob.get(url).text, cast)
    # a high score 20 minutes ago: due every 15 minutes, overdue
    vitals(owner, cast, SICK, ago=timedelta(minutes=20))
    row = _bed_a(bob.get(url).text, cast)
    assert "band-high" in row and "Vitals overdue</span>" in row
    # a calm score 10 hours ago would still be in time (12 hours), but the latest set counts
    vitals(owner, cast, CALM, ago=timedelta(minutes=5))
    assert "Vitals overdue</span>" not in _bed_a(bob.get(url).text, cast)


def test_a_patient_without_a_scored_set_is_overdue(browser, cast, admitted):
    row = _bed_a(browser("bob").get(f"/ward/{cast.ward_med}").text, cast)
    assert "No NEWS2" in row and "Vitals overdue</span>" in row


def test_todays_care_plan_items_are_on_the_board(browser, cast, owner, admitted):
    care_plan(owner, cast, "Fallprevention", "Säng i lågt läge, larmknapp inom räckhåll")
    care_plan(owner, cast, "Nutrition", "Vikt varje måndag", review_in_days=7)
    row = _bed_a(browser("bob").get(f"/ward/{cast.ward_med}").text, cast)
    assert "Fallprevention" in row and "Säng i lågt läge" in row and "Nutrition" in row
    assert row.count("Review due") == 1  # only the plan due today


def test_an_unacknowledged_critical_result_stands_out(browser, acting_as, cast, owner, admitted):
    order_id = order(acting_as(cast.alice), cast)
    sample(acting_as(cast.bob), order_id)
    critical = result(acting_as(cast.bob), line(acting_as(cast.alice), order_id, POTASSIUM), 6.9)
    assert critical["flag"] == "critical_high"
    row = _bed_a(browser("bob").get(f"/ward/{cast.ward_med}").text, cast)
    assert "ward-critical" in row and "6.9" in row and "Critical high" in row
    # acknowledged, it leaves the board
    acting_as(cast.alice).execute(
        "INSERT INTO lab_result_ack (result_id, patient_id) VALUES (%s, %s)",
        [critical["id"], cast.greta_patient],
    )
    assert "Critical high" not in _bed_a(browser("bob").get(f"/ward/{cast.ward_med}").text, cast)


def test_the_board_is_at_most_five_statements_and_one_audit_row_per_patient(browser, cast, owner, admitted):
    vitals(owner, cast, UNWELL, ago=timedelta(minutes=20))
    care_plan(owner, cast, "Fallprevention", "Larmknapp inom räckhåll")
    bob = browser("bob")
    counter = StatementCounter()
    with counter.installed(), counter.counting():
        assert bob.get(f"/ward/{cast.ward_med}").status_code == 200
    assert len(counter.statements) <= 5, counter.statements
    rows = owner.execute("SELECT patient_id, user_id FROM audit_log WHERE action = 'ward.board'").fetchall()
    assert rows == [{"patient_id": cast.greta_patient, "user_id": cast.bob}]


def test_a_ward_of_another_unit_is_not_found(browser, cast, admitted, surgical_ward):
    assert browser("charlie").get(f"/ward/{cast.ward_med}").status_code == 404
    assert browser("bob").get(f"/ward/{surgical_ward}").status_code == 404
    assert browser("bob").get("/ward/999999").status_code == 404
    assert browser("charlie").get(f"/ward/{surgical_ward}").status_code == 200


def test_only_doctors_and_nurses_have_a_board(browser, cast):
    for username in ("rita", "petra", "adam", "greta"):
        assert browser(username).get(f"/ward/{cast.ward_med}").status_code == 403, username


def test_the_ward_list_leads_to_the_only_ward(browser, cast):
    response = browser("bob").get("/ward")
    assert response.status_code == 303 and response.headers["location"] == f"/ward/{cast.ward_med}"


def test_a_red_patient_is_on_the_nurses_home_page(browser, cast, owner, admitted):
    vitals(owner, cast, UNWELL, ago=timedelta(minutes=20))
    home = browser("bob").get("/").text
    panel = home[home.index('id="ward-red-flags"') :]
    assert "Gustafsson, Greta" in panel[: panel.index("</section>")]
    assert browser("charlie").get("/").text.count("Gustafsson") == 0
