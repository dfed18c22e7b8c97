"""Request fingerprints on canonical URLs, so one article is fetched once per run.

``?p=123`` and ``/politics/123/`` are one article: both fingerprint as its canonical URL.
A redirect keeps the fingerprint of its target plus its hop count, so a redirect from one
form to another is still followed (its hop count differs), while a redirect loop ends at
REDIRECT_MAX_TIMES.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from scrapy.utils.request import RequestFingerprinter

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class CanonicalFingerprinter:
    """Fingerprint GETs by the spider's canonical URL; anything else as Scrapy does."""

    def __init__(self, crawler: Crawler | None = None) -> None:
        self.crawler = crawler
        self.default = RequestFingerprinter(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: Request) -> bytes:
        spider = getattr(self.crawler, "spider", None)
        rules = getattr(spider, "url_rules", None)
        if rules is None or request.method != "GET" or request.body:
            return self.default.fingerprint(request)
        hops = len(request.meta.get("redirect_urls", ()))
        key = f"{rules.canonical_url(request.url)}\n{hops}"
        return hashlib.sha1(key.encode()).digest()
