"""The replica's content model and the ground truth it publishes to tests.

An :class:`Article` holds the *clean* text (what a perfect extractor should produce).
Each of its :class:`Page` renderings (one per site generation that serves it) re-applies
that generation's quirks when rendering, so edits made through the mutation API show up
everywhere, escaped or doubled exactly as the real site would do it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass
class Page:
    """One rendering of an article: its generation, canonical URL and every URL reaching it.

    ``urls`` lists every URL form (answering 200 or redirecting); ``redirects`` maps the
    redirecting ones to their ``Location``. ``precision`` says how much of the publication
    time the page shows (``day`` for pages that print only a date).
    """

    generation: str
    canonical: str
    urls: tuple[str, ...]
    redirects: dict[str, str] = field(default_factory=dict)
    charset: str = "utf-8"
    quirks: tuple[str, ...] = ()
    precision: str = "second"
    fault: str | None = None
    shortlink: str | None = None


@dataclass
class Article:
    """A story with clean text; renderers add datelines, initials and quirks back."""

    id: int
    edition: str
    title: str
    published: datetime
    section: str
    body: list[str]
    slug: str = ""
    modified: datetime | None = None
    tags: list[str] = field(default_factory=list)
    dateline: str | None = None
    initials: str | None = None
    authors: list[str] = field(default_factory=list)
    is_article: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    pages: list[Page] = field(default_factory=list)
    deleted: str | None = None

    def __post_init__(self) -> None:
        if self.modified is None:
            self.modified = self.published

    @property
    def updated(self) -> datetime:
        """The modification time (never None after construction)."""
        return self.modified or self.published


@dataclass(frozen=True)
class ArticleTruth:
    """What a correct crawl and extraction of one page family should yield.

    ``body_paragraphs`` are the clean paragraphs: dateline-only, byline-only and
    initials paragraphs removed; quirks undone (``\\'`` unescaped, ``''`` single, a
    caption repeated at the start of the lead removed). An inline dateline ("DAMASCUS,
    (SANA)- Our armed forces...") stays in its paragraph and is also given in
    ``dateline``. ``published``/``modified`` are ISO 8601 with an offset (the outlet's
    local time; pages may print the same instant in UTC): compare instants, at
    ``published_precision`` (``day`` for pages that print a date only, ``minute``...).
    ``sources`` are the feed, sitemap and listing URLs that link the article.
    ``fault`` names the misbehaviour of fault URLs (``faults=True``); ``deleted`` the
    deletion mode set through the mutation API. ``also_served_as`` gives the canonical
    URLs of the same story under other site generations. ``shortlink`` is the id URL of
    WordPress generations (``https://sana.sy/en/?p=<id>``; for archive.sana.sy posts the
    pre-move ``sana.sy`` form, which their feed GUIDs carry), None elsewhere.
    """

    outlet: str
    edition: str
    article_id: int
    generation: str
    canonical_url: str
    urls: tuple[str, ...]
    redirects: Mapping[str, str]
    title: str
    published: str
    modified: str
    published_precision: str
    section: str
    tags: tuple[str, ...]
    dateline: str | None
    editor_initials: str | None
    authors: tuple[str, ...]
    body_paragraphs: tuple[str, ...]
    sources: tuple[str, ...]
    charset: str
    is_article: bool
    quirks: tuple[str, ...] = ()
    fault: str | None = None
    deleted: str | None = None
    also_served_as: tuple[str, ...] = ()
    shortlink: str | None = None

    @property
    def language(self) -> str:
        """The edition code is the language code (en, ar, es)."""
        return self.edition


def truth(outlet: str, article: Article, page: Page, sources: tuple[str, ...]) -> ArticleTruth:
    """The ground truth of one rendering of ``article``."""
    published, modified = article.published, article.updated
    return ArticleTruth(
        outlet=outlet, edition=article.edition, article_id=article.id,
        generation=page.generation, canonical_url=page.canonical, urls=page.urls,
        redirects=dict(page.redirects), title=article.title,
        published=published.isoformat(), modified=modified.isoformat(),
        published_precision=page.precision, section=article.section,
        tags=tuple(article.tags), dateline=article.dateline,
        editor_initials=article.initials, authors=tuple(article.authors),
        body_paragraphs=tuple(article.body) if article.is_article else (),
        sources=sources, charset=page.charset, is_article=article.is_article,
        quirks=page.quirks, fault=page.fault, deleted=article.deleted,
        also_served_as=tuple(p.canonical for p in article.pages if p is not page),
        shortlink=page.shortlink,
    )


def slugify(title: str, limit: int = 90) -> str:
    """A WordPress-like slug; Arabic letters are kept (percent-encoded later on the wire)."""
    text = title.replace("'", "").replace("’", "")
    if re.search("[\u0600-\u06ff]", text):
        text = re.sub("[\u064b-\u065f\u0670]", "", text)  # Arabic short vowels and shadda
    else:
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def addslashes(text: str) -> str:
    """PHP's addslashes, the Emirates Voice body quirk."""
    return text.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')


def stripslashes(text: str) -> str:
    """Undo :func:`addslashes`."""
    return re.sub(r"\\(.)", r"\1", text)


def relative_time(now: datetime, then: datetime, language: str = "en") -> str:
    """Foxiz's visible relative date ("50 minutes ago", "منذ 3 ساعات")."""
    delta = max(now - then, timedelta(minutes=1))
    minutes = int(delta.total_seconds() // 60)
    if language == "ar":
        if minutes < 60:
            return f"منذ {minutes} دقيقة"
        if minutes < 60 * 24:
            return f"منذ {minutes // 60} ساعة"
        return f"منذ {minutes // 1440} يوم"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes > 1 else ''} ago"
    if minutes < 60 * 24:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours > 1 else ''} ago"
    days = minutes // 1440
    return f"{days} day{'s' if days > 1 else ''} ago"
