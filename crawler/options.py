"""Crawl options: the same for ``newsvault crawl`` flags and ``scrapy crawl -a`` arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

TRIGGERS = ("manual", "schedule", "cron")


class UsageError(ValueError):
    """A crawl option is wrong; the message says which and how to fix it."""


def _truthy(value: str | bool) -> bool:
    return value if isinstance(value, bool) else value.strip().lower() in {"1", "true", "yes"}


@dataclass(frozen=True)
class CrawlOptions:
    edition: str | None
    since: date | None
    limit: int | None
    base_url: str | None
    urls_file: str | None
    delay: float | None
    recheck: bool
    trigger: str

    @classmethod
    def parse(cls, spider: Any, edition: str | None, since: str | None,
              limit: str | int | None, base_url: str | None, urls: str | None,
              delay: str | float | None, recheck: str | bool, trigger: str) -> CrawlOptions:
        if edition is not None and edition not in spider.editions:
            raise UsageError(f"unknown edition {edition!r} for {spider.name}; "
                             f"choose one of: {', '.join(spider.editions)}")
        if base_url is not None:
            parts = urlsplit(base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise UsageError(f"--base-url must be an http(s) URL, not {base_url!r}")
            hosts = {urlsplit(b).hostname for c, b in spider.editions.items()
                     if edition in (None, c)}
            if len(hosts) > 1:
                raise UsageError(f"{spider.name}'s editions live on different hosts; "
                                 "give --edition with --base-url")
        if trigger not in TRIGGERS:
            raise UsageError(f"trigger must be one of {', '.join(TRIGGERS)}, not {trigger!r}")
        try:
            since_date = date.fromisoformat(since) if since else None
            limit_n = int(limit) if limit not in (None, "") else None
            delay_s = float(delay) if delay not in (None, "") else None
        except ValueError as exc:
            raise UsageError(f"bad crawl option: {exc} (dates are YYYY-MM-DD)") from exc
        if limit_n is not None and limit_n < 1:
            raise UsageError("--limit must be at least 1")
        return cls(edition, since_date, limit_n, base_url, urls, delay_s, _truthy(recheck),
                   trigger)
