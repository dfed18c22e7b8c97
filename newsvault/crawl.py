"""Running one crawl in this process: the engine behind ``newsvault crawl``.

Twisted's reactor cannot restart, so one process runs one crawl; the scheduler and the
demo start ``newsvault crawl`` as a child process for each run.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from newsvault.config import Config, to_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass
class CrawlResult:
    run_id: str
    status: str
    error: str | None
    stats: dict[str, Any]
    seconds: float

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.status == "ok" else EXIT_FAILED


def scrapy_settings(config: Config, overrides: dict[str, Any] | None = None) -> Any:
    """Project settings (crawler.settings) with this config's values applied."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setdict(to_settings(config), priority="cmdline")
    settings.set("USER_AGENT", config.agent, priority="cmdline")
    settings.set("ROBOTSTXT_OBEY", config.obey_robots, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def spider_class(outlet: str, settings: Any) -> Any:
    from scrapy.spiderloader import get_spider_loader

    loader = get_spider_loader(settings)
    if outlet not in loader.list():
        from crawler.options import UsageError

        raise UsageError(f"unknown outlet {outlet!r}; known: {', '.join(sorted(loader.list()))}")
    return loader.load(outlet)


def run_crawl(outlet: str, spider_args: dict[str, Any], config: Config,
              overrides: dict[str, Any] | None = None) -> CrawlResult:
    """Crawl one outlet to completion; UsageError for bad options (before any fetch)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.options import CrawlOptions
    from crawler.run import new_run_id

    overrides = dict(overrides or {})
    if spider_args.get("delay") is not None:
        # An explicit delay is the operator's decision; AutoThrottle would override it.
        overrides.setdefault("AUTOTHROTTLE_ENABLED", False)
    settings = scrapy_settings(config, overrides)
    cls = spider_class(outlet, settings)
    CrawlOptions.parse(cls, **{k: spider_args.get(k) for k in (
        "edition", "since", "limit", "base_url", "urls", "delay")},
        recheck=spider_args.get("recheck", False),
        trigger=spider_args.get("trigger", "manual"))
    run_id = settings.get("NEWSVAULT_RUN_ID") or new_run_id()
    settings.set("NEWSVAULT_RUN_ID", run_id, priority="cmdline")
    log_dir = config.home / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    settings.set("LOG_FILE", str(log_dir / f"{run_id}.log"), priority="cmdline")
    started = time.monotonic()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(cls)
    process.crawl(crawler, **{k: v for k, v in spider_args.items() if v is not None})
    process.start()
    run = getattr(crawler, "newsvault_run", None)
    if run is None:
        return CrawlResult(run_id, "failed", "the crawl did not start; see "
                           f"{log_dir / (run_id + '.log')}", {}, time.monotonic() - started)
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlResult(run_id, run.status, run.error, stats, time.monotonic() - started)
