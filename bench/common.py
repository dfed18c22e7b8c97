"""Settings both Scrapy contenders share, so they differ only in newsvault's own machinery."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULT_CONCURRENCY = 16
# --since for the newsvault crawl: before every synthetic page, so discovery reads every
# child sitemap (a backfill), as bare Scrapy's SitemapSpider does.
BACKFILL_SINCE = "2000-01-01"


def crawl_settings(concurrency: int) -> dict[str, Any]:
    """Concurrency and politeness, the same for newsvault and the bare Scrapy baseline.

    One host is crawled, so the per-domain limit equals the global one; no delay and no
    AutoThrottle, so the crawler, not a politeness timer, sets the pace.
    """
    return {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "COOKIES_ENABLED": False,
        "ROBOTSTXT_OBEY": True,
    }


def jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    """Scrapy stats with datetimes as strings."""
    return {k: v if isinstance(v, int | float | str | bool | None) else str(v)
            for k, v in stats.items()}


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    path.write_text(json.dumps(summary, indent=1, sort_keys=True))


def save_results(path: Path, facts: dict[str, Any], args: Any, runs: list[dict[str, Any]],
                 summary: dict[str, Any], done: bool) -> dict[str, Any]:
    """Write a benchmark's results file (``complete`` false while runs remain), so a long
    benchmark stopped early keeps its data; returns ``summary``."""
    path.write_text(json.dumps({"complete": done, "machine": facts, "args": vars(args),
                                "runs": runs, "summary": summary}, indent=1, default=str))
    return summary
