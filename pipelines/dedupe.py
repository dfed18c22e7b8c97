"""DedupePipeline (100): one article capture per canonical URL per run."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.items import PageItem


class DuplicateArticle(DropItem):
    """The run already captured this article under another URL form."""


class DedupePipeline:
    """The scheduler's canonical fingerprints stop most repeats before they are fetched;
    this catches the rest (two URL forms that only redirect to the same article)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: PageItem) -> PageItem:
        if item.canonical_url in self.seen:
            raise DuplicateArticle(f"already captured in this run: {item.canonical_url}",
                                   log_level="INFO")
        self.seen.add(item.canonical_url)
        return item
