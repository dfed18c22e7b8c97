"""The item an article page becomes: a fetched page plus where its bytes are archived."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.httpmsg import header_pairs, origin
from pipelines.extract.model import Page

if TYPE_CHECKING:
    from scrapy.http import TextResponse

    from crawler.outlet import OutletSpider


@dataclass
class PageItem:
    """An article page on its way through the pipelines (dedupe, clean, provenance,
    catalog). ``capture`` is the WARC location and network facts the capture middleware
    put in the request's meta; ``article`` is filled by the clean-text pipeline."""

    outlet: str
    edition: str | None
    language: str | None
    canonical_url: str
    requested_url: str
    page: Page
    capture: dict[str, Any]
    hops: list[dict[str, Any]]
    source: dict[str, Any]
    robots: dict[str, Any]
    article: dict[str, Any] | None = None
    text_json: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_response(cls, spider: OutletSpider, response: TextResponse) -> PageItem:
        meta = response.meta
        capture = meta["nv_capture"]
        redirects = meta.get("redirect_urls") or []
        edition = meta.get("nv_edition")
        page = Page(url=response.url, status=response.status,
                    headers=tuple(header_pairs(response.headers)), body=response.body,
                    fetched_at=capture["fetched_at"])
        obey = spider.settings.getbool("ROBOTSTXT_OBEY")
        return cls(
            outlet=spider.name, edition=edition, language=spider.language_of(edition),
            canonical_url=spider.url_rules.canonical_url(response.url),
            requested_url=redirects[0] if redirects else response.url,
            page=page, capture=capture, hops=meta.get("nv_hops", []),
            source=meta.get("nv_source", {}),
            robots={"policy": "obey" if obey else "ignore",
                    "decision": "allowed" if obey else "not checked",
                    "robots_txt": spider.robots_records.get(origin(response.url))},
        )
