"""``newsvault crawl OUTLET``: one run, in this process, with a clear outcome."""

from __future__ import annotations

import dataclasses
import sys

import click

from crawler.options import TRIGGERS, UsageError
from newsvault import config as nvconfig
from newsvault.crawl import EXIT_USAGE, run_crawl


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
def crawl(outlet: str, proxy: str | None, **options: object) -> None:
    """Crawl OUTLET into WARC files, cleaned text and the catalog."""
    config = nvconfig.load()
    if proxy:
        config = dataclasses.replace(config, proxy=proxy)
    try:
        result = run_crawl(outlet, dict(options), config)
    except UsageError as exc:
        click.echo(f"newsvault crawl: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if result.status == "ok":
        click.echo(f"run {result.run_id} ok: {summary(result)}")
        fallback = result.stats.get("newsvault/extract/fallback", 0)
        if fallback:
            click.echo(f"warning: {fallback} articles fell back to the generic extractor; "
                       f"has {outlet} changed its templates? run `newsvault check {outlet}`",
                       err=True)
    else:
        click.echo(f"run {result.run_id} {result.status}: {result.error}", err=True)
    sys.exit(result.exit_code)


COMMANDS = [crawl]
