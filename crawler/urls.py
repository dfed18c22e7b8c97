"""URL rules of an outlet: which URLs are articles, and one canonical URL per article.

Pure functions over plain data, so the catalog, re-extraction and tests use them without
Scrapy. Normalisation itself is w3lib's; only the outlet-specific mapping lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that never identify content: analytics and share tracking.
TRACKING_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
                   "fbclid", "gclid", "amp")


@dataclass(frozen=True)
class UrlRules:
    """An outlet's hosts, article URL patterns and canonical-URL rewrites.

    - ``hosts`` maps every host the outlet is served on (``www.``, mirrors, the trailing-dot
      form is handled generically) to the host its canonical URLs use.
    - ``articles`` are regexes searched in ``path[?query]``; a URL on one of the hosts that
      matches one is an article.
    - ``canonical`` rewrites are ``(regex, template)`` pairs applied to the normalised URL;
      the first that matches wins. They merge the URL forms of one article
      (``?p=<id>`` versus ``/<cat>/<id>/``) into one.
    - ``scheme`` is the scheme canonical URLs use, whatever the URL was fetched over.
    """

    hosts: dict[str, str]
    articles: tuple[str, ...]
    canonical: tuple[tuple[str, str], ...] = ()
    not_articles: tuple[str, ...] = ()
    scheme: str = "https"
    extra_hosts: dict[str, str] = field(default_factory=dict)

    @cached_property
    def _article_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.articles)

    @cached_property
    def _not_article_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.not_articles)

    @cached_property
    def _canonical_res(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(p), t) for p, t in self.canonical)

    def with_alias(self, host: str, target: str) -> UrlRules:
        """The same rules, with one more host (a mirror or ``--base-url``) mapped to target."""
        extra = dict(self.extra_hosts)
        extra[host.lower()] = target
        return UrlRules(self.hosts, self.articles, self.canonical, self.not_articles,
                        self.scheme, extra)

    def host_of(self, url: str) -> str | None:
        """The canonical host for a URL's host, or None when the outlet does not serve it."""
        host = (urlsplit(url).hostname or "").rstrip(".")
        return self.extra_hosts.get(host) or self.hosts.get(host)

    def is_article(self, url: str) -> bool:
        if self.host_of(url) is None:
            return False
        parts = urlsplit(normalise(url))
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if any(r.search(target) for r in self._not_article_res):
            return False
        return any(r.search(target) for r in self._article_res)

    def canonical_url(self, url: str) -> str:
        """One URL per article: host aliases mapped, tracking dropped, outlet rewrites applied.

        URLs on hosts the outlet does not serve are only normalised.
        """
        normal = normalise(url)
        host = self.host_of(normal)
        if host is None:
            return normal
        parts = urlsplit(normal)
        netloc = host if parts.port in (None, 80, 443) or host != parts.hostname else parts.netloc
        mapped = urlunsplit((self.scheme, netloc, parts.path or "/", parts.query, ""))
        for pattern, template in self._canonical_res:
            if pattern.search(mapped):
                return pattern.sub(template, mapped)
        return mapped


def normalise(url: str) -> str:
    """Outlet-independent normal form: w3lib canonical URL, no fragment, no tracking,
    lower-case host without a trailing dot. Percent-encoding is made uniform, so an
    Arabic slug typed raw and one percent-encoded compare equal."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    canon = canonicalize_url(cleaned, keep_fragments=False)
    parts = urlsplit(canon)
    host = (parts.hostname or "").rstrip(".")
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
