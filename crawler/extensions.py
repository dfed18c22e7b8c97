"""Run lifecycle and reporting: the catalog's run record, and live progress on a terminal."""

from __future__ import annotations

import gc
import logging
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet.task import LoopingCall

from catalog.history import Held, held_articles
from crawler.recheck import Previous, RecheckPolicy, parse_steps
from crawler.roles import SEED, WORKER, role_of, worker_id
from crawler.run import Run, RunInfo, new_run_id
from newsvault.config import Config, config_from_settings

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
    role = role_of(spider.settings)
    if role == SEED:  # distributed mode: this run only fills the shared frontier
        if stats.get("newsvault/frontier/seeded"):
            return "ok", None
        return "failed", "nothing was seeded into the shared frontier"
    if role == WORKER:  # fetched whatever the frontier held; sources belong to the seed
        return "ok", None
    if spider.options.urls_file:
        if not stats.get("downloader/response_count"):
            return "failed", "none of the listed URLs could be fetched"
        return "ok", None
    if not stats.get("newsvault/sources/ok"):
        first = spider.source_errors[0] if spider.source_errors else "no source answered"
        return "failed", f"could not reach {spider.name}: {first}"
    return "ok", None


def policy_of(config: Config) -> RecheckPolicy:
    return RecheckPolicy(config.recheck_window, parse_steps(config.recheck_steps),
                         config.deletion_misses)


def previous_of(held: Held) -> Previous | None:
    if held.capture_id is None or held.capture_date is None or not held.payload_digest:
        return None
    return Previous(
        canonical_url=held.canonical_url, url=held.target_uri or held.url,
        capture_id=held.capture_id,
        date=held.capture_date.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        payload_sha256=held.payload_digest.removeprefix("sha256:"), etag=held.etag,
        last_modified=held.last_modified, status=held.status)


def load_history(spider: OutletSpider, run: Run) -> None:
    """What the outlet's articles held are, and which are due for a re-check this run."""
    policy, now = policy_of(run.config), datetime.now(UTC)
    for held in held_articles(run.engine, spider.name):
        previous = previous_of(held)
        if previous is None:
            continue
        spider.held[held.canonical_url] = previous
        if spider.options.recheck or policy.due(held.published, held.first_seen,
                                                held.last_checked, now):
            spider.due.add(held.canonical_url)
    spider.crawler.stats.set_value("newsvault/articles/held", len(spider.held))
    spider.crawler.stats.set_value("newsvault/articles/due", len(spider.due))


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
        try:
            self.open_run(spider)
        except Exception as exc:
            # Without a run nothing can be archived: stop at once, and say why.
            self.crawler.newsvault_error = f"{type(exc).__name__}: {exc}"  # type: ignore[attr-defined]
            logger.exception("could not open the run")
            engine = self.crawler.engine
            if engine is not None:
                engine.close_spider(spider, "newsvault_run_failed")

    def open_run(self, spider: OutletSpider) -> None:
        settings = self.crawler.settings
        config = config_from_settings(settings)
        info = RunInfo(
            run_id=settings.get("NEWSVAULT_RUN_ID") or new_run_id(), outlet=spider.name,
            edition=spider.options.edition, trigger=spider.options.trigger,
            args=run_args(spider), spider_version=spider.version,
            robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            user_agent=settings.get("USER_AGENT"), proxy=config.proxy or None,
            # Workers of one crawl write at once, maybe on one host: names must not collide.
            warc_host=worker_id() if role_of(settings) == WORKER else "")
        run = Run.create(info, config)
        self.crawler.newsvault_run = run  # type: ignore[attr-defined]
        run.open()
        load_history(spider, run)
        settle_heap()
        self.flusher = LoopingCall(run.flush)
        self.flusher.start(2.0, now=False)
        logger.info("run %s of %s started", info.run_id, spider.name)

    def closed(self, spider: OutletSpider, reason: str) -> None:
        if self.flusher is not None and self.flusher.running:
            self.flusher.stop()
        if getattr(self.crawler, "newsvault_run", None) is None:
            return  # the run never opened; opened() said why
        run = Run.of(self.crawler)
        stats = self.crawler.stats
        assert stats is not None
        values = jsonable(stats.get_stats())
        status, error = run_outcome(spider, values, reason)
        run.close(status, {"finish_reason": reason, **values}, error)
        run.status, run.error = status, error
        logger.info("run %s %s%s", run.info.run_id, status, f": {error}" if error else "")


def settle_heap() -> None:
    """Take what start-up made (modules, settings, the archive's history) out of the
    cyclic garbage collector's reach, and collect the young generation every 10,000
    allocations instead of 700. Measured on a 2,000-page crawl: the collector's time in
    the crawl process fell from 2.1 s to 0.5 s, most of it full collections walking the
    start-up heap again and again. Nearly everything a crawl allocates dies young, by
    reference counting; the cycles that wait longer for collection are few and small."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def run_args(spider: OutletSpider) -> dict[str, Any]:
    o = spider.options
    return {"edition": o.edition, "since": o.since.isoformat() if o.since else None,
            "limit": o.limit, "base_url": o.base_url, "urls": o.urls_file, "delay": o.delay,
            "recheck": o.recheck, **({"joined": seed} if (seed := spider.settings.get(
                "NEWSVAULT_SEED_RUN")) else {})}


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
