"""The formulary's reference data as ``hms migrate`` loads it: the drugs
common in Swedish hospitals with their ATC codes, the ATC groups above them,
and the known interactions between them."""

import pytest

from hms.db.terminology import REFERENCE, formulary_load


def count(owner, table: str) -> int:
    return owner.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def lines(name: str) -> int:
    """Data rows in one of the reference files (no field holds a line break)."""
    with (REFERENCE / name).open(encoding="utf-8") as f:
        return sum(1 for _ in f) - 1


def test_the_formulary_holds_at_least_150_drugs(owner):
    assert count(owner, "drug") >= 150


@pytest.mark.parametrize(
    ("prefix", "what"),
    [
        ("N02A", "opioids"),
        ("N02B", "other analgesics"),
        ("M01A", "NSAIDs"),
        ("J01", "antibiotics"),
        ("B01A", "antithrombotics"),
        ("A10A", "insulins"),
        ("A10B", "other diabetes drugs"),
        ("C01", "cardiac therapy"),
        ("C03", "diuretics"),
        ("C07", "beta blockers"),
        ("C08", "calcium channel blockers"),
        ("C09", "renin-angiotensin system"),
        ("C10", "statins"),
        ("N05", "psycholeptics"),
        ("N06", "antidepressants"),
        ("N03", "antiepileptics"),
        ("R03", "obstructive airway disease"),
        ("H02", "corticosteroids"),
        ("B05", "fluids and electrolytes"),
        ("A02", "acid related disorders"),
        ("V03AB", "antidotes"),
    ],
)
def test_every_category_is_present(owner, prefix, what):
    n = owner.execute("SELECT count(*) AS n FROM drug WHERE atc_code LIKE %s", [prefix + "%"]).fetchone()["n"]
    assert n >= 2, f"too few {what} ({prefix})"


@pytest.mark.parametrize(
    ("generic_name", "atc_code"),
    [
        ("Paracetamol", "N02BE01"),
        ("Morfin", "N02AA01"),
        ("Bensylpenicillin", "J01CE01"),
        ("Piperacillin och tazobaktam", "J01CR05"),
        ("Warfarin", "B01AA03"),
        ("Insulin aspart", "A10AB05"),
        ("Metformin", "A10BA02"),
        ("Enalapril", "C09AA02"),
        ("Spironolakton", "C03DA01"),
        ("Sertralin", "N06AB06"),
        ("Tramadol", "N02AX02"),
        ("Metotrexat", "L04AX03"),
        ("Trimetoprim", "J01EA01"),
        ("Salbutamol", "R03AC02"),
    ],
)
def test_well_known_drugs_carry_their_who_atc_code(owner, generic_name, atc_code):
    codes = {
        r["atc_code"]
        for r in owner.execute("SELECT atc_code FROM drug WHERE generic_name = %s", [generic_name])
    }
    assert atc_code in codes


def test_every_drug_has_its_atc_groups_down_to_level_4(owner):
    missing = owner.execute(
        """
        SELECT d.atc_code, g.prefix
        FROM drug AS d
        CROSS JOIN LATERAL (VALUES (left(d.atc_code, 1)), (left(d.atc_code, 3)), (left(d.atc_code, 4)),
            (left(d.atc_code, 5))) AS g (prefix)
        WHERE NOT EXISTS (SELECT 1 FROM atc_group AS a WHERE a.code = g.prefix)
        """
    ).fetchall()
    assert missing == []


def test_every_atc_group_has_its_parent(owner):
    orphans = owner.execute(
        """
        SELECT code FROM atc_group AS g
        WHERE level > 1 AND NOT EXISTS (
            SELECT 1 FROM atc_group AS p
            WHERE p.code = left(g.code, CASE g.level WHEN 2 THEN 1 WHEN 3 THEN 3 ELSE 4 END)
        )
        """
    ).fetchall()
    assert orphans == []


def test_the_formulary_holds_at_least_40_interactions(owner):
    assert count(owner, "drug_interaction") >= 40


@pytest.mark.parametrize(
    ("first", "second", "what"),
    [
        ("B01AA03", "M01AE01", "warfarin and ibuprofen (an NSAID)"),
        ("B01AA03", "M01AB05", "warfarin and diclofenac (an NSAID)"),
        ("B01AA03", "B01AC06", "warfarin and acetylsalicylic acid"),
        ("N06AB06", "N02AX02", "sertraline (an SSRI) and tramadol"),
        ("N06AB04", "N02AX02", "citalopram (an SSRI) and tramadol"),
        ("C09AA02", "C03DA01", "enalapril (an ACE inhibitor) and spironolactone"),
        ("C09AA05", "C03DB01", "ramipril (an ACE inhibitor) and amiloride"),
        ("C09CA06", "C03DA04", "candesartan (an ARB) and eplerenone"),
        ("C09AA02", "A12BA01", "enalapril and potassium chloride"),
        ("L04AX03", "J01EA01", "methotrexate and trimethoprim"),
        ("L04AX03", "J01EE01", "methotrexate and trimethoprim-sulfamethoxazole"),
        ("C10AA01", "J01FA09", "simvastatin and clarithromycin"),
        ("N05AN01", "M01AE02", "lithium and naproxen (an NSAID)"),
        ("N05AN01", "C09AA02", "lithium and enalapril"),
        ("N05AN01", "C03AA03", "lithium and hydrochlorothiazide"),
        ("C01AA05", "C01BD01", "digoxin and amiodarone"),
        ("B01AA03", "C01BD01", "warfarin and amiodarone"),
        ("B01AA03", "P01AB01", "warfarin and metronidazole"),
        ("B01AA03", "J02AC01", "warfarin and fluconazole"),
        ("B01AC04", "A02BC01", "clopidogrel and omeprazole"),
        ("G04BE03", "C01DA02", "sildenafil and nitroglycerin"),
        ("N02AA01", "N05BA01", "morphine and diazepam"),
        ("B01AF01", "M01AE01", "rivaroxaban and ibuprofen"),
        ("N05AD01", "N06AB04", "haloperidol and citalopram"),
        ("N03AG01", "N03AX09", "valproate and lamotrigine"),
        ("M04AA01", "L04AX01", "allopurinol and azathioprine"),
    ],
)
def test_the_well_known_interactions_are_known(owner, first, second, what):
    """A drug falls under a side of an interaction when its code begins with
    that side's code; the pair is found whichever drug is named first."""
    found = owner.execute(
        """
        SELECT severity FROM drug_interaction
        WHERE (%(x)s LIKE atc_a || '%%' AND %(y)s LIKE atc_b || '%%')
           OR (%(y)s LIKE atc_a || '%%' AND %(x)s LIKE atc_b || '%%')
        """,
        {"x": first, "y": second},
    ).fetchall()
    assert found, f"no interaction between {what}"
    assert all(r["severity"] in ("moderate", "major", "contraindicated") for r in found), what


def test_every_interaction_side_matches_a_drug(owner):
    unmatched = owner.execute(
        """
        SELECT i.atc_a AS side FROM drug_interaction AS i
        WHERE NOT EXISTS (SELECT 1 FROM drug AS d WHERE d.atc_code LIKE i.atc_a || '%')
        UNION
        SELECT i.atc_b FROM drug_interaction AS i
        WHERE NOT EXISTS (SELECT 1 FROM drug AS d WHERE d.atc_code LIKE i.atc_b || '%')
        """
    ).fetchall()
    assert unmatched == []


def test_every_class_named_by_an_interaction_is_an_atc_group(owner):
    unknown = owner.execute(
        """
        SELECT side FROM drug_interaction AS i
        CROSS JOIN LATERAL (VALUES (i.atc_a), (i.atc_b)) AS s (side)
        WHERE length(side) < 7 AND NOT EXISTS (SELECT 1 FROM atc_group AS g WHERE g.code = side)
        """
    ).fetchall()
    assert unknown == []


def test_loading_twice_loads_nothing_the_second_time(owner):
    before = {t: count(owner, t) for t in ("atc_group", "drug", "drug_interaction")}
    assert formulary_load(owner) == {"atc_group": 0, "drug": 0, "drug_interaction": 0}
    assert {t: count(owner, t) for t in before} == before


def test_an_empty_formulary_is_loaded_whole(owner):
    """Into empty tables the loader brings every row of the three files; the
    deletion is rolled back, so the other tests keep the formulary."""
    with owner.transaction(force_rollback=True):
        owner.execute("DELETE FROM drug_interaction; DELETE FROM drug; DELETE FROM atc_group")
        loaded = formulary_load(owner)
        assert loaded == {
            "atc_group": lines("atc_groups.csv"),
            "drug": lines("drugs.csv"),
            "drug_interaction": lines("drug_interactions.csv"),
        }
        assert count(owner, "drug") == loaded["drug"]
        assert formulary_load(owner) == {"atc_group": 0, "drug": 0, "drug_interaction": 0}


def test_routes_are_loaded_as_arrays(owner):
    row = owner.execute(
        "SELECT routes::text[] AS routes FROM drug WHERE generic_name = 'Morfin' AND form = 'injection'"
    ).fetchone()
    assert set(row["routes"]) == {"iv", "sc", "im"}
