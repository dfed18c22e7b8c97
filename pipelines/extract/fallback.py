"""The generic extractors: trafilatura for the body, htmldate for the date, and the tests
that tell an article from a listing page.

Only called when an outlet parser produced nothing for a field, because trafilatura costs
as much CPU as fetching the page did (about 4 ms per page).
"""

from __future__ import annotations

from datetime import timedelta

from lxml.html import HtmlElement

from pipelines.extract.dates import ParsedDate, parse_date
from pipelines.extract.document import Doc, css, lines

# WordPress body classes of pages that list posts rather than show one.
_LISTING_BODY_CLASSES = frozenset({"home", "blog", "archive", "category", "tag", "search",
                                   "paged", "author", "date"})
_TEASER_LINKS = css("h2 > a, h3 > a, h4 > a")
_ARTICLES = css("article")
_TRAFILATURA_BLOCKS = frozenset({"p", "head", "item", "quote", "list"})


def body_paragraphs(doc: Doc) -> list[str]:
    """Main-text paragraphs according to trafilatura, reading the already parsed tree."""
    from trafilatura import bare_extraction  # imported on first use: most pages never need it

    result = bare_extraction(doc.tree, url=doc.url, favor_precision=True,
                             include_comments=False, include_tables=False,
                             with_metadata=False, deduplicate=False)
    body = getattr(result, "body", None)
    if body is None:
        return []
    paragraphs: list[str] = []
    for element in body.iter():
        if element.tag in _TRAFILATURA_BLOCKS and not _has_block_child(element):
            paragraphs.extend(lines(element))
    return paragraphs


def _has_block_child(element: HtmlElement) -> bool:
    return any(child.tag in _TRAFILATURA_BLOCKS for child in element)


def published_date(doc: Doc, tz: str) -> ParsedDate | None:
    """The original publication date according to htmldate's markup search.

    ``extensive_search`` stays off: it reads free text, which is where "today" widgets and
    "Last Updated" clocks live. Dates after the capture are impossible and refused.
    """
    from htmldate import find_date

    found = find_date(doc.tree, url=doc.url, extensive_search=False, original_date=True,
                      outputformat="%Y-%m-%d",
                      max_date=(doc.captured + timedelta(days=1)).isoformat())
    return parse_date(found, tz) if found else None


def looks_like_listing(doc: Doc) -> bool:
    """Section, tag and home pages: WordPress archive body classes, several ``<article>``
    cards, or a page made of many teaser headline links."""
    body = doc.tree.find("body")
    classes = set((body.get("class") or "").split()) if body is not None else set()
    if classes & _LISTING_BODY_CLASSES and not classes & {"single", "single-post", "page"}:
        return True
    if len(_ARTICLES.elements(doc.tree)) >= 3:
        return True
    return len(_TEASER_LINKS.elements(doc.tree)) >= 8

