"""Run lifecycle and reporting: the catalog's run record, and live progress on a terminal."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet.task import LoopingCall

from catalog.writer import known_canonicals
from crawler.run import Run, RunInfo, new_run_id
from newsvault.config import config_from_settings

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from crawler.outlet import OutletSpider

logger = logging.getLogger(__name__)

SUMMARY_STATS = {
    "pages": "downloader/response_count",
    "articles": "newsvault/articles/stored",
    "bytes": "newsvault/warc/bytes",
    "errors": "log_count/ERROR",
    "fallback": "newsvault/extract/fallback",
    "sources_failed": "newsvault/sources/failed",
}


def run_outcome(spider: OutletSpider, stats: dict[str, Any], reason: str) -> tuple[str, str | None]:
    """(status, error): a run fails when no discovery source could be read at all, or,
    for a URL list, when nothing could be fetched. A shutdown mid-run is 'interrupted'."""
    if reason == "shutdown":
        return "interrupted", "the crawl was stopped before it finished"
    if spider.options.urls_file:
        if not stats.get("downloader/response_count"):
            return "failed", "none of the listed URLs could be fetched"
        return "ok", None
    if not stats.get("newsvault/sources/ok"):
        first = spider.source_errors[0] if spider.source_errors else "no source answered"
        return "failed", f"could not reach {spider.name}: {first}"
    return "ok", None


def jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in stats.items()}


class RunExtension:
    """Opens the run when the spider opens (run row, WARC writer, rescue of files a killed
    run left behind) and closes it with its outcome and stats when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.flusher: LoopingCall | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunExtension:
        return cls(crawler)

    def opened(self, spider: OutletSpider) -> None:
        settings = self.crawler.settings
        config = config_from_settings(settings)
        info = RunInfo(
            run_id=settings.get("NEWSVAULT_RUN_ID") or new_run_id(), outlet=spider.name,
            edition=spider.options.edition, trigger=spider.options.trigger,
            args=run_args(spider), spider_version=spider.version,
            robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            user_agent=settings.get("USER_AGENT"), proxy=config.proxy or None)
        run = Run.create(info, config)
        self.crawler.newsvault_run = run  # type: ignore[attr-defined]
        run.open()
        spider.known = known_canonicals(run.engine, spider.name)
        self.flusher = LoopingCall(run.flush)
        self.flusher.start(2.0, now=False)
        logger.info("run %s of %s started", info.run_id, spider.name)

    def closed(self, spider: OutletSpider, reason: str) -> None:
        if self.flusher is not None and self.flusher.running:
            self.flusher.stop()
        run = Run.of(self.crawler)
        stats = self.crawler.stats
        assert stats is not None
        values = jsonable(stats.get_stats())
        status, error = run_outcome(spider, values, reason)
        run.close(status, {"finish_reason": reason, **values,
                           "warc_files": list(run.warc_files)}, error)
        run.status, run.error = status, error
        logger.info("run %s %s%s", run.info.run_id, status, f": {error}" if error else "")


def run_args(spider: OutletSpider) -> dict[str, Any]:
    o = spider.options
    return {"edition": o.edition, "since": o.since.isoformat() if o.since else None,
            "limit": o.limit, "base_url": o.base_url, "urls": o.urls_file, "delay": o.delay,
            "recheck": o.recheck}


class ProgressExtension:
    """Live progress (pages, articles, errors, bytes) on a terminal, with rich."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.live: Any = None
        self.ticker: LoopingCall | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        return cls(crawler)

    @staticmethod
    def enabled(settings: BaseSettings) -> bool:
        return settings.getbool("NEWSVAULT_PROGRESS", True) and sys.stderr.isatty()

    def opened(self, spider: OutletSpider) -> None:
        if not self.enabled(self.crawler.settings):
            return
        from rich.console import Console
        from rich.live import Live

        self.live = Live(self.render(spider.name), console=Console(stderr=True),
                         refresh_per_second=4, transient=False)
        self.live.start()
        self.ticker = LoopingCall(lambda: self.live.update(self.render(spider.name)))
        self.ticker.start(0.5)

    def render(self, name: str) -> str:
        stats = self.crawler.stats
        get = stats.get_value if stats is not None else (lambda _k, _d=0: 0)
        values = {label: get(key, 0) or 0 for label, key in SUMMARY_STATS.items()}
        return (f"[bold]{name}[/]  pages {values['pages']}  articles {values['articles']}  "
                f"errors {values['errors']}  {values['bytes'] / 1e6:.1f} MB")

    def closed(self, spider: OutletSpider) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        if self.live is not None:
            self.live.update(self.render(spider.name))
            self.live.stop()
