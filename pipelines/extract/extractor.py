"""The single entry point of extraction: a plain function over plain data, so it runs in
a worker process (the crawl, re-extraction from WARCs and the tests all call it)."""

from __future__ import annotations

from collections.abc import Sequence

from pipelines.extract.document import Doc
from pipelines.extract.model import Article, Page
from pipelines.extract.parser import Context, Parser, select_parser

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


def extract(page: Page, outlet: str, edition: str | None, language: str | None,
            canonical_url: str, parsers: Sequence[type[Parser]]) -> Article:
    """Extract the article of one fetched page.

    The payload is decoded and parsed once; the outlet's parser versions are tried (those
    valid at the capture date first, see ``select_parser``); when none matches, the generic
    parser (JSON-LD/OpenGraph metadata plus trafilatura) runs and the Article is flagged
    ``fallback``. Error responses and non-HTML payloads yield an empty Article flagged
    ``not_article`` so the catalog still records what was captured.
    """
    content_type = (page.header("Content-Type") or "").split(";")[0].strip().lower()
    if page.status >= 400 or content_type not in _HTML_TYPES:
        reason = f"http_{page.status}" if page.status >= 400 else "not_html"
        return Article(url=page.url, canonical_url=canonical_url or page.url, outlet=outlet,
                       edition=edition, language=language, flags=["not_article", reason])
    doc = Doc.from_page(page)
    context = Context(outlet, edition, language, canonical_url, doc)
    chosen = select_parser(parsers, doc)
    if chosen is None:
        article = Parser.extract(page, context)
        article.flags.insert(0, "fallback")
        return article
    return chosen.extract(page, context)
