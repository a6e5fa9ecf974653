"""The laboratory catalogue loaded from hms/db/reference: enough tests, valid
LOINC codes, names in both languages, units, one range per sex and age, and
the critical limits the wards are phoned about."""

import csv
from pathlib import Path

from hms.db import terminology

REFERENCE = Path(terminology.__file__).parent / "reference"


def loinc_check_digit(number: str) -> int:
    """LOINC's mod 10 check digit (the Luhn rule over the digits before the dash)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def test_the_catalogue_has_sixty_tests_with_valid_loinc_codes_and_both_languages(owner):
    tests = owner.execute("SELECT loinc, name_en, name_sv, unit FROM lab_test").fetchall()
    assert len(tests) >= 60
    for t in tests:
        number, check = t["loinc"].split("-")
        assert loinc_check_digit(number) == int(check), t["loinc"]
        assert t["name_en"] and t["name_sv"] and t["unit"], t["loinc"]


def test_every_test_has_a_range_and_the_critical_ones_have_limits(owner):
    unranged = owner.execute(
        "SELECT loinc FROM lab_test AS t WHERE NOT EXISTS (SELECT 1 FROM lab_reference_range AS r WHERE r.loinc = t.loinc)"
    ).fetchall()
    assert unranged == []
    critical = {
        r["short_name"]
        for r in owner.execute(
            "SELECT DISTINCT t.short_name FROM lab_reference_range AS r INNER JOIN lab_test AS t USING (loinc) "
            "WHERE r.critical_low IS NOT NULL OR r.critical_high IS NOT NULL"
        ).fetchall()
    }
    assert {"K", "Na", "Glukos", "Hb", "TPK", "TnT", "TnI"} <= critical


def test_no_two_bands_of_a_test_overlap_for_one_sex(owner):
    overlapping = owner.execute(
        "SELECT a.loinc, a.sex, a.age_from, b.sex AS other_sex, b.age_from AS other_from "
        "FROM lab_reference_range AS a INNER JOIN lab_reference_range AS b "
        "ON a.loinc = b.loinc AND a.id < b.id AND (a.sex = b.sex OR 'any' IN (a.sex, b.sex)) "
        "AND a.age_from < coalesce(b.age_to, interval '200 years') "
        "AND b.age_from < coalesce(a.age_to, interval '200 years')"
    ).fetchall()
    assert overlapping == []


def test_panels_name_known_tests(owner):
    panels = owner.execute(
        "SELECT p.code, count(pt.loinc) AS n FROM lab_panel AS p LEFT JOIN lab_panel_test AS pt "
        "ON p.code = pt.panel_code GROUP BY p.code"
    ).fetchall()
    assert {"BLOOD_COUNT", "ELECTROLYTES", "LIVER", "KIDNEY", "LIPIDS", "COAGULATION", "INFLAMMATION"} <= {
        p["code"] for p in panels
    }
    assert all(p["n"] >= 3 for p in panels)


def test_the_files_load_once(owner):
    # the migration's loader found the catalogue there and leaves it alone
    assert terminology.lab_catalogue_load(owner) == dict.fromkeys(
        ("lab_test", "lab_reference_range", "lab_panel", "lab_panel_test"), 0
    )
    with (REFERENCE / "lab_tests.csv").open(encoding="utf-8") as f:
        assert (
            len(list(csv.DictReader(f)))
            == owner.execute("SELECT count(*) AS n FROM lab_test").fetchone()["n"]
        )
