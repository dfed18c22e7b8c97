"""Publication dates to ISO 8601 with an offset.

Fixed formats are tried first (they are exact and fast); dateparser only handles what none
of them covers, with relative parsing switched off. Relative texts ("50 minutes ago",
"منذ 50 دقيقة"), "today" widgets and "Last Updated" clocks are never dates of an article,
so they are refused before any parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

MONTHS: dict[str, int] = {
    # English
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
    # Spanish
    "ene": 1, "enero": 1, "febrero": 2, "marzo": 3, "abr": 4, "abril": 4, "mayo": 5,
    "junio": 6, "julio": 7, "ago": 8, "agosto": 8, "set": 9, "septiembre": 9,
    "setiembre": 9, "octubre": 10, "noviembre": 11, "dic": 12, "diciembre": 12,
    # Arabic: Levantine/Iraqi (Syriac) names, then Egyptian/Gulf (Latin) names
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "اذار": 3, "نيسان": 4, "أيار": 5, "ايار": 5,
    "حزيران": 6, "تموز": 7, "آب": 8, "اب": 8, "أيلول": 9, "ايلول": 9, "تشرين الأول": 10,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الأول": 12, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5,
    "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9,
    "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))

# Texts that look like dates but are not the article's: relative ages and "today" widgets.
_NOT_A_DATE = re.compile(
    r"\b(?:(?:sec|second|min|minute|hr|hour|day|week|month|year)s?\s+ago|just now|today"
    r"|yesterday|hace|hoy|ayer)\b|منذ|اليوم|أمس|امس", re.I)
# Site clocks ("Last Updated : GMT 05:17:37", "آخر تحديث 21:44:11"): a time with no date is
# the page's render time. Joomla's "Last Updated ( Thursday, 06 June 2013 15:02 )" has a
# year and stays parseable.
_CLOCK = re.compile(r"last updated|updated\s*:|آخر تحديث|اخر تحديث|أخر تحديث", re.I)

# "GMT 06:12 2013 Saturday ,01 June" (Arabs Today network).
_GMT_LINE = re.compile(
    rf"GMT\s+(\d{{1,2}}):(\d{{2}})\s+(\d{{4}})\s+[A-Za-z]+\s*,\s*(\d{{1,2}})\s+({_MONTH_RE})", re.I)
# "Jun 06, 2013", "March 28, 2017", optional "10:21" after.
_MDY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})(?:\D+(\d{{1,2}}):(\d{{2}}))?",
                  re.I)
# "06 June 2013", "16 de julio de 2020, 16:27", "22 نيسان / أبريل 2025", "31 mar" (no year).
_DMY = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+(?:de\s+)?({_MONTH_RE})\.?(?:\s*/\s*(?:{_MONTH_RE}))?"
    rf"(?:,?\s+(?:de\s+|del\s+)?(\d{{4}}))?(?:[^\d:]{{1,6}}(\d{{1,2}}):(\d{{2}}))?", re.I)
_YMD = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b(?:[ T](\d{1,2}):(\d{2}))?")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/")


@dataclass(frozen=True)
class ParsedDate:
    """A parsed date: the aware datetime, and whether only the day was known (the time
    is then local midnight, which is a convention, not a fact)."""

    value: datetime
    date_only: bool = False

    def iso(self) -> str:
        """ISO 8601 with offset, seconds precision."""
        return self.value.isoformat(timespec="seconds")


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """A cached ZoneInfo (the IANA database handles Damascus's 2013 summer time and the
    permanent UTC+3 since October 2022)."""
    return ZoneInfo(name)


def is_relative(text: str) -> bool:
    """Whether a text is a relative age, a "today" widget or a "last updated" clock."""
    if _CLOCK.search(text) and not re.search(r"\d{4}", text):
        return True
    return bool(_NOT_A_DATE.search(text))


def parse_date(text: str | None, tz: str = "UTC", reference: date | None = None
               ) -> ParsedDate | None:
    """Parse a date text in any of the outlets' formats; None when it is not a date.

    ``tz`` is the outlet's zone for texts without an offset. ``reference`` (the capture
    date) supplies the year of texts without one ("31 mar"), taking the latest year that
    does not put the date after the reference.
    """
    if not text:
        return None
    text = " ".join(text.translate(_ARABIC_DIGITS).split())
    if not text or is_relative(text):
        return None
    for parse in (_parse_iso, _parse_rfc822, _parse_gmt_line, _parse_mdy, _parse_ymd):
        parsed = parse(text, tz)
        if parsed is not None:
            return parsed
    return _parse_dmy(text, tz, reference) or _parse_dateparser(text, tz)


def date_from_url(url: str, tz: str) -> ParsedDate | None:
    """The ``/YYYY/MM/DD/`` date of a URL path, as a day."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    return _local(int(match[1]), int(match[2]), int(match[3]), None, None, tz)


def _local(year: int, month: int, day: int, hour: int | None, minute: int | None,
           tz: str) -> ParsedDate | None:
    try:
        value = datetime(year, month, day, hour or 0, minute or 0, tzinfo=zone(tz))
    except ValueError:
        return None
    return ParsedDate(value, date_only=hour is None)


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _parse_iso(text: str, tz: str) -> ParsedDate | None:
    if not re.match(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|$)", text):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    date_only = len(text) == 10
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz))
    return ParsedDate(value, date_only)


def _parse_rfc822(text: str, tz: str) -> ParsedDate | None:
    if not re.match(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", text):
        return None
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(tz))
    return ParsedDate(value)


def _parse_gmt_line(text: str, tz: str) -> ParsedDate | None:
    match = _GMT_LINE.search(text)
    if not match:
        return None
    hour, minute, year, day, month = match.groups()
    # The line says GMT, so the outlet zone does not apply.
    return _local(int(year), _month(month), int(day), int(hour), int(minute), "UTC")


def _parse_mdy(text: str, tz: str) -> ParsedDate | None:
    match = _MDY.search(text)
    if not match:
        return None
    month, day, year, hour, minute = match.groups()
    return _local(int(year), _month(month), int(day), _int(hour), _int(minute), tz)


def _parse_ymd(text: str, tz: str) -> ParsedDate | None:
    match = _YMD.search(text)
    if not match:
        return None
    year, month, day, hour, minute = match.groups()
    return _local(int(year), int(month), int(day), _int(hour), _int(minute), tz)


def _parse_dmy(text: str, tz: str, reference: date | None) -> ParsedDate | None:
    match = _DMY.search(text)
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    if year is None:
        if reference is None:
            return None
        return _infer_year(int(day), _month(month), _int(hour), _int(minute), tz, reference)
    return _local(int(year), _month(month), int(day), _int(hour), _int(minute), tz)


def infer_year(day: int, month: int, tz: str, reference: date) -> ParsedDate | None:
    """A yearless day and month ("Jun 6" in a dateline) placed in the latest year that does
    not put it more than a day after ``reference``."""
    return _infer_year(day, month, None, None, tz, reference)


def _infer_year(day: int, month: int, hour: int | None, minute: int | None, tz: str,
                reference: date) -> ParsedDate | None:
    for year in (reference.year, reference.year - 1):
        parsed = _local(year, month, day, hour, minute, tz)
        if parsed and parsed.value.date() <= reference + timedelta(days=1):
            return parsed
    return None


def _parse_dateparser(text: str, tz: str) -> ParsedDate | None:
    """Last resort for free-form absolute dates; relative parsing stays off."""
    if len(text) > 60 or not re.search(r"\d{4}", text):
        return None
    import dateparser  # slow to import; most pages never get here

    value = dateparser.parse(text, settings={
        "PARSERS": ["custom-formats", "absolute-time"],
        "REQUIRE_PARTS": ["day", "month", "year"],
        "TIMEZONE": tz, "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "past",
    })
    if value is None:
        return None
    return ParsedDate(value, date_only=value.hour == value.minute == value.second == 0)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None else None
