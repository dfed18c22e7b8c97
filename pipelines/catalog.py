"""CatalogPipeline (400): the text document into the store, then one catalog write."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from catalog.history import Check, record_check, record_page
from catalog.similar import index_and_match
from catalog.writer import ArticleCapture
from crawler.items import PageItem
from crawler.run import Run
from pipelines.storage import provenance_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def to_utc(value: str | None) -> datetime | None:
    """An extracted ISO 8601 date as UTC, for sorting and filtering (None if unparsable)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def provenance_json(prov: dict[str, Any]) -> bytes:
    """The provenance document as stored: the serialisation ProvenancePipeline writes."""
    return json.dumps(prov, ensure_ascii=False, sort_keys=True).encode("utf-8")


def validator(item: PageItem, name: str) -> str | None:
    """ETag / Last-Modified of the response, for the next conditional re-check."""
    return item.page.header(name) if item.page is not None else None


class CatalogPipeline:
    """Last in line: only a capture whose bytes, provenance and text are all archived
    reaches the catalog, so the catalog never points at something that is not there."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CatalogPipeline:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        run = Run.of(self.crawler)
        run.flush()
        if item.kind == "page":
            self.store_page(run, item)
        else:
            self.store_check(run, item)
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"newsvault/articles/{'stored' if item.kind == 'page' else item.kind}")
        return item

    def store_page(self, run: Run, item: PageItem) -> None:
        prov = item.extra["provenance"]
        assert item.text_json is not None and item.article is not None
        assert item.capture is not None and item.page is not None
        stored = run.store.put_bytes(prov["text"]["key"], item.text_json)
        # The provenance beside its text, so that the store explains itself without the
        # catalog; the same bytes as the WARC's metadata record (ProvenancePipeline).
        run.store.put_bytes(provenance_key(stored.key), provenance_json(prov))
        with run.engine.begin() as conn:
            article_id = record_page(conn, ArticleCapture(
                article=item.article, capture_id=prov["capture_id"], run_id=run.info.run_id,
                fetched_at=item.capture["fetched_at"], status=item.page.status,
                text_key=stored.key, text_sha256=stored.sha256,
                payload_sha256=prov["payload_sha256"],
                metadata_record=item.extra["metadata_record"], provenance=prov,
                published_utc=to_utc(item.article.get("published")),
                etag=validator(item, "ETag"), last_modified=validator(item, "Last-Modified")))
            if item.extra.get("signature"):
                index_and_match(conn, article_id, item.outlet, item.extra["signature"])

    def store_check(self, run: Run, item: PageItem) -> None:
        prov = item.extra.get("provenance")
        at = item.capture["fetched_at"] if item.capture else datetime.now(UTC)
        with run.engine.begin() as conn:
            record_check(conn, Check(
                outlet=item.outlet, canonical_url=item.canonical_url, kind=item.kind, at=at,
                run_id=run.info.run_id, capture_id=prov["capture_id"] if prov else None,
                url=item.page.url if item.page else item.requested_url,
                status=item.page.status if item.page else None, provenance=prov,
                metadata_record=item.extra.get("metadata_record"), detail=item.detail),
                run.config.deletion_misses)
