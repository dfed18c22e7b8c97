"""Declarative outlet parsers, dated by site generation (after fundus's versioned parsers).

An outlet module declares one ``Parser`` subclass per site generation::

    class Foxiz(Parser):
        valid_from = date(2025, 8, 1)
        timezone = "Asia/Damascus"
        title = css("h1.s-title")
        body = css("div.entry-content.rbct")
        exclude = ("div.entry-bottom", ".related-sec", ".efoot", ".e-shared-sec")

Every field it leaves undeclared (or whose selectors find nothing) comes from JSON-LD and
OpenGraph metadata, then from trafilatura and htmldate; ``Article.methods`` records which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from pipelines.extract.document import Doc, Field, FromInitials, Selector, css
from pipelines.extract.model import Article, Page


@dataclass(frozen=True)
class Context:
    """What extraction knows besides the page: who published it, under which edition and
    language, its canonical URL, and the page already decoded and parsed."""

    outlet: str
    edition: str | None
    language: str | None
    canonical_url: str
    doc: Doc


class Parser:
    """One site generation's template, as selectors.

    Class attributes (all optional):

    - ``valid_from`` / ``valid_until``: the generation's window (capture dates,
      ``valid_until`` exclusive); used to try the likely version first.
    - ``timezone``: IANA zone of dates printed without an offset.
    - ``key``: a selector whose presence proves the template (default: ``body``); the
      cheap ``matches()`` test.
    - ``title``, ``published``, ``modified``, ``section``, ``tags``, ``authors``,
      ``images``, ``dateline``, ``caption``: a ``css``/``xpath`` selector, a tuple of
      them tried in order, or a function of the ``Doc``. ``authors = INITIALS`` takes the
      names of the editors' sign-off line.
    - ``title_suffix``: regex of a site suffix to strip from any title source.
    - ``body``: the article container; ``paragraphs``: paragraph elements inside it
      (default ``p``; when none match, the container's lines are the paragraphs);
      ``exclude``: CSS of boilerplate removed from (a copy of) the container first.
    - ``fixes``: text functions applied to every paragraph (``collapse_apostrophes``).
    """

    name: ClassVar[str] = "fallback"
    valid_from: ClassVar[date | None] = None
    valid_until: ClassVar[date | None] = None
    timezone: ClassVar[str] = "UTC"
    key: ClassVar[Selector | None] = None
    title: ClassVar[Field] = None
    title_suffix: ClassVar[str | None] = None
    body: ClassVar[Selector | None] = None
    paragraphs: ClassVar[Selector] = css("p")
    exclude: ClassVar[tuple[str, ...]] = ()
    dateline: ClassVar[Field] = None
    caption: ClassVar[Field] = None
    published: ClassVar[Field] = None
    modified: ClassVar[Field] = None
    section: ClassVar[Field] = None
    tags: ClassVar[Field] = None
    authors: ClassVar[Field | FromInitials] = None
    images: ClassVar[Field] = None
    fixes: ClassVar[tuple[Callable[[str], str], ...]] = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            # "crawler.spiders.sana" + "Foxiz" -> "sana.Foxiz", as Article.parser shows it
            cls.name = f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"

    @classmethod
    def valid_on(cls, day: date) -> bool:
        """Whether a capture date falls inside this generation's window."""
        return (cls.valid_from is None or day >= cls.valid_from) and (
            cls.valid_until is None or day < cls.valid_until)

    @classmethod
    def matches(cls, doc: Doc) -> bool:
        """Whether the page is built with this template: its key element exists."""
        key = cls.key or cls.body
        return key is not None and bool(doc.select(key))

    @classmethod
    def extract(cls, page: Page, context: Context) -> Article:
        """The article of a page, field by field: this parser's selectors, then
        metadata, then trafilatura/htmldate."""
        from pipelines.extract.assemble import assemble

        return assemble(cls, page, context)


def select_parser(parsers: Sequence[type[Parser]], doc: Doc) -> type[Parser] | None:
    """The parser version for a page: versions valid at the capture date first (in
    declared order), then the others, nearest window first, since old templates stay
    online (archive.sana.sy still serves the 2014 theme); the first that matches wins.
    None means no version matches and the generic fallback applies."""
    day = doc.captured
    valid = [p for p in parsers if p.valid_on(day)]
    others = sorted((p for p in parsers if not p.valid_on(day)), key=lambda p: _distance(p, day))
    return next((p for p in (*valid, *others) if p.matches(doc)), None)


def _distance(parser: type[Parser], day: date) -> int:
    """Days between a date and a parser's window."""
    if parser.valid_from is not None and day < parser.valid_from:
        return (parser.valid_from - day).days
    if parser.valid_until is not None and day >= parser.valid_until:
        return (day - parser.valid_until).days + 1
    return 0
