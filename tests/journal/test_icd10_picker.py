"""The diagnosis picker finds the common diagnoses by their Swedish names,
offers common codes before rare ones, and says truly how many it shows."""

import re

import pytest

from tests.conftest import login


def picked(html: str) -> list[str]:
    return re.findall(r'name="picked_code" value="([^"]+)"', html)


@pytest.fixture()
def search(client, cast):
    login(client, "alice")

    def run(typed: str, locale: str = "sv") -> str:
        client.cookies.set("hms_lang", locale)
        page = client.get(f"/patients/{cast.greta_patient}/journal/diagnoses/new", params={"icd_q": typed})
        assert page.status_code == 200
        return page.text

    return run


def test_at_least_500_common_codes_have_swedish_titles_and_a_tier(owner):
    row = owner.execute(
        "SELECT count(*) FILTER (WHERE title_sv IS NOT NULL) AS sv, "
        "count(*) FILTER (WHERE common_tier IS NOT NULL) AS tiered, "
        "count(*) FILTER (WHERE title_sv IS NOT NULL AND NOT is_leaf) AS not_leaf FROM icd10_code"
    ).fetchone()
    assert row["sv"] >= 500
    assert row["tiered"] == row["sv"]
    assert row["not_leaf"] == 0  # every listed code can be recorded as it is


def test_pneumoni_offers_the_common_pneumonia_first(search):
    codes = picked(search("pneumoni"))
    assert codes[0] == "J18.9"
    assert "A20.2" in codes  # the plague is offered too, after the common pneumonias
    assert codes.index("J18.9") < codes.index("J13") < codes.index("A20.2")


@pytest.mark.parametrize(
    ("typed", "code", "title"),
    [
        ("hjärtsvikt", "I50.9", "Hjärtsvikt, ospecificerad"),
        ("hjartsvikt", "I50.9", "Hjärtsvikt, ospecificerad"),  # without the accent
        ("fraktur lårbenshalsen", "S72.0", "Fraktur på lårbenshalsen"),  # words in any place
        ("förmaksflimmer", "I48.9", "Förmaksflimmer och förmaksfladder, ospecificerat"),
        ("urinvägsinfektion", "N39.0", "Urinvägsinfektion utan angiven lokalisation"),
    ],
)
def test_swedish_names_find_the_code_and_show_in_swedish(search, typed, code, title):
    html = search(typed)
    assert code in picked(html)[:3]
    assert title in html


def test_the_english_interface_shows_the_who_title(search):
    html = search("hjärtsvikt", locale="en")
    assert "I50.9" in picked(html)[:3]
    assert "Heart failure, unspecified" in html


def test_the_hint_tells_how_many_are_shown(search):
    broad = search("pneumoni", locale="en")
    assert len(picked(broad)) == 30
    assert "More codes match than the 30 shown" in broad
    narrow = search("lårbenshalsen", locale="en")
    assert len(picked(narrow)) == 1
    assert "1 code matches." in narrow
    assert "More codes match" not in narrow
    assert "No ICD-10 codes match." in search("zzzxq", locale="en")


def test_a_recorded_diagnosis_reads_in_the_pages_language(client, cast, owner):
    owner.execute(
        "INSERT INTO diagnosis (patient_id, care_unit_id, code, rank, recorded_by) "
        "VALUES (%s, %s, 'I50.9', 'primary', %s)",
        [cast.greta_patient, cast.unit_med, cast.alice],
    )
    login(client, "alice")
    for locale, title in (("sv", "Hjärtsvikt, ospecificerad"), ("en", "Heart failure, unspecified")):
        client.cookies.set("hms_lang", locale)
        for path in ("journal", "journal/diagnoses"):
            page = client.get(f"/patients/{cast.greta_patient}/{path}")
            assert title in page.text, (locale, path)
