"""Running one crawl in this process: the engine behind ``newsvault crawl``.

Twisted's reactor cannot restart, so one process runs one crawl; the scheduler and the
demo start ``newsvault crawl`` as a child process for each run.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

from newsvault import __version__
from newsvault.config import Config, to_settings
from newsvault.locks import AlreadyHeld, crawl_lock, describe

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# "Skipped: this outlet is being crawled already." sysexits' EX_TEMPFAIL (try again later),
# so cron wrappers and systemd (SuccessExitStatus=75) can tell it from a failure.
EXIT_SKIPPED = 75


@dataclass
class CrawlResult:
    run_id: str
    status: str
    error: str | None
    stats: dict[str, Any]
    seconds: float

    @property
    def exit_code(self) -> int:
        if self.status == "skipped":
            return EXIT_SKIPPED
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
              overrides: dict[str, Any] | None = None, join: str | None = None) -> CrawlResult:
    """Crawl one outlet to completion; UsageError for bad options (before any fetch).

    When the outlet is being crawled already, nothing is fetched: the run is recorded as
    ``skipped`` and the result's exit code is EXIT_SKIPPED.

    In distributed mode (``config.redis_url``) the crawl *seeds* the shared frontier and
    fetches nothing; ``join`` (a seed's run id) makes this process one of the workers that
    serve that crawl instead (``newsvault worker`` starts them; see crawler/frontier.py).
    """
    from crawler.options import CrawlOptions, UsageError
    from crawler.roles import SEED, STANDALONE, WORKER
    from crawler.run import new_run_id

    overrides = dict(overrides or {})
    role = WORKER if join else SEED if config.redis_url else STANDALONE
    if join and not config.redis_url:
        raise UsageError("--join serves a distributed crawl: set NEWSVAULT_REDIS_URL")
    if role != STANDALONE:
        from crawler.roles import require_distributed

        require_distributed()
        from crawler.frontier import distributed_settings

        overrides.update(distributed_settings(config, role))
    if join:
        overrides["NEWSVAULT_SEED_RUN"] = join  # recorded in the worker run's args
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
    trigger = spider_args.get("trigger") or "manual"
    if role == WORKER:  # many workers serve one crawl: the seed took the outlet's lock
        return _crawl(cls, spider_args, config, settings, run_id)
    try:  # one crawl per outlet, whoever starts it; held until this process is done
        lock = crawl_lock(config, outlet, run_id, trigger)
    except AlreadyHeld as held:
        return _skipped(config, outlet, run_id, spider_args, held.holder,
                        f"{outlet} is being crawled already by {describe(held.holder)}")
    with lock:
        if role == SEED and (busy := _frontier_busy(config, outlet)):
            return _skipped(config, outlet, run_id, spider_args, {}, busy)
        return _crawl(cls, spider_args, config, settings, run_id)


def _frontier_busy(config: Config, outlet: str) -> str | None:
    """Why a new crawl must not be seeded: the last one is still being fetched."""
    from crawler.frontier import crawl_info, frontier_state, reap_dead
    from crawler.roles import connect

    server = connect(config.redis_url)
    reap_dead(server, outlet)
    state = frontier_state(server, outlet)
    if not any(state.values()):
        return None
    info = crawl_info(server, outlet) or {}
    return (f"{outlet}'s shared frontier still holds {state['queued']} queued and "
            f"{state['in_flight']} in-flight requests of run {info.get('run_id', '?')}; "
            "start `newsvault worker` processes to finish it, or empty it with "
            f"`newsvault frontier clear {outlet}`")


def _crawl(cls: Any, spider_args: dict[str, Any], config: Config, settings: Any,
           run_id: str) -> CrawlResult:
    from scrapy.crawler import CrawlerProcess

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
        why = getattr(crawler, "newsvault_error", "see the log")
        return CrawlResult(run_id, "failed", f"the crawl did not start: {why} "
                           f"({log_dir / (run_id + '.log')})", {}, time.monotonic() - started)
    stats = {**(crawler.stats.get_stats() if crawler.stats else {}), **run.storage_stats}
    warn_spooled(stats.get("newsvault/storage/spooled", 0), config)
    return CrawlResult(run_id, run.status, run.error, stats, time.monotonic() - started)


def warn_spooled(count: int, config: Config) -> None:
    """The run succeeded, but some objects could not be uploaded: say so, and what next."""
    if count:
        print(f"warning: {count} objects could not be uploaded to {config.storage_uri} and "
              f"stay in the spool ({config.spool_settings.directory}); the next crawl or "
              "`newsvault sync` uploads them", file=sys.stderr)


def _skipped(config: Config, outlet: str, run_id: str, spider_args: dict[str, Any],
             holder: dict[str, Any], why: str) -> CrawlResult:
    """Record the run as skipped (so the history shows every firing) and say why."""
    from catalog.db import connect
    from catalog.writer import record_run

    error = (f"{why}; nothing was fetched. Wait for that run to finish, or stop it "
             "(SIGTERM lets it close its WARC files)")
    stats = {"finish_reason": "skipped", "newsvault/lock/holder": holder}
    record_run(connect(config.catalog_url), {
        "id": run_id, "outlet": outlet, "edition": spider_args.get("edition"),
        "trigger": spider_args.get("trigger") or "manual", "status": "skipped",
        "host": config.host, "pid": os.getpid(), "args": _jsonable(spider_args),
        "stats": stats, "error": error, "software": f"newsvault/{__version__}"})
    return CrawlResult(run_id, "skipped", error, stats, 0.0)


def _jsonable(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | float | bool | None) else str(v)
            for k, v in args.items()}
