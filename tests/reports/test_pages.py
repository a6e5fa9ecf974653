"""The reports' pages and files: who reaches them, and that a suppressed
cell reads "<5" on the page, in the chart, in the CSV and in the workbook,
and never as its number."""

import csv
import io
import re
import zipfile

import pytest

from hms.reports.figures import REPORTS
from hms.web.i18n import translations
from tests.access.conftest import browser  # noqa: F401  (the pages' fixture)

PERIOD = "from_day=2026-03-01&to_day=2026-03-31"


def test_the_administrator_sees_the_dashboard_and_every_report(browser, history):  # noqa: F811
    adam = browser("adam")
    home = adam.get("/reports")
    assert home.status_code == 200 and "<svg" in home.text
    for key in REPORTS:
        page = adam.get(f"/reports/{key}?{PERIOD}")
        assert page.status_code == 200, key
        assert page.text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == len(
            REPORTS[key].figures
        )


def test_a_doctor_who_heads_nothing_is_refused(browser, history):  # noqa: F811
    alice = browser("alice")
    assert alice.get("/reports").status_code == 403
    assert alice.get(f"/reports/flow?{PERIOD}").status_code == 403
    assert alice.get(f"/reports/flow/flow_ward_day.csv?{PERIOD}").status_code == 403


def test_a_department_head_reads_her_department_only(browser, cast, history, head_of_medicine):  # noqa: F811
    alice = browser("alice")
    assert "/reports" in alice.get("/").text  # her home page links to her reports
    page = alice.get(f"/reports/flow?{PERIOD}")
    assert page.status_code == 200
    assert "Medical ward 1" in page.text and "Surgical ward 1" not in page.text
    assert alice.get(f"/reports/flow?{PERIOD}&unit_id={cast.unit_surg}").status_code == 404


def test_a_suppressed_cell_reads_less_than_five_on_the_page(browser, history):  # noqa: F811
    page = browser("adam").get(f"/reports/clinical?{PERIOD}")
    table = page.text.split('id="figure-clinical_diagnosis_month"')[1].split("</table>")[0]
    # J18.9 was recorded twice: its cell says <5, and no cell of the table holds a 2
    assert re.search(r"J18\.9</td>.*?<td class=\"num suppressed\">&lt;5</td>", table, re.S)
    assert not re.search(r'<td class="num">[1-4]</td>', table)


def test_the_csv_writes_less_than_five_and_never_the_number(browser, history):  # noqa: F811
    response = browser("adam").get(f"/reports/clinical/clinical_diagnosis_month.csv?{PERIOD}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    counts = {row[2]: row[4] for row in rows[1:]}
    assert counts == {"E10.9": "<5", "E11.9": "7", "I10": "6", "J18.9": "<5", "J44.9": "<5", "K35.8": "<5"}


def test_a_long_table_shows_its_largest_shown_cells_and_the_downloads_every_cell(
    browser,  # noqa: F811
    history,  # noqa: F811
    monkeypatch,
):
    """Six diagnosis cells in March: E11.9 7, I10 6 and four suppressed. With
    room for two on the page, the page shows E11.9 then I10 and says so; no
    suppressed cell is ranked; the CSV still has all six."""
    from hms.reports import pages

    monkeypatch.setattr(pages, "PAGE_ROWS", 2)
    adam = browser("adam")
    page = adam.get(f"/reports/clinical?{PERIOD}")
    table = page.text.split('id="figure-clinical_diagnosis_month"')[1].split("</table>")[0]
    assert "The 2 largest of 6 cells, largest first; the downloads have every cell." in table
    codes = re.findall(r"<td>([A-Z]\d\d(?:\.\d)?)</td>", table)
    assert codes == ["E11.9", "I10"]
    assert "&lt;5" not in table.split("<table")[1]
    response = adam.get(f"/reports/clinical/clinical_diagnosis_month.csv?{PERIOD}")
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 1 + 6


def test_the_workbook_writes_less_than_five_and_never_the_number(browser, history):  # noqa: F811
    response = browser("adam").get(f"/reports/flow/export.xlsx?{PERIOD}")
    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(response.content))
    assert "xl/workbook.xml" in book.namelist()
    sheet = book.read("xl/worksheets/sheet2.xml").decode()  # discharges per unit and month
    values = re.findall(r"<v>([^<]*)</v>|<t xml:space=\"preserve\">([^<]*)</t>", sheet)
    cells = [number or text for number, text in values]
    # surgery's single discharge, the medical unit's one readmission, and its
    # six discharges, withheld since the one suppressed day would follow from them
    assert "&lt;5" in cells
    assert "1" not in cells and "6" not in cells
    assert "1.9" in cells


def test_the_chart_draws_a_suppressed_cell_as_a_hatched_stub(browser, history):  # noqa: F811
    page = browser("adam").get(f"/reports/clinical?{PERIOD}")
    chart = page.text.split('id="figure-clinical_chapter_month"')[1].split("</svg>")[0]
    assert "<title>IV: &lt;5</title>" in chart and "<title>XI: &lt;5</title>" in chart
    assert "<title>IX: 6</title>" in chart and "<title>X: 5</title>" in chart
    titles = re.findall(r"<title>([^<]*)</title>", chart)
    assert not any(t.endswith((": 1", ": 2", ": 3", ": 4")) for t in titles)


def test_no_report_names_a_patient(browser, owner, history):  # noqa: F811
    people = owner.execute("SELECT given_name, personal_number FROM patient").fetchall()
    adam = browser("adam")
    pages = [adam.get("/reports").text] + [adam.get(f"/reports/{k}?{PERIOD}").text for k in REPORTS]
    for text in pages:
        for person in people:
            assert person["given_name"] not in text and person["personal_number"] not in text


@pytest.mark.parametrize(
    "text",
    sorted(
        {r.title for r in REPORTS.values()}
        | {t for r in REPORTS.values() for t in r.not_recorded}
        | {f.title for r in REPORTS.values() for f in r.figures}
        | {f.y_label for r in REPORTS.values() for f in r.figures}
        | {c.header for r in REPORTS.values() for f in r.figures for c in f.columns}
    ),
)
def test_every_figure_text_has_a_swedish_translation(text):
    """Figure texts are looked up by value, where extraction cannot see them."""
    assert translations("sv").gettext(text) != text
