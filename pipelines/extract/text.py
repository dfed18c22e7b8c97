"""Paragraph text: normalisation, CMS artefacts, datelines, initials and bylines.

Pure string functions, so re-extraction and the cleaning pipeline share them. Datelines,
initials and bylines go into their own fields rather than being lost: our 2013 samples show
them and readers cite them. A dateline printed inline ("DAMASCUS, (SANA)- Our armed
forces...") stays in its paragraph, which is quoted as printed; a paragraph that is only a
dateline, byline or sign-off leaves the body.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Invisible marks that carry no content (zero-width space, word joiner, BOM, soft hyphen,
# LRM/RLM) go. ZWNJ/ZWJ stay: they change how Arabic and Persian letters join. NBSP and its
# narrow, figure and thin cousins need no rule: str.split() counts them as whitespace.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u200e\u200f]")
_SLASHED = re.compile(r"\\+(['\"])")
_LETTER = r"[^\W\d_]"
_PLACE = rf"{_LETTER}[\w .'’-]{{0,40}}?"

# Dateline forms at the start of the first paragraph. Each captures the dateline as printed.
DATELINES: tuple[re.Pattern[str], ...] = (
    # SANA 2012-13 "DAMASCUS, (SANA)-", "HOMS,(SANA) –"; 2015+ "Damascus, SANA –", "Aleppo, SANA_"
    re.compile(rf"^(?P<dl>{_PLACE},\s*(?:\(SANA\)\s*[-–—_:]*|SANA\s*(?:[-–—_:]+|$)))\s*"),
    # SANA Arabic "حمص-سانا"
    re.compile(r"^(?P<dl>[\u0600-\u06FF][\u0600-\u06FF ]{0,30}?\s*[-–—_]\s*سانا)"
               r"(?:\s*[-–—_:]+)?\s*"),
    # Prensa Latina "Damascus, Jun 6 (Prensa Latina)", "Moscow, 31 mar (Prensa Latina):",
    # "Havana, (Prensa Latina)", the typo "Prensa Laltina"
    re.compile(rf"^(?P<dl>{_PLACE},\s*(?:(?:{_LETTER}{{3,}}\.?\s+\d{{1,2}}|\d{{1,2}}\s+{_LETTER}{{3,}}\.?)"
               r"\s*)?\(\s*Prensa\s+La\w*\s*\)\s*:?)\s*"),
    # Arabs Today network "Damascus - Arabstoday", Arabic "دمشق - العرب اليوم"
    re.compile(rf"^(?P<dl>{_PLACE}\s+[-–]\s+(?:Arabs?\s?today|العرب اليوم|صوت الإمارات))"
               r"(?:\s*[-–:]+)?\s*", re.I),
)
# Day and month inside a Prensa Latina dateline, for the year-less date it carries.
DATELINE_DAY = re.compile(
    rf",\s*(?:(?P<m1>{_LETTER}{{3,}})\.?\s+(?P<d1>\d{{1,2}})|(?P<d2>\d{{1,2}})\s+(?P<m2>{_LETTER}{{3,}}))")

_INITIALED = r"(?:[A-Z][a-z]?\.\s?)+[A-Z][a-z'’-]+"  # "H. Said", "Gh.A.Hassoun"
_BARE_NAME = r"[A-Z][a-z'’-]+"  # "Mazen" in "B. Mousa / Mazen"
# "Hazem Sabbagh": SANA also signs with full names; two or three capitalised words only.
_FULL_NAME = r"[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,2}"
_NAMES = re.compile(rf"^(?:{_INITIALED}|{_FULL_NAME}|{_BARE_NAME})"
                    rf"(?:\s*/\s*(?:{_INITIALED}|{_FULL_NAME}|{_BARE_NAME}))*$")
_CODES = re.compile(r"^[a-z]{1,5}(?:\s*/\s*[a-z]{1,5})+$")  # Prensa Latina "jg/oda/mks"
_BYLINE = re.compile(r"^(?:By|Por|بقلم)\s*[:\-–]?\s+(?P<names>.{3,80})$")
_NAME_WORD = re.compile(r"^(?:[A-Z\u0600-\u06FF][\w.'’-]*\*?,?|and|y|de|del|la|و)$")
_DIGEST = re.compile(r"main topics of the day|principales temas del día|^Editors?:", re.I | re.M)
_CAMERA_FILE = re.compile(r"^(?:[A-Z0-9_]+[\\/])*(?:DCIM|IMG|DSC|DJI|MVI|PXL)[\w\\/.-]*$", re.I)


@dataclass
class Split:
    """Body paragraphs, and the dateline, initials and bylines found in them."""

    body: list[str]
    dateline: str | None = None
    initials: str | None = None
    bylines: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    """One paragraph: NFC, NBSP as space, invisible characters gone, whitespace collapsed."""
    if text.isascii():  # already NFC, and every invisible mark is outside ASCII
        return " ".join(text.split())
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", text)).split())


def unslash(text: str) -> str:
    """Undo PHP ``addslashes``: ``\\'`` and ``\\"`` back to plain quotes."""
    if "\\" not in text:
        return text
    return _SLASHED.sub(r"\1", text)


def collapse_apostrophes(text: str) -> str:
    """``Mexico''s`` -> ``Mexico's``: an SQL-escaping leak of Prensa Latina's o=rn CMS."""
    return re.sub(r"(?<=\w)''(?!')", "'", text)


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """The dateline at the start of a paragraph and the rest (possibly empty)."""
    for pattern in DATELINES:
        match = pattern.match(paragraph)
        if match:
            return match.group("dl").strip(), paragraph[match.end():].strip()
    return None, paragraph


def is_initials(paragraph: str) -> bool:
    """Whether a paragraph is an editors' sign-off ("H. Said", "B. Mousa / Mazen",
    "Gh.A.Hassoun", "jg/oda/mks") rather than prose."""
    text = paragraph.strip()
    if len(text) > 60:
        return False
    if _CODES.match(text):
        return True
    if not _NAMES.match(text):
        return False
    return bool(re.search(_INITIALED, text)) or bool(re.fullmatch(_FULL_NAME, text))


def initials_names(initials: str) -> list[str]:
    """The people named in a sign-off; editor codes ("jg/oda/mks") name nobody."""
    if _CODES.match(initials):
        return []
    return [part.strip() for part in initials.split("/") if part.strip()]


def byline_names(paragraph: str) -> list[str] | None:
    """Names of a byline paragraph ("By: Sergio Ferrari*", "Por Luis Manuel Arce",
    "بقلم - ..."), or None when the paragraph is not a byline."""
    match = _BYLINE.match(paragraph.strip())
    # Names are a few capitalised words; "By the end of the year, ..." is prose.
    if not match or not all(_NAME_WORD.match(w) for w in match.group("names").split()[:8]) \
            or len(match.group("names").split()) > 8:
        return None
    names = re.split(r"\s*(?:,|\band\b|\by\b|و)\s*", match.group("names"))
    return [n.strip(" *") for n in names if n.strip(" *")]


def split_paragraphs(paragraphs: Sequence[str], dateline: str | None = None) -> Split:
    """Find the bylines and dateline at the top and the initials at the bottom.

    Byline, sign-off and dateline-only paragraphs leave the body; an inline dateline is
    reported but stays in its paragraph. ``dateline`` is one the template prints in its
    own element (then a first paragraph repeating it alone is dropped).
    """
    body = [p for p in paragraphs if p]
    bylines: list[str] = []
    while body and (names := byline_names(body[0])) is not None:
        bylines.extend(names)
        body.pop(0)
    if body and dateline is None:
        dateline, rest = split_dateline(body[0])
        if dateline and not rest:
            body.pop(0)
    elif body and body[0].strip(" -–:") == (dateline or "").strip(" -–:"):
        body.pop(0)
    initials = body.pop() if body and is_initials(body[-1]) else None
    return Split(body, dateline, initials, bylines)


def dateline_day(dateline: str) -> tuple[int, str] | None:
    """Day and month name of a dated dateline ("Damascus, Jun 6 (Prensa Latina)")."""
    match = DATELINE_DAY.search(dateline)
    if not match:
        return None
    day = match.group("d1") or match.group("d2")
    month = match.group("m1") or match.group("m2")
    return int(day), month


def strip_caption(paragraph: str, caption: str | None) -> str:
    """Remove an image caption that the CMS glued to the start of the first paragraph
    ("Syrian President Bashar al-Assad Syrian troops ..."), keeping real sentences that
    happen to begin with the same words ("Syrian President Bashar al-Assad said ...")."""
    if not caption or not paragraph.startswith(caption + " "):
        return paragraph
    rest = paragraph[len(caption):].lstrip()
    return rest if rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in "\"“'" else paragraph


def recover_case(title: str | None, candidates: Iterable[str | None]) -> str | None:
    """A lower-cased title replaced by a candidate (h1, og:title) with the same words in
    their real case. The candidates are read only for a lower-cased title."""
    if not title or title != title.lower() or title == title.upper():
        return title
    key = normalise(title).casefold()
    for candidate in candidates:
        if candidate and candidate != candidate.lower() and normalise(candidate).casefold() == key:
            return normalise(candidate)
    return title


def strip_suffix(title: str, pattern: str | None) -> str:
    """A title without its site suffix (``" - S A N A …"``, ``" | SANA"``)."""
    if not pattern:
        return title
    return re.sub(pattern, "", title).strip() or title


def is_digest(paragraphs: Sequence[str]) -> bool:
    """A daily digest ("Second list of the main topics of the day ...") or any page whose
    paragraphs carry several datelines: a list of stories, not one."""
    if any(_DIGEST.search(p) for p in paragraphs[:3]):
        return True
    return sum(1 for p in paragraphs if split_dateline(p)[0]) >= 3


def is_camera_junk(caption: str) -> bool:
    """Captions that are only a camera file name (``DCIM\\105MEDIA\\DJI_0504.JPG``)."""
    return bool(_CAMERA_FILE.match(caption.strip()))
