"""newsvault end to end on the synthetic outlet, in this process.

``python -m bench.nvcrawl BASE_URL SUMMARY_JSON [--concurrency N]`` is ``newsvault crawl
synthetic --base-url BASE_URL --delay 0 --since 2000-01-01``: the same ``run_crawl`` the
CLI calls, with production settings, the bench spider module added to SPIDER_MODULES and
the concurrency of the bare Scrapy baseline. NEWSVAULT_HOME must point at a fresh home.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.common import (
    BACKFILL_SINCE,
    DEFAULT_CONCURRENCY,
    crawl_settings,
    jsonable,
    write_summary,
)
from newsvault import config as nvconfig
from newsvault.crawl import run_crawl

SPIDER_MODULES = ["bench.spider", "crawler.spiders"]


def overrides(concurrency: int) -> dict[str, object]:
    """Production settings changed only where the comparison needs it: the spider module,
    and the baseline's concurrency (robots, cookies, telnet and remote control already match)."""
    return {"SPIDER_MODULES": SPIDER_MODULES, **crawl_settings(concurrency)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base_url")
    parser.add_argument("summary", type=Path)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--recheck", action="store_true", help="re-check every held article")
    args = parser.parse_args(argv)
    result = run_crawl("synthetic", {"delay": 0, "since": BACKFILL_SINCE,
                                     "base_url": args.base_url, "recheck": args.recheck},
                       nvconfig.load(), overrides=overrides(args.concurrency))
    write_summary(args.summary, {"run_id": result.run_id, "status": result.status,
                                 "error": result.error, "seconds": result.seconds,
                                 "stats": jsonable(result.stats)})
    sys.exit(result.exit_code)


if __name__ == "__main__":
    main()
