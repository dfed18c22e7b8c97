"""The parsed page (decoded once, parsed once with lxml) and the selectors parsers use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from pipelines.extract.decode import Decoded, decode_html
from pipelines.extract.metadata import Metadata, read_metadata
from pipelines.extract.model import Page
from pipelines.extract.text import normalise

# Block elements whose boundaries end a line when reading the text of a container.
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
                     "blockquote", "section", "article", "figure", "figcaption", "table",
                     "tr", "td", "th", "dd", "dt", "pre", "header", "footer", "center"})


@dataclass(frozen=True)
class Doc:
    """A page decoded and parsed once; parsers and the fallback all read this tree and
    never modify it (they work on copies of the subtrees they clean)."""

    url: str
    tree: HtmlElement
    decoded: Decoded
    captured: date  # the capture's UTC date: picks parser versions, anchors yearless dates
    # Selections already made on the tree: a parser's ``key`` is often its ``body``, and
    # each query walks the whole page (30-50 us on a 60 KB page).
    _found: dict[Selector, list[HtmlElement]] = field(default_factory=dict, compare=False,
                                                      repr=False)

    @classmethod
    def from_page(cls, page: Page) -> Doc:
        """Decode the payload and parse it."""
        decoded = decode_html(page.body, page.header("Content-Type"))
        return cls(page.url, parse_html(decoded.text), decoded, page.fetched_at.date())

    @cached_property
    def metadata(self) -> Metadata:
        """JSON-LD, meta and link data, read on first use."""
        return read_metadata(self.tree)

    def select(self, selector: Selector) -> list[HtmlElement]:
        """The selector's elements on the whole page, each query run once per page (the
        tree never changes). Callers must not modify the list."""
        found = self._found.get(selector)
        if found is None:
            found = self._found[selector] = selector.elements(self.tree)
        return found


def parse_html(text: str) -> HtmlElement:
    """Parse decoded HTML. Re-encoding to UTF-8 with an explicit parser encoding makes lxml
    ignore the page's own ``<meta charset>`` (already settled by decode) and accept pages
    that start with an XML declaration."""
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=False)
    try:
        return lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except etree.ParserError:  # an empty document
        return lxml.html.document_fromstring(b"<html><body></body></html>", parser=parser)


@lru_cache(maxsize=1024)
def _css(query: str) -> CSSSelector:
    return CSSSelector(query, translator="html")


@lru_cache(maxsize=1024)
def _xpath(query: str) -> etree.XPath:
    return etree.XPath(query)


@dataclass(frozen=True)
class css:  # lower case: reads as a function in declarations, css("h1.s-title")
    """A CSS selector; values are the elements' text, or ``attr`` when given."""

    query: str
    attr: str | None = None

    def elements(self, root: HtmlElement) -> list[HtmlElement]:
        """Matching elements under (and including) root, in document order."""
        return list(_css(self.query)(root))

    def values(self, root: HtmlElement) -> list[str]:
        """Non-empty normalised texts (or attribute values) of the matching elements."""
        return _values(self.elements(root), self.attr)


@dataclass(frozen=True)
class xpath:
    """An XPath expression selecting elements; values as for ``css``."""

    query: str
    attr: str | None = None

    def elements(self, root: HtmlElement) -> list[HtmlElement]:
        """Matching elements, relative to root."""
        return [e for e in _xpath(self.query)(root) if isinstance(e, HtmlElement)]

    def values(self, root: HtmlElement) -> list[str]:
        """Non-empty normalised texts (or attribute values) of the matching elements."""
        return _values(self.elements(root), self.attr)


Selector = css | xpath
# A field declaration: one selector, several tried in order, or a function of the Doc.
Field = Selector | tuple[Selector, ...] | Callable[[Doc], Any] | None


@dataclass(frozen=True)
class FromInitials:
    """Marker for ``authors``: take the names of the editors' sign-off line (SANA prints no
    author in markup before 2025; the sign-off is the author)."""

    note: str = field(default="authors from the sign-off line")


INITIALS = FromInitials()


def field_values(declared: Field, doc: Doc) -> list[str]:
    """The values a declared field yields on a document: the first selector with any."""
    if declared is None:
        return []
    if isinstance(declared, tuple):
        for selector in declared:
            values = _values(doc.select(selector), selector.attr)
            if values:
                return values
        return []
    if isinstance(declared, css | xpath):
        return _values(doc.select(declared), declared.attr)
    result = declared(doc)
    if result is None:
        return []
    return [result] if isinstance(result, str) else [str(v) for v in result]


def field_elements(declared: Field, doc: Doc) -> list[HtmlElement]:
    """The elements of a selector field on the page (callables select no elements)."""
    if isinstance(declared, tuple):
        for selector in declared:
            found = doc.select(selector)
            if found:
                return found
        return []
    if isinstance(declared, css | xpath):
        return doc.select(declared)
    return []


def lines(element: HtmlElement) -> list[str]:
    """An element's text split into lines at ``<br>`` and block boundaries, normalised,
    empty lines dropped. Comments and processing instructions contribute only their tail."""
    parts: list[str] = []
    _walk_text(element, parts)
    return [line for line in (normalise(p) for p in "".join(parts).split("\n")) if line]


def _walk_text(element: HtmlElement, parts: list[str]) -> None:
    if isinstance(element.tag, str) and element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            parts.append("\n")
        elif tag in _BLOCKS:
            parts.append("\n")
            _walk_text(child, parts)
            parts.append("\n")
        elif tag:
            _walk_text(child, parts)
        if child.tail:
            parts.append(child.tail)


def _values(elements: list[HtmlElement], attr: str | None) -> list[str]:
    raw = [(e.get(attr) or "") if attr else " ".join(lines(e)) for e in elements]
    return [v for v in (normalise(r) for r in raw) if v]
