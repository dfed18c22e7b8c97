"""``newsvault worker`` and ``newsvault frontier``: distributed mode's commands."""

from __future__ import annotations

import json
import logging
import sys

import click

from newsvault import config as nvconfig
from newsvault.crawl import EXIT_USAGE, scrapy_settings


def _distributed_config() -> nvconfig.Config:
    from crawler.options import UsageError
    from crawler.roles import require_distributed

    config = nvconfig.load()
    if not config.redis_url:
        click.echo("newsvault: distributed mode is off; set NEWSVAULT_REDIS_URL "
                   "(see deploy/env.example)", err=True)
        sys.exit(EXIT_USAGE)
    try:
        require_distributed()
    except UsageError as exc:
        click.echo(f"newsvault: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    return config


def _outlets(config: nvconfig.Config, names: tuple[str, ...]) -> list[str]:
    from scrapy.spiderloader import get_spider_loader

    known = sorted(get_spider_loader(scrapy_settings(config)).list())
    unknown = [n for n in names if n not in known]
    if unknown:
        click.echo(f"newsvault: unknown outlet(s) {', '.join(unknown)}; known: "
                   f"{', '.join(known)}", err=True)
        sys.exit(EXIT_USAGE)
    return list(names) or known


@click.command()
@click.argument("outlets", nargs=-1)
@click.option("--parallel", type=click.IntRange(1), default=2, show_default=True,
              help="Crawls served at once by this worker (one process each).")
@click.option("--idle-exit", type=float, metavar="SECONDS",
              help="Exit once no outlet has had work for this long (default: serve until "
              "stopped with SIGTERM or Ctrl-C).")
@click.option("--poll", type=float, default=2.0, show_default=True,
              help="Seconds between looks at the frontier while idle.")
def worker(outlets: tuple[str, ...], parallel: int, idle_exit: float | None,
           poll: float) -> None:
    """Fetch from the shared frontier: any number of workers, on any machines.

    Needs NEWSVAULT_REDIS_URL, and a catalog and storage every worker reaches (PostgreSQL,
    S3). Crawls are seeded by `newsvault crawl` and the scheduler; each worker writes its
    own WARC files, and a worker that dies loses nothing: its requests go back to the
    queue, and `newsvault sync` uploads whatever it had spooled.
    """
    from newsvault.worker import Supervisor

    config = _distributed_config()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    supervisor = Supervisor(config, _outlets(config, outlets), parallel=parallel,
                            idle_exit=idle_exit, poll=poll)
    sys.exit(supervisor.run())


@click.group()
def frontier() -> None:
    """Look at, or empty, the shared frontier of distributed mode."""


@frontier.command()
@click.argument("outlets", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per outlet.")
def status(outlets: tuple[str, ...], as_json: bool) -> None:
    """Queued and in-flight requests per outlet, and the crawl being served."""
    from crawler.frontier import crawl_info, frontier_state
    from crawler.roles import connect

    config = _distributed_config()
    server = connect(config.redis_url)
    for outlet in _outlets(config, outlets):
        state, crawl = frontier_state(server, outlet), crawl_info(server, outlet)
        if as_json:
            click.echo(json.dumps({"outlet": outlet, **state, "crawl": crawl}))
        else:
            click.echo(f"{outlet:16} queued {state['queued']:>7}  in flight "
                       f"{state['in_flight']:>4}  crawl {(crawl or {}).get('run_id', '-')}")


@frontier.command()
@click.argument("outlet")
@click.confirmation_option(prompt="Drop every queued request of this outlet?")
def clear(outlet: str) -> None:
    """Empty OUTLET's queue and dupefilter (in-flight requests of live workers stay)."""
    from crawler.frontier import key
    from crawler.roles import connect

    config = _distributed_config()
    _outlets(config, (outlet,))
    server = connect(config.redis_url)
    dropped = int(server.zcard(key(outlet, "requests")))
    server.delete(key(outlet, "requests"), key(outlet, "dupefilter"), key(outlet, "articles"))
    click.echo(f"{outlet}: dropped {dropped} queued requests")


COMMANDS = [worker, frontier]
