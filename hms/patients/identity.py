"""Swedish personal identity numbers (personnummer) and coordination numbers.

Stored as 12 digits (YYYYMMDDNNNN). People type them in many ways: with or
without century, with - or + (the + marks someone aged 100 or more).
"""

import re
from datetime import date

from personnummer import personnummer as pnr_lib

_TYPED = re.compile(r"^\s*(\d{6}|\d{8})\s*([-+]?)\s*(\d{4})\s*$")


class InvalidNumber(ValueError):
    pass


def normalize(typed: str) -> str:
    """The canonical 12 digits, or InvalidNumber."""
    match = _TYPED.match(typed or "")
    if not match:
        raise InvalidNumber("Not a valid personal identity number.")
    try:
        parsed = pnr_lib.parse("".join(match.groups()))
    except pnr_lib.PersonnummerException:
        raise InvalidNumber("Not a valid personal identity number.") from None
    number: str = parsed.format(True)
    return number


def birth_date(canonical: str) -> date:
    day = int(canonical[6:8])
    if day > 60:
        day -= 60
    return date(int(canonical[:4]), int(canonical[4:6]), day)


def looks_like_number(query: str) -> bool:
    """True when a search box holds digits (and maybe a separator), not a name."""
    stripped = query.replace("-", "").replace("+", "").replace(" ", "")
    return stripped.isdigit() and len(stripped) >= 4


def digits_prefix(query: str) -> str:
    return re.sub(r"\D", "", query)
