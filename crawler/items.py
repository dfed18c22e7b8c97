"""The item an article page becomes: a fetched page plus where its bytes are archived."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.httpmsg import header_pairs, origin
from pipelines.extract.model import Page

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

    from crawler.outlet import OutletSpider
    from crawler.recheck import Previous


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
    page: Page | None  # None for a re-check that got no answer at all
    capture: dict[str, Any] | None
    hops: list[dict[str, Any]]
    source: dict[str, Any]
    robots: dict[str, Any]
    # page: new text to extract | revisit: unchanged (304 or identical payload) |
    # gone: 404, 410 or redirected away | miss: 5xx or no answer
    kind: str = "page"
    previous: Previous | None = None  # the last full capture, for a re-check
    detail: dict[str, Any] = field(default_factory=dict)
    article: dict[str, Any] | None = None
    text_json: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def miss(cls, spider: OutletSpider, request: Request, reason: str) -> PageItem:
        """A re-check that got no response (timeout, refused connection)."""
        meta = request.meta
        return cls(outlet=spider.name, edition=meta.get("nv_edition"),
                   language=spider.language_of(meta.get("nv_edition")),
                   canonical_url=meta["nv_canonical"], requested_url=request.url, page=None,
                   capture=None, hops=[], source=meta.get("nv_source", {}), robots={},
                   kind="miss", previous=meta.get("nv_previous"), detail={"error": reason})

    @classmethod
    def from_response(cls, spider: OutletSpider, response: Response,
                      kind: str = "page", detail: dict[str, Any] | None = None) -> PageItem:
        meta = response.meta
        capture = meta["nv_capture"]
        redirects = meta.get("redirect_urls") or []
        edition = meta.get("nv_edition")
        page = Page(url=response.url, status=response.status,
                    headers=tuple(header_pairs(response.headers)), body=response.body,
                    fetched_at=capture["fetched_at"])
        obey = spider.settings.getbool("ROBOTSTXT_OBEY")
        # A re-check stays about the article it checks, wherever it was redirected to.
        canonical = (meta["nv_canonical"] if meta.get("nv_previous")
                     else spider.url_rules.canonical_url(response.url))
        return cls(
            outlet=spider.name, edition=edition, language=spider.language_of(edition),
            canonical_url=canonical,
            requested_url=redirects[0] if redirects else response.url,
            page=page, capture=capture, hops=meta.get("nv_hops", []),
            source=meta.get("nv_source", {}),
            robots={"policy": "obey" if obey else "ignore",
                    "decision": "allowed" if obey else "not checked",
                    "robots_txt": spider.robots_records.get(origin(response.url))},
            kind=kind, previous=meta.get("nv_previous"), detail=dict(detail or {}),
        )
