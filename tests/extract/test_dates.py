"""Publication dates in every format the three outlets print, and what is refused."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.extract.dates import date_from_url, infer_year, parse_date

DAMASCUS, HAVANA, DUBAI = "Asia/Damascus", "America/Havana", "Asia/Dubai"


@pytest.mark.parametrize(("text", "tz", "iso", "date_only"), [
    ("2025-09-06T23:07:04+03:00", DAMASCUS, "2025-09-06T23:07:04+03:00", False),
    ("2017-03-28T14:05:00+00:00", DAMASCUS, "2017-03-28T14:05:00+00:00", False),
    ("2013-06-06T11:40:00", DAMASCUS, "2013-06-06T11:40:00+03:00", False),
    ("2020-04-30", DAMASCUS, "2020-04-30T00:00:00+03:00", True),
    ("Thu, 06 Jun 2013 08:40:00 +0000", DAMASCUS, "2013-06-06T08:40:00+00:00", False),
    ("Thu, 16 Jan 2014 05:15:51 GMT", DUBAI, "2014-01-16T05:15:51+00:00", False),
    ("GMT 06:12 2013 Saturday ,01 June", DUBAI, "2013-06-01T06:12:00+00:00", False),
    ("GMT 16:17 2018 Thursday ,30 August", DUBAI, "2018-08-30T16:17:00+00:00", False),
    # SANA's 2013 date line, summer (UTC+3) and winter (UTC+2); permanent +3 since 2022
    ("Jun 06, 2013", DAMASCUS, "2013-06-06T00:00:00+03:00", True),
    ("Dec 14, 2013", DAMASCUS, "2013-12-14T00:00:00+02:00", True),
    ("Dec 14, 2023", DAMASCUS, "2023-12-14T00:00:00+03:00", True),
    ("March 28, 2017", DAMASCUS, "2017-03-28T00:00:00+02:00", True),  # DST began 31 Mar
    ("Thursday, 06 June 2013 14:20", HAVANA, "2013-06-06T14:20:00-04:00", False),
    ("16 de julio de 2020, 16:27", HAVANA, "2020-07-16T16:27:00-04:00", False),
    ("3 de abril de 2021", HAVANA, "2021-04-03T00:00:00-04:00", True),
    ("الثلاثاء 22 نيسان / أبريل 2025", DUBAI, "2025-04-22T00:00:00+04:00", True),
    ("٠٥ حزيران ٢٠١٣", DAMASCUS, "2013-06-05T00:00:00+03:00", True),
    ("١٤ ديسمبر ٢٠١٣", DAMASCUS, "2013-12-14T00:00:00+02:00", True),
    ("Last Updated ( Thursday, 06 June 2013 15:02 )", HAVANA, "2013-06-06T15:02:00-04:00", False),
])
def test_formats(text: str, tz: str, iso: str, date_only: bool) -> None:
    parsed = parse_date(text, tz, reference=date(2025, 9, 7))
    assert parsed is not None, text
    assert (parsed.iso(), parsed.date_only) == (iso, date_only)


@pytest.mark.parametrize("text", [
    "منذ 50 دقيقة", "50 minutes ago", "5 hours ago", "2 days ago", "just now", "Today",
    "yesterday", "hace 3 horas", "Last Updated : GMT 05:17:37",
    "آخر تحديث 21:44:11 بتوقيت أبوظبي", "", "Comments Off", "Read More »", "H. Said",
])
def test_relative_and_non_dates_are_refused(text: str) -> None:
    assert parse_date(text, DAMASCUS, reference=date(2025, 9, 7)) is None


def test_yearless_spanish_date_takes_the_reference_year() -> None:
    parsed = parse_date("31 mar", HAVANA, reference=date(2020, 7, 17))
    assert parsed is not None and parsed.iso() == "2020-03-31T00:00:00-04:00"


def test_yearless_date_after_the_reference_is_last_year() -> None:
    parsed = infer_year(31, 12, HAVANA, date(2021, 1, 2))
    assert parsed is not None and parsed.iso() == "2020-12-31T00:00:00-05:00"
    assert parse_date("31 mar", HAVANA) is None  # no reference, no year: refused


def test_url_date() -> None:
    parsed = date_from_url("https://www.plenglish.com/news/2024/11/01/slug/", HAVANA)
    assert parsed is not None and parsed.iso() == "2024-11-01T00:00:00-04:00" and parsed.date_only
    assert date_from_url("https://sana.sy/en/politics/2289847/", DAMASCUS) is None


def test_free_form_date_falls_back_to_dateparser() -> None:
    parsed = parse_date("le 6 juin 2013 à 10h30", "Europe/Paris")
    assert parsed is not None and parsed.value.date() == date(2013, 6, 6)
