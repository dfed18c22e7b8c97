"""Downloader middlewares: WARC capture of every exchange, and Retry-After-aware retries.

Order matters. WarcCaptureMiddleware sits at 950, next to the download handler: its
``process_response`` runs before HttpCompressionMiddleware (590) decodes the body, before
RedirectMiddleware (600) follows a redirect and before RetryMiddleware (550) retries, so
every exchange is archived with its bytes as received: redirects, errors and retried
attempts included.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request, signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import StopDownload
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawler.httpmsg import header_pairs, origin, request_header_pairs, tls_info
from crawler.recheck import Previous
from crawler.run import Run, bare_id
from crawler.wire import WireHead
from pipelines.warc import IDENTICAL, NOT_MODIFIED, Exchange

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

HOP_STATUSES = {301, 302, 303, 307, 308}


class WarcCaptureMiddleware:
    """Writes a request and a response record for every HTTP exchange (order 950).

    It also enforces the body-size cap by stopping the download (Scrapy would discard the
    whole response instead), so an oversized response is archived truncated and flagged
    ``WARC-Truncated: length``.
    """

    def __init__(self, crawler: Crawler, max_body: int) -> None:
        self.crawler = crawler
        self.max_body = max_body
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        return cls(crawler, crawler.settings.getint("NEWSVAULT_MAX_BODY"))

    def bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        received = request.meta.get("nv_bytes", 0) + len(data)
        request.meta["nv_bytes"] = received
        if received > self.max_body:
            raise StopDownload(fail=False)

    def process_request(self, request: Request) -> None:
        # Scrapy's own size cap would drop the response unarchived; ours truncates instead.
        # download_maxsize is set below, for HttpCompressionMiddleware only, and a redirect
        # copies it into the next request's meta.
        request.meta.pop("download_maxsize", None)
        request.meta["nv_bytes"] = 0

    def process_response(self, request: Request, response: Response) -> Response:
        run = Run.of(self.crawler)
        assert run.writer is not None
        received = datetime.now(UTC)
        latency = request.meta.get("download_latency", 0.0)
        wire: WireHead | None = request.meta.get("nv_wire")
        protocol, reason = wire.status() if wire else (response.protocol or "HTTP/1.1", None)
        exchange = Exchange(
            url=response.url, method=request.method,
            request_headers=(wire and wire.request_pairs()) or request_header_pairs(request),
            request_body=request.body, protocol=protocol, status=response.status,
            reason=reason,
            response_headers=wire.response_pairs() if wire else header_pairs(response.headers),
            body=response.body,
            ip_address=str(response.ip_address) if response.ip_address else None,
            fetched_at=received - timedelta(seconds=latency),
            truncated=_truncation(response),
        )
        previous: Previous | None = request.meta.get("nv_previous")
        profile = revisit_profile(previous, exchange)
        if previous is not None and profile is not None:
            # The fast path: the article is unchanged, so a revisit record, no extraction.
            req_loc, resp_loc = run.writer.write_revisit(exchange, previous, profile)
            request.meta["nv_revisit"] = profile
        else:
            req_loc, resp_loc = run.writer.write_exchange(exchange)
            request.meta.pop("nv_revisit", None)
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")[:255] or None
        run.record(req_loc)
        run.record(resp_loc, status=response.status, content_type=ctype,
                   concurrent_to=bare_id(req_loc.record_id), truncated=exchange.truncated)
        self._remember(request, response, exchange, req_loc, resp_loc)
        if urlsplit(response.url).path == "/robots.txt":
            records = getattr(self.crawler.spider, "robots_records", None)
            if records is not None:
                records[origin(response.url)] = bare_id(resp_loc.record_id)
        self.crawler.stats.inc_value("newsvault/warc/exchanges")
        self.crawler.stats.inc_value("newsvault/warc/bytes", len(response.body))
        # Bound decompression (gzip bombs) by the same cap as downloads.
        request.meta["download_maxsize"] = self.max_body
        return response

    @staticmethod
    def _remember(request: Request, response: Response, exchange: Exchange,
                  req_loc: Any, resp_loc: Any) -> None:
        """Put the exchange's provenance in meta; redirects copy meta, so a new list keeps
        the hops of this chain only."""
        hop = {"url": response.url, "status": response.status,
               "record_id": bare_id(resp_loc.record_id), "date": resp_loc.date}
        request.meta["nv_hops"] = [*request.meta.get("nv_hops", []), hop]
        request.meta["nv_capture"] = {
            "request": req_loc, "response": resp_loc,
            "request_headers": exchange.request_headers,
            "ip_address": exchange.ip_address, "tls": tls_info(response),
            "protocol": exchange.protocol, "fetched_at": exchange.fetched_at,
            "truncated": exchange.truncated,
        }


def revisit_profile(previous: Previous | None, exchange: Exchange) -> str | None:
    """How a re-check's answer is archived: a 304 as a server-not-modified revisit, a 200
    with the previous capture's payload digest as an identical-payload-digest revisit."""
    if previous is None or exchange.truncated:
        return None
    if exchange.status == 304:
        return NOT_MODIFIED
    if exchange.status == 200 and \
            hashlib.sha256(exchange.body).hexdigest() == previous.payload_sha256:
        return IDENTICAL
    return None


def _truncation(response: Response) -> str | None:
    if "download_stopped" in response.flags:
        return "length"
    if "dataloss" in response.flags or "partial" in response.flags:
        return "disconnect"
    return None


def retry_after_seconds(value: bytes | None, cap: float) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP-date), or None when absent/invalid."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if seconds <= cap else None


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, but a 429 or 503 with Retry-After waits as long as the server asks
    (up to NEWSVAULT_RETRY_AFTER_MAX seconds; a longer wait gives up on the request, since
    hammering a server that asked for an hour's rest is not archiving, it is abuse)."""

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry"):
            return response
        if "dataloss" in response.flags or "partial" in response.flags:
            # Cut short by the server: archived as it came (WARC-Truncated), then fetched
            # again, since a partial page is no capture of the article.
            return self._retry(request, "body cut short") or response
        header = response.headers.get(b"Retry-After")
        if response.status not in (429, 503) or header is None:
            return super().process_response(request, response)
        stats = self.crawler.stats
        assert stats is not None
        cap = self.crawler.settings.getfloat("NEWSVAULT_RETRY_AFTER_MAX", 120)
        delay = retry_after_seconds(header, cap)
        if delay is None:
            stats.inc_value("newsvault/retry_after/too_long")
            return response
        retry = self._retry(request, f"{response.status} Retry-After {delay:g}s")
        if retry is None:
            return response
        stats.inc_value("newsvault/retry_after/waits")
        await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return retry


class CrawlDelayMiddleware:
    """Honours robots.txt Crawl-delay, which Scrapy ignores (order 580: after decompression).

    The delay of a host's download slot is raised to its Crawl-delay before each request,
    since AutoThrottle may lower it. An operator's explicit ``--delay`` wins (for mirrors
    and local replicas); it is recorded in the run's arguments.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        return cls(crawler)

    def _overridden(self) -> bool:
        options = getattr(self.crawler.spider, "options", None)
        return getattr(options, "delay", None) is not None

    def process_request(self, request: Request) -> None:
        delay = self.delays.get(urlsplit(request.url).netloc)
        engine = self.crawler.engine
        if delay is None or engine is None or self._overridden():
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None and slot.delay < delay:
            slot.delay = delay

    def process_response(self, request: Request, response: Response) -> Response:
        if urlsplit(response.url).path == "/robots.txt" and response.status == 200:
            agent = self.crawler.settings.get("USER_AGENT", "*")
            delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(agent)
            if delay:
                self.delays[urlsplit(response.url).netloc] = float(delay)
                self.crawler.stats.set_value(
                    f"newsvault/crawl_delay/{urlsplit(response.url).netloc}", float(delay))
        return response


class ProxyMiddleware:
    """Sends every request, robots.txt included, through NEWSVAULT_PROXY (order 740, just
    before Scrapy's HttpProxyMiddleware at 750 applies it). Archivists use it to reach
    geo-blocked outlets; the proxy is recorded in warcinfo and provenance."""

    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyMiddleware:
        return cls(crawler.settings.get("NEWSVAULT_PROXY") or "")

    def process_request(self, request: Request) -> None:
        if self.proxy:
            request.meta.setdefault("proxy", self.proxy)
