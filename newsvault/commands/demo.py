"""``newsvault demo``: crawl the bundled outlet replicas offline, then show what was made.

Each outlet runs as its own ``newsvault crawl`` process, as the scheduler runs them, with
all traffic sent through the replica server as an HTTP(S) proxy: the real spiders fetch
the real host names (https://sana.sy/...) and never touch the network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import click
from sqlalchemy import func, select

from catalog import schema
from catalog.db import connect
from newsvault import config as nvconfig

DEMO_OUTLETS = ("sana", "prensa_latina", "emirates_voice")


def crawl_command(outlet: str, proxy: str) -> list[str]:
    # --delay 0: the replica is ours, so politeness delays would only slow the demo.
    # --since: the replicas are small, so the demo backfills every generation they hold.
    return [sys.executable, "-m", "newsvault", "crawl", outlet, "--proxy", proxy,
            "--delay", "0", "--since", "2010-01-01"]


@click.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write (default: NEWSVAULT_HOME or ./newsvault-data).")
@click.option("--outlet", "outlets", multiple=True, type=click.Choice(DEMO_OUTLETS),
              help="Only these outlets (default: all three).")
def demo(home: Path | None, outlets: tuple[str, ...]) -> None:
    """Crawl local replicas of SANA, Prensa Latina and Emirates Voice into ./newsvault-data."""
    from newsvault.replicas.server import ReplicaServer

    config = nvconfig.load()
    home = home or config.home
    env = {**os.environ, "NEWSVAULT_HOME": str(home)}
    started, failures = time.monotonic(), 0
    with ReplicaServer() as server:
        click.echo(f"replica server on {server.proxy_url} (serving sana.sy, plenglish.com, "
                   "emiratesvoice.com, ...)")
        for outlet in outlets or DEMO_OUTLETS:
            click.echo(f"crawling {outlet} ...")
            done = subprocess.run(crawl_command(outlet, server.proxy_url), env=env,
                                  check=False)
            failures += done.returncode != 0
    report(home, time.monotonic() - started)
    sys.exit(1 if failures else 0)


def report(home: Path, seconds: float) -> None:
    """What the demo made, and how to look at it."""
    config = nvconfig.load({**os.environ, "NEWSVAULT_HOME": str(home)})
    engine = connect(config.catalog_url)
    with engine.connect() as conn:
        rows = conn.execute(select(schema.articles.c.outlet, func.count())
                            .group_by(schema.articles.c.outlet)).all()
        articles = {str(outlet): int(n) for outlet, n in rows}
        files, size = conn.execute(select(func.count(), func.coalesce(
            func.sum(schema.warc_files.c.size), 0))).one()
    click.echo("")
    click.echo(f"newsvault demo: {sum(articles.values())} articles "
               f"({', '.join(f'{k} {v}' for k, v in sorted(articles.items()))}), "
               f"{files} WARC files, {size / 1e6:.1f} MB, {seconds:.1f} s")
    local = config.storage_uri.startswith("file:")
    where = "store/warc, store/text" if local else config.storage_uri
    click.echo(f"written under {home}/ ({where}, catalog, logs)")
    click.echo("look at it:")
    prefix = "" if home == Path("newsvault-data") else f"NEWSVAULT_HOME={home} "
    for cmd in ("newsvault articles", "newsvault search Qusayr", "newsvault show 1",
                "newsvault runs", "newsvault verify", "newsvault browse"):
        click.echo(f"  {prefix}{cmd}")
    if local:
        click.echo(f"  warcio check {home}/store/warc/*/*/*/*.warc.gz")


COMMANDS = [demo]
