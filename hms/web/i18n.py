"""Swedish and English, with Babel.

Message catalogues are ``hms/i18n/<locale>/LC_MESSAGES/messages.po``; they are
compiled in memory at start, so no build step is needed. English is the
source language (the msgids).
"""

from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

from hms.db.terminology import swedish_icd10_titles

LOCALES = ("sv", "en")
LOCAL_TZ = ZoneInfo("Europe/Stockholm")
_CATALOGUES = Path(__file__).resolve().parent.parent / "i18n"

current_locale: ContextVar[str] = ContextVar("current_locale", default="sv")


@cache
def translations(locale: str) -> NullTranslations:
    """All catalogues of a locale merged; each domain keeps its own ``<domain>.po``."""
    merged: NullTranslations = NullTranslations()
    for po in sorted((_CATALOGUES / locale / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=locale)
        buf = BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        part = Translations(fp=buf)
        if isinstance(merged, Translations):
            merged.merge(part)
        else:
            merged = part
    return merged


def gettext(message: str, **values: object) -> str:
    text = translations(current_locale.get()).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    text = translations(current_locale.get()).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def pick_locale(request: Request, default: str) -> str:
    """Cookie first, then the browser's Accept-Language, then the default."""
    chosen = request.cookies.get("hms_lang")
    if chosen in LOCALES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return default


# Dates and times are shown as numbers, ISO-ordered (yyyy-MM-dd HH:mm), the same
# in every language the app speaks: formatted here rather than by Babel, whose
# locale lookup per call cost a chart of fifty rows about a millisecond.
# tests/web/test_i18n.py holds them equal to Babel's patterns.


def _ymd(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def local_datetime(value: datetime | str | None) -> str:
    """A stored time shown in the hospital's local time. Also takes the ISO
    text that JSON built in SQL carries (e.g. the chart summary's jsonb)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(LOCAL_TZ)
    # %-formatting: half the time of an f-string with five format specs (fifty per chart).
    return "%04d-%02d-%02d %02d:%02d" % (local.year, local.month, local.day, local.hour, local.minute)  # noqa: UP031


def icd10_title(code: str | None, title: str | None) -> str:
    """A diagnosis's title in the page's language: the Swedish title where
    the common codes have one, else the WHO (English) title."""
    if code and current_locale.get() == "sv":
        return swedish_icd10_titles().get(code) or title or ""
    return title or ""


def local_time(value: datetime | None) -> str:
    """The local time of day of a stored moment (the end of a span whose day is shown)."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL_TZ)
    return f"{local.hour:02d}:{local.minute:02d}"


def local_date(value: date | None) -> str:
    """A day as yyyy-MM-dd (of a moment, its own day as stored, as Babel's format_date)."""
    if value is None:
        return ""
    return _ymd(value.date() if isinstance(value, datetime) else value)
