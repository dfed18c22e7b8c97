"""CleanTextPipeline (200): cleaned article text, extracted in worker processes.

Extraction costs as much CPU as fetching, so on a machine with a spare core it runs in a
process pool beside the crawler's reactor; the reactor never waits on it.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.exceptions import DropItem

from crawler.items import PageItem
from pipelines.extract.job import extract_job, ready
from pipelines.helpers import spawn_context

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class NotAnArticle(DropItem):
    """The page is archived, but it is not an article (a digest, listing or empty page)."""


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
            self.pool = ProcessPoolExecutor(self.workers, mp_context=spawn_context())

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
                self.pool.submit(ready)

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
        item.extra["content_sha256"] = done.content_sha256
        item.extra["text_sha256"] = done.text_sha256
        return item
