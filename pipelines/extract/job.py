"""One page's extraction as a worker process runs it: plain data in, plain data out.

Kept free of Scrapy and SQLAlchemy, so that a worker imports only what it runs (lxml,
numpy and the extractors): a worker's start-up is spent while the crawl is fetching.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from catalog.minhash import folded_signature
from catalog.textnorm import fold
from pipelines.extract import extract
from pipelines.extract.model import Page


@dataclass(frozen=True)
class Extracted:
    """What a worker returns for one page: everything CPU-bound about its text is done
    there, where a core is to spare, and not on the crawl's reactor thread."""

    article: dict[str, Any]
    text_json: bytes  # the stored text document (`text_document`)
    signature: bytes | None  # MinHash of the text, for near-duplicates across outlets
    folded: tuple[str, str]  # title and body folded for the search index
    # SHA-256 of the decoded content and of ``text_json``, for the provenance record: a
    # hash of the 40-80 KB page here, not on the reactor thread.
    content_sha256: str
    text_sha256: str


def extract_job(page: Page, outlet: str, edition: str | None, language: str | None,
                canonical_url: str, parsers: Sequence[type]) -> Extracted:
    article = extract(page, outlet, edition, language, canonical_url, parsers).to_dict()
    # Folded once: the search index stores it and the shingles are its words.
    body = fold("\n\n".join(article.get("body") or []))
    text_json = text_document(article)
    return Extracted(article, text_json, folded_signature(body),
                     (fold(article.get("title") or ""), body),
                     hashlib.sha256(page.body).hexdigest(), hashlib.sha256(text_json).hexdigest())


def text_document(article: dict[str, Any]) -> bytes:
    """The stored text JSON: stable key order, UTF-8, so equal texts hash equal."""
    return json.dumps(article, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def ready() -> int:
    """A no-op job: submitted to start a worker before the first page needs it."""
    return 0
