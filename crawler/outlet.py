"""OutletSpider: the base class every outlet module declares itself with.

An outlet module (``crawler/spiders/<id>.py``) declares only what is specific to it:

- ``name``: the outlet id (``sana``), used for the module, fixtures, schedule entry,
  catalog ``outlet`` column and storage keys;
- ``editions``: edition code (its language, ``en``/``ar``/``es``) -> base URL;
- ``sources``: feeds, sitemaps and listings (``crawler.sources``), paths relative to
  each edition's base URL; a source with ``edition=`` set applies to that edition only;
- ``urls``: a ``crawler.urls.UrlRules`` (hosts, article patterns, canonical rewrites);
- ``crawl_delay``: seconds between requests to one host (robots.txt Crawl-delay, which
  Scrapy does not read); it becomes the crawl's DOWNLOAD_DELAY unless ``--delay`` is given;
- ``parsers``: parser versions dated by site generation (``pipelines.extract.parser``),
  oldest first.

Everything else (requests, politeness, WARC capture, extraction, catalog) is shared.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy import Request
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import discovery
from crawler.items import PageItem
from crawler.options import CrawlOptions
from crawler.recheck import Previous
from crawler.recordid import bare_id
from crawler.roles import WORKER, role_of
from crawler.sources import Listing, Sitemap, Source
from crawler.urls import UrlRules

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from pipelines.extract.parser import Parser


# A re-check must reach the spider with these too: 304 (unchanged), 404/410 (deleted),
# 5xx (a miss, after retries).
RECHECK_STATUSES = [304, 404, 410, 500, 502, 503, 504]

# Newest first: feeds and news sitemaps list the latest articles, so with --limit they win.
SOURCE_PRIORITY = {"feed": 40, "newssitemap": 30, "sitemap": 20, "listing": 10}
CHILD_SITEMAP_PRIORITY = -10  # below article requests (0)
# Children of a sitemap index are read one at a time (flat memory), but the next one is
# read while the last READ_AHEAD articles of the current one are still to fetch: without
# that, the downloader ran dry at the end of every child, for as long as the next child
# took to fetch and parse (about half a second a child in the benchmark). Child k's
# articles rank at -CHILD_STEP * k, its last READ_AHEAD at 20 below, the next child at 10
# below: so the frontier holds at most one child's articles and twice READ_AHEAD more.
READ_AHEAD = 100
CHILD_STEP = 100


def child_priorities(child: int) -> tuple[int, int, int]:
    """(articles, next child sitemap, last READ_AHEAD articles) of index child ``child``
    (1 for the first; 0 for a sitemap that is not an index's child)."""
    base = -CHILD_STEP * child
    return base, base - 10, base - 20


class OutletSpider(scrapy.Spider):
    """Base class of every outlet spider; see the module docstring for what to declare."""

    editions: ClassVar[dict[str, str]] = {}
    sources: ClassVar[list[Source]] = []
    urls: ClassVar[UrlRules]
    crawl_delay: ClassVar[float] = 1.0
    parsers: ClassVar[list[type[Parser]]] = []
    version: ClassVar[str] = "1"  # bump when discovery or URL rules change; goes into provenance

    # ---- the shared machinery below; outlet modules declare only the attributes above ----

    def __init__(self, edition: str | None = None, since: str | None = None,
                 limit: str | int | None = None, base_url: str | None = None,
                 urls: str | None = None, delay: str | float | None = None,
                 recheck: str | bool = False, trigger: str = "manual", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.options = CrawlOptions.parse(self, edition, since, limit, base_url, urls, delay,
                                          recheck, trigger)
        self.url_rules = self.urls
        if self.options.base_url:
            for host in self.mirrored_hosts():
                self.url_rules = self.url_rules.with_alias(
                    urlsplit(self.options.base_url).hostname or "", self.urls.hosts[host])
        self.allowed_domains = sorted({*self.url_rules.hosts, *self.url_rules.extra_hosts})
        self.held: dict[str, Previous] = {}  # articles held: canonical -> last capture
        self.due: set[str] = set()  # held articles whose re-check is due this run
        self.seen: set[str] = set()
        self.articles_scheduled = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> OutletSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        delay = spider.options.delay
        # Settings are still open here (they freeze after the spider is made).
        crawler.settings.set("DOWNLOAD_DELAY", cls.crawl_delay if delay is None else delay,
                             priority="spider")
        return spider

    def mirrored_hosts(self) -> set[str]:
        """Hosts of the selected editions: ``--base-url`` stands in for them."""
        return {urlsplit(base).hostname or "" for _, base in self.selected_editions(raw=True)}

    def mirrored(self, url: str) -> bool:
        """Whether a URL is served by the mirror (``--base-url``)."""
        return urlsplit(url).netloc == urlsplit(self.options.base_url or "").netloc

    def selected_editions(self, raw: bool = False) -> list[tuple[str, str]]:
        chosen = [(code, base) for code, base in self.editions.items()
                  if self.options.edition in (None, code)]
        return chosen if raw else [(code, self.fetch_url(base)) for code, base in chosen]

    def fetch_url(self, url: str) -> str:
        """The URL to fetch: on a mirrored host, the same path under ``--base-url``."""
        base = self.options.base_url
        parts = urlsplit(url)
        if not base or (parts.hostname or "").rstrip(".") not in self.mirrored_hosts():
            return url
        root = urlsplit(base)
        return urlunsplit((root.scheme, root.netloc, parts.path, parts.query, ""))

    def language_of(self, edition: str | None) -> str | None:
        return edition  # editions are named by their language

    async def start(self) -> AsyncIterator[Request]:
        if role_of(self.settings) == WORKER:
            return  # a worker fetches what the seed and the other workers queued
        if self.options.urls_file:
            for url in read_url_list(self.options.urls_file):
                if request := self.article_request(url, {"kind": "url-list", "url": None},
                                                   edition=self.guess_edition(url),
                                                   listed=True):
                    yield request
            return
        for edition, base in self.selected_editions():
            for source in self.sources:
                if source.backfill and self.options.since is None:
                    continue
                if self.options.base_url and not self.mirrored(urljoin(base, source.path)):
                    continue  # a source on another host: a mirror does not serve it
                if source.edition in (None, edition):
                    yield self.source_request(source, edition, base)
        for request in self.recheck_requests():
            yield request

    def guess_edition(self, url: str) -> str | None:
        """The edition whose base URL is the longest prefix of url."""
        matches = [(len(b), c) for c, b in self.editions.items()
                   if self.url_rules.canonical_url(url).startswith(self.urls.canonical_url(b))]
        return max(matches)[1] if matches else next(iter(self.editions), None)

    def source_request(self, source: Source, edition: str, base: str,
                       url: str | None = None, page: int = 1) -> Request:
        kind = type(source).__name__.lower()
        return Request(
            self.fetch_url(url or urljoin(base, source.path)),
            callback=getattr(self, f"parse_{'sitemap' if isinstance(source, Sitemap) else kind}"),
            # A child sitemap waits until the articles already found are fetched, so the
            # frontier holds one sitemap's URLs at a time, not every child's (flat memory).
            errback=self.source_failed,
            priority=CHILD_SITEMAP_PRIORITY if url and isinstance(source, Sitemap)
            else SOURCE_PRIORITY.get(kind, 10),
            meta={"nv_source": {"kind": kind, "path": source.path}, "nv_edition": edition,
                  "nv_base": base, "nv_spec": source, "nv_page": page})

    def source_failed(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("newsvault/sources/failed")
        self.source_errors.append(f"{request.url}: {failure.getErrorMessage()}")
        yield from self.next_child_sitemap(request.meta)  # one bad child stops no others

    @cached_property
    def source_errors(self) -> list[str]:
        return []

    def source_ok(self, response: Response) -> None:
        self.crawler.stats.inc_value("newsvault/sources/ok")

    @cached_property
    def robots_records(self) -> dict[str, str]:
        """scheme://host -> record id of its archived robots.txt (filled by the capture
        middleware), so provenance can point at the rules a capture was fetched under."""
        return {}

    def parse_feed(self, response: Response) -> Iterator[Request]:
        self.source_ok(response)
        for entry in discovery.feed_entries(response.body):
            if self.options.since and entry.date and entry.date.date() < self.options.since:
                continue
            if request := self.article_request(entry.url, self._source(response),
                                               response.meta["nv_edition"]):
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        self.source_ok(response)
        index, entries = discovery.sitemap_entries(response.body)
        meta = response.meta
        if index:
            children = [urljoin(response.url, entry.url)
                        for entry in discovery.pick_sitemaps(entries, self.options.since)]
            yield from self.next_child_sitemap({**meta, "nv_children": children})
            return
        requests = list(self._sitemap_articles(response, entries))
        head, _, tail = child_priorities(meta.get("nv_child", 0))
        more = bool(meta.get("nv_children"))  # a next child to read ahead of the tail
        for i, request in enumerate(requests):
            request.priority = tail if more and i >= len(requests) - READ_AHEAD else head
        yield from requests
        yield from self.next_child_sitemap(meta)

    def _sitemap_articles(self, response: Response,
                          entries: list[discovery.Entry]) -> Iterator[Request]:
        for entry in entries:
            if self.options.since and entry.date and entry.date.date() < self.options.since:
                continue
            if request := self.article_request(urljoin(response.url, entry.url),
                                               self._source(response),
                                               response.meta["nv_edition"]):
                yield request

    def next_child_sitemap(self, meta: dict[str, Any]) -> Iterator[Request]:
        """The next child of a sitemap index, once the previous child has been read.

        Children are read one at a time, each below the priority of the articles it
        lists, so the frontier holds one child's articles rather than the whole site's
        (memory stays flat as the archive grows, and --limit stops early)."""
        children = meta.get("nv_children") or []
        if not children or self.limit_reached:
            return
        request = self.source_request(meta["nv_spec"], meta["nv_edition"], meta["nv_base"],
                                      url=children[0])
        child = meta.get("nv_child", 0)
        request.priority = child_priorities(child)[1]
        request.meta.update(nv_children=children[1:], nv_child=child + 1)
        yield request

    def parse_listing(self, response: Response) -> Iterator[Request]:
        self.source_ok(response)
        meta, new = response.meta, 0
        for href in response.css("a::attr(href)").getall():
            if request := self.article_request(response.urljoin(href), self._source(response),
                                               meta["nv_edition"]):
                new += 1
                yield request
        spec: Listing = meta["nv_spec"]
        more = new > 0 or self.options.since is not None
        next_href = response.css(f"{spec.next_page}").xpath("@href").get()
        if more and next_href and meta["nv_page"] < spec.max_pages and not self.limit_reached:
            yield self.source_request(spec, meta["nv_edition"], meta["nv_base"],
                                      url=response.urljoin(next_href), page=meta["nv_page"] + 1)

    @property
    def limit_reached(self) -> bool:
        if self.options.limit is None:
            return False
        counter = getattr(self, "article_counter", None)  # crawler.frontier.SharedCounter
        count = counter.value() if counter is not None else self.articles_scheduled
        return bool(count >= self.options.limit)

    def count_article(self) -> bool:
        """Count one more article against --limit; False when it does not fit. In
        distributed mode the count belongs to the crawl, shared by seed and workers."""
        counter = getattr(self, "article_counter", None)
        if self.options.limit is not None and counter is not None:
            if counter.incr() > self.options.limit:
                return False
        elif self.limit_reached:
            return False
        self.articles_scheduled += 1
        return True

    def article_request(self, url: str, source: dict[str, Any], edition: str | None,
                        listed: bool = False) -> Request | None:
        """A request for an article URL, or None when it is not one, was seen this run, is
        already held (incremental mode) or the --limit is reached. A URL the operator
        listed (``--urls``) is captured whatever its shape, if the outlet serves its host."""
        if listed and self.url_rules.host_of(url) is None:
            self.logger.warning("not an %s URL, skipped: %s", self.name, url)
            self.crawler.stats.inc_value("newsvault/articles/skipped_offsite")
            return None
        if not listed and not self.url_rules.is_article(url):
            return None
        canonical = self.url_rules.canonical_url(url)
        if canonical in self.seen:
            return None
        self.seen.add(canonical)
        stats = self.crawler.stats
        if canonical in self.held and not (listed or canonical in self.due):
            stats.inc_value("newsvault/articles/skipped_known")
            return None
        if not self.count_article():
            stats.inc_value("newsvault/articles/skipped_limit")
            return None
        return self.fetch_article(url, canonical, source, edition, self.held.get(canonical))

    def fetch_article(self, url: str, canonical: str, source: dict[str, Any],
                      edition: str | None, previous: Previous | None) -> Request:
        """An article request; a re-check is conditional on the previous capture and must
        see 304s, deletions and failures, not only 200s."""
        meta: dict[str, Any] = {"nv_source": source, "nv_edition": edition,
                                "nv_canonical": canonical}
        headers: dict[str, str] = {}
        if previous is not None:
            self.crawler.stats.inc_value("newsvault/articles/rechecked")
            meta |= {"nv_previous": previous, "handle_httpstatus_list": RECHECK_STATUSES}
            headers = previous.conditional_headers()
        return Request(self.fetch_url(url), callback=self.parse_article,
                       errback=self.article_failed, headers=headers, meta=meta)

    def recheck_requests(self) -> Iterator[Request]:
        """Re-checks due that discovery has not met (older articles leave the feeds)."""
        for canonical in sorted(self.due - self.seen):
            previous = self.held[canonical]
            edition = self.guess_edition(previous.url)
            if self.options.edition not in (None, edition) or canonical in self.seen:
                continue
            if not self.count_article():
                return
            self.seen.add(canonical)
            yield self.fetch_article(previous.url, canonical, {"kind": "recheck", "url": None},
                                     edition, previous)

    def _source(self, response: Response) -> dict[str, Any]:
        capture = response.meta.get("nv_capture")
        return {"kind": response.meta["nv_source"]["kind"], "url": response.url,
                "record_id": bare_id(capture["response"].record_id) if capture else None}

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        kind, detail = self.check_outcome(response)
        if kind == "page" and not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newsvault/articles/not_html")
            return
        self.crawler.stats.inc_value(f"newsvault/check/{kind}")
        yield PageItem.from_response(self, response, kind, detail)

    def check_outcome(self, response: Response) -> tuple[str, dict[str, Any]]:
        """What a response says about an article: new text (page), unchanged (revisit),
        deleted (gone: 404, 410, or redirected away from it) or a miss (5xx)."""
        meta = response.meta
        if meta.get("nv_revisit"):
            return "revisit", {"profile": meta["nv_revisit"]}
        if meta.get("nv_previous") is None:
            return "page", {}
        if response.status in (404, 410):
            return "gone", {"status": response.status}
        if response.status >= 500:
            return "miss", {"status": response.status}
        if meta.get("redirect_urls") and (
                not self.url_rules.is_article(response.url)
                or self.url_rules.canonical_url(response.url) != meta["nv_canonical"]):
            return "gone", {"redirected_to": response.url}
        return "page", {}

    def article_failed(self, failure: Failure) -> Iterator[PageItem]:
        """No answer at all: for a re-check, a miss (never a deletion on its own)."""
        request = failure.request  # type: ignore[attr-defined]
        if request.meta.get("nv_previous") is not None:
            self.crawler.stats.inc_value("newsvault/check/miss")
            yield PageItem.miss(self, request, failure.getErrorMessage())


def read_url_list(path: str) -> list[str]:
    """URLs from a file, one per line; blank lines and # comments are skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
