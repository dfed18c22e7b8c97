"""``newsvault crawl OUTLET``: one run, in this process, with a clear outcome."""

from __future__ import annotations

import dataclasses
import re
import sys

import click

from crawler.options import TRIGGERS, UsageError
from newsvault import config as nvconfig
from newsvault.crawl import EXIT_USAGE, CrawlResult, run_crawl


def summary(result: object) -> str:
    stats = getattr(result, "stats", {})
    mb = (stats.get("newsvault/warc/bytes") or 0) / 1e6
    return (f"{stats.get('downloader/response_count', 0)} pages, "
            f"{stats.get('newsvault/articles/stored', 0)} articles, "
            f"{mb:.1f} MB archived in {getattr(result, 'seconds', 0):.1f} s")


@click.command()
@click.argument("outlet")
@click.option("--edition", help="Only this edition (e.g. en, ar, es).")
@click.option("--since", metavar="YYYY-MM-DD", help="Backfill: walk sitemaps and listings "
              "back to this date.")
@click.option("--limit", type=int, help="Capture at most N articles.")
@click.option("--base-url", help="Fetch the outlet from this mirror or local replica.")
@click.option("--proxy", help="Send all traffic through this HTTP(S) proxy.")
@click.option("--urls", "urls", type=click.Path(exists=True, dir_okay=False),
              help="Capture the article URLs listed in this file.")
@click.option("--delay", type=float, help="Seconds between requests to a host, overriding "
              "the outlet's politeness (for your own mirrors and replicas).")
@click.option("--recheck", is_flag=True, help="Re-fetch articles already held.")
@click.option("--trigger", type=click.Choice(TRIGGERS), default="manual", show_default=True)
@click.option("--run-id", help="Use this run id (the scheduler passes one, to find the run's "
              "record afterwards).")
@click.option("--join", metavar="RUN", hidden=True,
              help="Serve the distributed crawl RUN as a worker (newsvault worker uses it).")
def crawl(outlet: str, proxy: str | None, run_id: str | None, join: str | None,
          **options: object) -> None:
    """Crawl OUTLET into WARC files, cleaned text and the catalog.

    \b
    Exit status: 0 ok; 1 failed or interrupted; 2 bad options;
    75 skipped: OUTLET is being crawled already (recorded as a skipped run).
    """
    config = nvconfig.load()
    if proxy:
        config = dataclasses.replace(config, proxy=proxy)
    if run_id is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", run_id):
        click.echo("newsvault crawl: --run-id takes letters, digits, _ and - only", err=True)
        sys.exit(EXIT_USAGE)
    overrides = {"NEWSVAULT_RUN_ID": run_id} if run_id else None
    try:
        result = run_crawl(outlet, dict(options), config, overrides, join=join)
    except UsageError as exc:
        click.echo(f"newsvault crawl: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    seeded = result.stats.get("newsvault/frontier/seeded")
    if result.status == "ok" and config.redis_url and not join:
        click.echo(f"run {result.run_id} ok: seeded {seeded or 0} requests into the shared "
                   f"frontier; `newsvault worker` processes fetch them")
    elif result.status == "ok":
        click.echo(f"run {result.run_id} ok: {summary(result)}")
        fallback = result.stats.get("newsvault/extract/fallback", 0)
        if fallback:
            click.echo(f"warning: {fallback} articles fell back to the generic extractor; "
                       f"has {outlet} changed its templates? run `newsvault check {outlet}`",
                       err=True)
    else:
        click.echo(f"run {result.run_id} {result.status}: {result.error}", err=True)
    if options.get("trigger") == "cron":
        alert(config, result)
    sys.exit(result.exit_code)


def alert(config: nvconfig.Config, result: CrawlResult) -> None:
    """Cron runs are unattended: report a failure (the scheduler reports its own runs)."""
    from newsvault.alerts import RunReport, after_run

    after_run(config, RunReport(result.run_id, result.exit_code))


COMMANDS = [crawl]
