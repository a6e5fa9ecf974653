"""A figure's cells as CSV, and a report's figures as an XLSX workbook (one
sheet each). A suppressed cell is written "<5" in both, as on the page:
the number never reached the app, so it cannot reach a file either.

The workbook is written by hand (Office Open XML is a zip of a few XML
parts); numbers are numbers, days and months ISO text, everything else an
inline string."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal
from html import escape
from typing import Any

from hms.reports.figures import Column

SUPPRESSED = "<5"
Table = tuple[str, list[str], list[list[Any]]]  # sheet name, headers, rows


def cell(column: Column, value: Any, *, yes: str = "yes", no: str = "no") -> Any:
    """One value as a file holds it."""
    if column.kind in ("count", "measure", "money") and value is None:
        return SUPPRESSED
    if column.kind == "month" and isinstance(value, date):
        return value.strftime("%Y-%m")
    if isinstance(value, date):
        return value.isoformat()
    if column.kind == "flag":
        return yes if value else no
    if column.key == "code" and value == "":
        return ""
    return value


# A text cell a spreadsheet would read as a formula (a unit's or a
# clinician's name is typed by people): written with a leading apostrophe,
# which the spreadsheet takes as "this is text".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(headers: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text_cell(h) for h in headers])
    writer.writerows([_text_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_cell(ref: str, value: Any) -> str:
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if value is None:
        return ""
    text = escape(str(value), quote=False)
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet(headers: list[str], rows: list[list[Any]]) -> str:
    lines = []
    for r, values in enumerate([headers, *rows], start=1):
        cells = "".join(_xml_cell(f"{_column_letter(c)}{r}", v) for c, v in enumerate(values))
        lines.append(f'<row r="{r}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(lines)}</sheetData></worksheet>"
    )


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "Sheet"
    candidate, n = clean, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{clean[:25]} {n}"
    taken.add(candidate.lower())
    return candidate


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def to_xlsx(tables: list[Table]) -> bytes:
    taken: set[str] = set()
    names = [_sheet_name(name, taken) for name, _, _ in tables]
    sheets = "".join(
        f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(tables) + 1)
    )
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(tables) + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{_PKG}">{rels}</Relationships>'
        ),
    }
    for i, (_, headers, rows) in enumerate(tables, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet(headers, rows)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()
