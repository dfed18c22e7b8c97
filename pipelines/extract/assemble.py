"""Field-by-field assembly of an Article: the outlet parser's selectors first, then JSON-LD
and OpenGraph metadata, then trafilatura and htmldate. Each field's source goes into
``Article.methods`` so a reader can judge how far to trust it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import deepcopy
from functools import cache
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urljoin

from lxml.html import HtmlElement

from pipelines.extract import fallback
from pipelines.extract.dates import MONTHS, ParsedDate, date_from_url, infer_year, parse_date
from pipelines.extract.document import Doc, Field, FromInitials, css, field_elements, field_values
from pipelines.extract.document import lines as element_lines
from pipelines.extract.model import Article, Image, Page
from pipelines.extract.text import (
    dateline_day,
    initials_names,
    is_camera_junk,
    is_digest,
    normalise,
    recover_case,
    split_paragraphs,
    strip_caption,
    strip_suffix,
    unslash,
)

if TYPE_CHECKING:
    from pipelines.extract.parser import Context, Parser

# Never article text, whatever the template: removed from the body container before reading.
ALWAYS_EXCLUDED = ("script", "style", "noscript", "template", "form", "button", "select",
                   "textarea", "input", "svg", "iframe", "nav")
MIN_TEXT = 80  # characters: below this a page is an image, video or stub post
_PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished",
                   "pubdate", "publishdate", "dc.date", "dcterms.created", "date")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified")
_H1 = css("h1")
_H2 = css("h2")
_TITLE = css("title")
_FIGCAPTION = css("figcaption")
T = TypeVar("T")


def assemble(parser: type[Parser], page: Page, context: Context) -> Article:
    """Build the Article of a page with one parser version (``Parser`` itself is the
    generic fallback: it declares no selectors)."""
    doc = context.doc
    article = Article(url=page.url, outlet=context.outlet, edition=context.edition,
                      canonical_url=context.canonical_url or doc.metadata.canonical or page.url,
                      language=None, parser=parser.name, encoding=doc.decoded.encoding)
    article.methods["encoding"] = doc.decoded.source
    builder = _Builder(parser, doc, article)
    builder.title()
    builder.body()
    builder.dates()
    builder.labels()
    builder.authors()
    builder.images()
    builder.language(context.language)
    builder.flags()
    return article


class _Builder:
    def __init__(self, parser: type[Parser], doc: Doc, article: Article) -> None:
        self.parser, self.doc, self.article = parser, doc, article
        self.outlet = f"outlet:{parser.name}"
        self.meta = doc.metadata
        self.bylines: list[str] = []
        self.listing = False

    def _clean(self, text: str) -> str:
        """CMS artefacts out of one text: PHP slashes always, the parser's fixes after."""
        text = unslash(text)
        for fix in self.parser.fixes:
            text = fix(text)
        return normalise(text)

    def _outlet(self, declared: Field) -> list[str]:
        return [self._clean(v) for v in field_values(declared, self.doc)]

    def title(self) -> None:
        """Outlet selector, JSON-LD headline, og:title, a lone h1, then <title>; suffix
        stripped and a lower-cased title given back its case."""
        h1s = cache(lambda: field_values(_H1, self.doc))  # read once, and only if needed
        sources: Iterable[tuple[Callable[[], str | None], str]] = (
            (lambda: _first(self._outlet(self.parser.title)), self.outlet),
            (lambda: self.meta.ld_text("headline"), "jsonld"),
            (lambda: self.meta.first("og:title", "twitter:title"), "meta"),
            (lambda: h1s()[0] if len(h1s()) == 1 else None, "html"),
            (lambda: _first(field_values(_TITLE, self.doc)), "html"),
        )
        for source, method in sources:
            value = source()
            if value:
                title = strip_suffix(self._clean(value), self.parser.title_suffix)
                site = self.meta.first("og:site_name")
                if site and title != site:
                    title = strip_suffix(title, rf"\s+[-|–—:]\s+{re.escape(site)}\s*$")
                # Read only if the title is lower-cased: most titles never need them.
                candidates = _chain_texts(h1s, lambda: field_values(_H2, self.doc)[:5], lambda: (
                    self.meta.first("og:title"), self.meta.ld_text("headline")))
                self.article.title = recover_case(title, candidates)
                self.article.methods["title"] = method
                return

    def body(self) -> None:
        """Outlet container (or trafilatura unless the page is a listing), cleaned; byline,
        dateline-only and sign-off paragraphs and a glued caption taken off."""
        paragraphs, method = self._outlet_paragraphs(), self.outlet
        if not paragraphs:
            self.listing = fallback.looks_like_listing(self.doc)
            if self.listing:
                return
            paragraphs, method = fallback.body_paragraphs(self.doc), "trafilatura"
        paragraphs = [c for c in (self._clean(p) for p in paragraphs) if c]
        if paragraphs and paragraphs[0] == self.article.title:
            paragraphs.pop(0)  # the headline repeated as the first paragraph
        declared_dateline = _first(self._outlet(self.parser.dateline))
        split = split_paragraphs(paragraphs, declared_dateline)
        captions = (self._outlet(self.parser.caption) if self.parser.caption
                    else field_values(_FIGCAPTION, self.doc))
        for caption in captions[:3]:
            if split.body:
                split.body[0] = strip_caption(split.body[0], caption)
        art = self.article
        art.body, art.dateline, art.editor_initials = split.body, split.dateline, split.initials
        self.bylines = split.bylines
        if art.body:
            art.methods["body"] = method
        if art.dateline:
            art.methods["dateline"] = self.outlet if declared_dateline else "text"
        if art.editor_initials:
            art.methods["editor_initials"] = "text"

    def _outlet_paragraphs(self) -> list[str]:
        container = _first(field_elements(self.parser.body, self.doc))
        if container is None:
            return []
        work = deepcopy(container)  # the shared tree stays intact for other fields
        # One walk for the tags and one query for the parser's selectors (a query per
        # selector walked the container 14 times). Dropping an element already inside a
        # dropped one is harmless: it leaves a detached subtree.
        excluded = list(work.iter(*ALWAYS_EXCLUDED))
        if self.parser.exclude:
            excluded += css(", ".join(self.parser.exclude)).elements(work)
        for element in excluded:
            if element is not work:
                element.drop_tree()  # keeps the tail text, which belongs to the parent
        elements = _outermost(self.parser.paragraphs.elements(work))
        if not elements:
            return element_lines(work)
        return [line for element in elements for line in element_lines(element)]

    def dates(self) -> None:
        """Published and modified dates, each from the first source that parses."""
        published = self._date(self.parser.published, "datePublished", _PUBLISHED_META)
        if published is None:
            published = self._derived_date()
        if published is not None:
            value, method = published
            self.article.published, self.article.methods["published"] = value.iso(), method
            if value.date_only:
                self.article.flags.append("published_date_only")
        modified = self._date(self.parser.modified, "dateModified", _MODIFIED_META)
        if modified is not None:
            self.article.modified = modified[0].iso()
            self.article.methods["modified"] = modified[1]

    def _date(self, declared: Field, ld_key: str, meta_keys: tuple[str, ...]
              ) -> tuple[ParsedDate, str] | None:
        tz, ref = self.parser.timezone, self.doc.captured
        candidates: Iterator[tuple[str | None, str]] = _chain(
            ((v, self.outlet) for v in field_values(declared, self.doc)),
            ((self.meta.ld_text(ld_key), "jsonld"),),
            ((self.meta.first(k), "meta") for k in meta_keys))
        for text, method in candidates:
            parsed = parse_date(text, tz, ref)
            if parsed is not None:
                return parsed, method
        return None

    def _derived_date(self) -> tuple[ParsedDate, str] | None:
        """No declared date: the URL's /YYYY/MM/DD/, then a dated dateline, then htmldate."""
        tz = self.parser.timezone
        from_url = date_from_url(self.doc.url, tz)
        if from_url is not None:
            return from_url, "url"
        day = dateline_day(self.article.dateline or "")
        month = MONTHS.get(day[1].lower().rstrip(".")) if day else None
        if day and month:
            inferred = infer_year(day[0], month, tz, self.doc.captured)
            if inferred is not None:
                return inferred, "dateline"
        if self.listing:
            return None
        found = fallback.published_date(self.doc, tz)
        return (found, "htmldate") if found is not None else None

    def labels(self) -> None:
        """Section and tags."""
        art, meta = self.article, self.meta
        section = _first(self._outlet(self.parser.section))
        method = self.outlet
        if not section:
            section, method = _first(meta.ld_names("articleSection")), "jsonld"
        if not section:
            section, method = meta.first("article:section"), "meta"
        if section:
            art.section, art.methods["section"] = section, method
        for tags, method in ((self._outlet(self.parser.tags), self.outlet),
                             (meta.all("article:tag"), "meta"),
                             (meta.ld_names("keywords"), "jsonld")):
            if tags:
                art.tags, art.methods["tags"] = list(dict.fromkeys(tags)), method
                return

    def authors(self) -> None:
        """Outlet selector or sign-off, printed byline, JSON-LD author, then meta author."""
        art, declared = self.article, self.parser.authors
        outlet_names = (initials_names(art.editor_initials or "")
                        if isinstance(declared, FromInitials) else self._outlet(declared))
        outlet_method = "initials" if isinstance(declared, FromInitials) else self.outlet
        for names, method in ((outlet_names, outlet_method), (self.bylines, "byline"),
                              (self.meta.ld_names("author"), "jsonld"),
                              (_meta_authors(self.meta.all("author")), "meta")):
            if names:
                art.authors, art.methods["authors"] = list(dict.fromkeys(names)), method
                return

    def images(self) -> None:
        """Outlet images with captions (camera file names dropped), else og:image."""
        elements = field_elements(self.parser.images, self.doc)
        images = [i for e in elements for i in _images(e, self.doc.url)]
        method = self.outlet
        if not images:
            urls = self.meta.all("og:image") or [u for u in [self.meta.ld_text("image")] if u]
            images, method = [Image(url=urljoin(self.doc.url, u)) for u in urls], "meta"
        if images:
            self.article.images = list({i.url: i for i in images}.values())
            self.article.methods["images"] = method

    def language(self, given: str | None) -> None:
        """The edition's language, else <html lang>, else JSON-LD inLanguage."""
        for value, method in ((given, "context"), (self.meta.lang, "html"),
                              (self.meta.ld_text("inLanguage"), "jsonld")):
            if value:
                self.article.language = value.replace("_", "-").split("-")[0].lower()
                self.article.methods["language"] = method
                return

    def flags(self) -> None:
        """not_article for listings, digests and pages under MIN_TEXT characters."""
        art = self.article
        if self.listing:
            art.flags.extend(["not_article", "listing"])
            return
        if len(art.text) < MIN_TEXT:
            art.flags.extend(["short", "not_article"])
        elif is_digest(art.body):
            art.flags.extend(["digest", "not_article"])


def _images(element: HtmlElement, base: str) -> list[Image]:
    """Images of an ``img`` (or of the ``img`` elements inside a container)."""
    imgs = [element] if element.tag == "img" else list(element.iter("img"))
    found: list[Image] = []
    for img in imgs:
        src = img.get("src") or img.get("data-src") or img.get("data-lazy-src")
        if not src or src.startswith("data:"):
            continue
        figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        caption = _first(_FIGCAPTION.values(figure)) if figure is not None else None
        if caption and is_camera_junk(caption):
            caption = None
        found.append(Image(url=urljoin(base, src.strip()), caption=caption,
                           alt=normalise(img.get("alt") or "") or None))
    return found


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """Selected elements that are not inside another selected element."""
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _meta_authors(values: list[str]) -> list[str]:
    return [v for v in values if not v.startswith(("http://", "https://"))]


def _first(values: Sequence[T]) -> T | None:
    return values[0] if values else None


def _chain_texts(*parts: Callable[[], Iterable[str | None]]) -> Iterator[str | None]:
    """The texts of each part in turn, each part read only when the previous is used up."""
    for part in parts:
        yield from part()


def _chain(*parts: Iterable[tuple[str | None, str]]) -> Iterator[tuple[str | None, str]]:
    for part in parts:
        yield from part
