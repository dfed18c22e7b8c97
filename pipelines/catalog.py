"""CatalogPipeline (400): text and provenance into the store, catalog rows in batches."""

from __future__ import annotations

import asyncio
import json
import logging
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from twisted.internet.task import LoopingCall

from catalog.history import Check
from catalog.writer import ArticleCapture
from crawler.items import PageItem
from crawler.run import Run
from pipelines.batch import Batch, CheckEntry, Entry, Job, PageEntry, to_utc
from pipelines.batchwriter import ProcessWriter, ThreadWriter, use_process
from pipelines.storage import provenance_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
# A batch is written when it holds this many articles, or after this many seconds: the
# longest an archived capture waits for its catalog rows (and what a crash can leave for
# `pipelines.batch.replay_spooled` to enter at the next start).
BATCH_SIZE = 100
BATCH_SECONDS = 0.5


def provenance_json(prov: dict[str, Any]) -> bytes:
    """The provenance document as stored: the serialisation ProvenancePipeline writes."""
    return json.dumps(prov, ensure_ascii=False, sort_keys=True).encode("utf-8")


# The catalog's column sizes (catalog/schema.py). A longer validator is not kept: cut
# short it would never match, and PostgreSQL would refuse the row (SQLite does not check).
VALIDATOR_SIZES = {"ETag": 255, "Last-Modified": 64}


def validator(item: PageItem, name: str) -> str | None:
    """ETag / Last-Modified of the response, for the next conditional re-check (None
    when absent or too long to be a real one; the WARC keeps it as sent either way)."""
    value = item.page.header(name) if item.page is not None else None
    return value if value is None or len(value) <= VALIDATOR_SIZES[name] else None


def page_entry(run: Run, item: PageItem) -> PageEntry:
    """An article capture with its text, as the batch writes it."""
    prov = item.extra["provenance"]
    assert item.text_json is not None and item.article is not None
    assert item.capture is not None and item.page is not None
    key = prov["text"]["key"]
    # The provenance beside its text, so that the store explains itself without the
    # catalog: the same bytes as the WARC's metadata record (ProvenancePipeline).
    prov_bytes = item.extra.get("provenance_json") or provenance_json(prov)
    return PageEntry(ArticleCapture(
        article=item.article, capture_id=prov["capture_id"], run_id=run.info.run_id,
        fetched_at=item.capture["fetched_at"], status=item.page.status, text_key=key,
        text_sha256=prov["text"]["sha256"], payload_sha256=prov["payload_sha256"],
        metadata_record=item.extra["metadata_record"], provenance=prov,
        published_utc=to_utc(item.article.get("published")),
        etag=validator(item, "ETag"), last_modified=validator(item, "Last-Modified"),
        folded=item.extra.get("folded")), item.outlet,
        ((key, item.text_json), (provenance_key(key), prov_bytes)),
        item.extra.get("signature"), item.page.url)


def check_entry(run: Run, item: PageItem) -> CheckEntry:
    """A re-check without new text, as the batch writes it."""
    prov = item.extra.get("provenance")
    at = item.capture["fetched_at"] if item.capture else datetime.now(UTC)
    url = item.page.url if item.page else item.requested_url
    return CheckEntry(Check(
        outlet=item.outlet, canonical_url=item.canonical_url, kind=item.kind, at=at,
        run_id=run.info.run_id, capture_id=prov["capture_id"] if prov else None, url=url,
        status=item.page.status if item.page else None, provenance=prov,
        metadata_record=item.extra.get("metadata_record"), detail=item.detail), url)


class CatalogPipeline:
    """Last in line: only a capture whose bytes, provenance and text are all archived
    reaches the catalog, so the catalog never points at something that is not there.

    Captures are written in batches (`pipelines.batch`) by a writer process, or thread
    (`pipelines.batchwriter`): its file creation, fsyncs and commits wait on the disk, and
    the reactor goes on fetching meanwhile. One batch is written at a time; the next one
    fills up while it is. Every batch is written before the spider closes, so the run's
    end sees all of them."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.batch = Batch()
        self.ticker: LoopingCall | None = None
        self.writer: ProcessWriter | ThreadWriter | None = None
        self.writing: asyncio.Future[list[int]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CatalogPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.ticker = LoopingCall(self.flush)
        self.ticker.start(BATCH_SECONDS, now=False)

    def _writer(self, run: Run) -> ProcessWriter | ThreadWriter:
        """Started by the first capture to catalogue: a run that finds nothing new needs
        none, and the first batch is ready about when the writer process is."""
        if self.writer is None:
            if use_process(run.config.catalog_writer):
                settings = self.crawler.settings
                self.writer = ProcessWriter(run.config, {
                    "file": settings.get("LOG_FILE"), "level": settings.get("LOG_LEVEL"),
                    "format": settings.get("LOG_FORMAT"),
                    "datefmt": settings.get("LOG_DATEFORMAT")})
            else:
                self.writer = ThreadWriter(run)
        return self.writer

    async def close_spider(self) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        while self.writing is not None or self.batch.entries:
            if self.writing is not None:
                await asyncio.wait([self.writing])
            else:
                self.flush()
        if self.writer is not None:
            run = Run.of(self.crawler)
            try:
                run.writer_storage = self.writer.close()
            except Exception:  # what it had not stored stays in the spool
                logger.exception("the catalog writer did not close cleanly")

    async def process_item(self, item: PageItem) -> PageItem:
        run = Run.of(self.crawler)
        key = (item.outlet, item.canonical_url)
        # One capture per article per batch (its history is sequential), and a full batch
        # waits for the one being written: the writer sets the pace, memory stays bounded.
        while key in self.batch.keys or len(self.batch) >= BATCH_SIZE:
            if self.writing is not None:
                await asyncio.wait([self.writing])
            else:
                self.flush()
        self._writer(run)
        entry = page_entry(run, item) if item.kind == "page" else check_entry(run, item)
        self.batch.add(key, entry)
        if len(self.batch) >= BATCH_SIZE:
            self.flush()
        return item

    def flush(self) -> None:
        """Hand the waiting batch to the writer, unless it is busy."""
        run = getattr(self.crawler, "newsvault_run", None)
        if self.writing is not None or not self.batch.entries or run is None:
            return
        batch, self.batch = self.batch, Batch()
        self._submit(run, Job(run.take_pending(), batch.entries))

    def _submit(self, run: Run, job: Job) -> None:
        try:
            future = self._writer(run).submit(job)
        except BrokenProcessPool:
            future = self._fall_back(run).submit(job)
        self.writing = asyncio.wrap_future(future)
        self.writing.add_done_callback(lambda done: self.written(run, job, done))

    def _fall_back(self, run: Run) -> ThreadWriter:
        """The writer process died (killed, out of memory): write on a thread from now on.
        Writing a batch again is safe: documents already spooled are recognised by their
        digests, and catalog rows already committed are refused, not doubled."""
        logger.error("the catalog writer process died; batches are written on a thread now")
        if isinstance(self.writer, ProcessWriter):
            self.writer.pool.shutdown(wait=False, cancel_futures=True)
        self.writer = ThreadWriter(run)
        return self.writer

    def written(self, run: Run, job: Job, done: asyncio.Future[list[int]]) -> None:
        """Back on the reactor thread: count what the writer did."""
        self.writing = None
        stats = self.crawler.stats
        assert stats is not None
        try:
            written = [job.entries[i] for i in done.result()]
        except BrokenProcessPool:
            self._fall_back(run)
            self._submit(run, job)
            return
        except Exception:
            logger.exception("the catalog writer failed on a batch of %d", len(job.entries))
            written = []
        for entry in written:
            stats.inc_value(f"newsvault/articles/{_kind(entry)}")
        if len(written) < len(job.entries):
            stats.inc_value("newsvault/catalog/failed", len(job.entries) - len(written))
        if len(self.batch) >= BATCH_SIZE:
            self.flush()


def _kind(entry: Entry) -> str:
    return "stored" if isinstance(entry, PageEntry) else entry.check.kind
