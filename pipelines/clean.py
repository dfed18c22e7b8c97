"""CleanTextPipeline (200): cleaned article text, extracted in worker processes.

Extraction costs as much CPU as fetching, so on a machine with a spare core it runs in a
process pool beside the crawler's reactor; the reactor never waits on it.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import DropItem

from catalog.similar import folded_signature
from catalog.textnorm import fold
from crawler.items import PageItem
from pipelines.extract import extract
from pipelines.extract.model import Page

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class NotAnArticle(DropItem):
    """The page is archived, but it is not an article (a digest, listing or empty page)."""


@dataclass(frozen=True)
class Extracted:
    """What a worker returns for one page: everything CPU-bound about its text is done
    there, where a core is to spare, and not on the crawl's reactor thread."""

    article: dict[str, Any]
    text_json: bytes  # the stored text document (`text_document`)
    signature: bytes | None  # MinHash of the text, for near-duplicates across outlets
    folded: tuple[str, str]  # title and body folded for the search index


def extract_job(page: Page, outlet: str, edition: str | None, language: str | None,
                canonical_url: str, parsers: Sequence[type]) -> Extracted:
    """Runs in a worker process: plain data in, plain data out."""
    article = extract(page, outlet, edition, language, canonical_url, parsers).to_dict()
    # Folded once: the search index stores it and the shingles are its words.
    body = fold("\n\n".join(article.get("body") or []))
    return Extracted(article, text_document(article), folded_signature(body),
                     (fold(article.get("title") or ""), body))


def text_document(article: dict[str, Any]) -> bytes:
    """The stored text JSON: stable key order, UTF-8, so equal texts hash equal."""
    return json.dumps(article, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def worker_count(configured: int) -> int:
    if configured >= 0:
        return configured
    return max(0, (os.cpu_count() or 1) - 1)


class CleanTextPipeline:
    def __init__(self, crawler: Crawler, workers: int) -> None:
        self.crawler = crawler
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.warming = False
        crawler.signals.connect(self.scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanTextPipeline:
        return cls(crawler, worker_count(crawler.settings.getint("NEWSVAULT_EXTRACT_WORKERS")))

    def open_spider(self) -> None:
        if self.workers:
            # spawn, not fork: forking a process that runs a reactor and threads is unsafe.
            ctx = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(self.workers, mp_context=ctx)

    def scheduled(self, request: Request) -> None:
        """The first request for an article not archived yet starts the workers, so their
        second of start-up overlaps the fetching. Started by the first response instead,
        they stalled the crawl (Scrapy stops downloading while scraped responses wait).
        A run that only re-checks starts them when a changed page needs one."""
        if self.pool is None or self.warming:
            return
        if request.meta.get("nv_canonical") and request.meta.get("nv_previous") is None:
            self.warming = True
            for _ in range(self.workers):
                self.pool.submit(worker_count, 0)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=False)

    async def process_item(self, item: PageItem) -> PageItem:
        if item.kind != "page" or item.page is None:
            return item  # revisits, deletions and misses have no new text: nothing to extract
        spider = self.crawler.spider
        args = (item.page, item.outlet, item.edition, item.language, item.canonical_url,
                list(getattr(spider, "parsers", [])))
        if self.pool is None:
            done = extract_job(*args)
        else:
            done = await asyncio.wrap_future(self.pool.submit(extract_job, *args))
        article = done.article
        stats = self.crawler.stats
        assert stats is not None
        for flag in article.get("flags", []):
            stats.inc_value(f"newsvault/extract/{flag}")
        if "not_article" in article.get("flags", []):
            raise NotAnArticle(f"not an article ({', '.join(article.get('flags', []))}): "
                               f"{item.page.url}", log_level="INFO")
        stats.inc_value(f"newsvault/extract/parser/{article.get('parser')}")
        item.article = article
        item.text_json = done.text_json
        item.extra["signature"] = done.signature
        item.extra["folded"] = done.folded
        return item
