"""CatalogPipeline (400): the text document into the store, then one catalog write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from catalog.writer import ArticleCapture, upsert_article
from crawler.items import PageItem
from crawler.run import Run

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


class CatalogPipeline:
    """Last in line: only an article whose bytes, provenance and text are all archived
    reaches the catalog, so the catalog never points at something that is not there."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CatalogPipeline:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        run = Run.of(self.crawler)
        prov = item.extra["provenance"]
        assert item.text_json is not None and item.article is not None
        stored = run.store.put_bytes(prov["text"]["key"], item.text_json)
        run.flush()
        with run.engine.begin() as conn:
            upsert_article(conn, ArticleCapture(
                article=item.article, capture_id=prov["capture_id"], run_id=run.info.run_id,
                fetched_at=item.capture["fetched_at"], status=item.page.status,
                text_key=stored.key, text_sha256=stored.sha256,
                payload_sha256=prov["payload_sha256"],
                metadata_record=item.extra["metadata_record"], provenance=prov,
                published_utc=to_utc(item.article.get("published"))))
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("newsvault/articles/stored")
        return item
