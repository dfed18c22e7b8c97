"""``newsvault export``: a selection of the archive as WACZ, WARC, JSONL or CDXJ."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from catalog.bundle import ExportJob, run
from catalog.db import connect
from catalog.export import FORMATS, Selection
from newsvault import config as nvconfig
from pipelines.storage import store_from_uri


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="wacz: a replayable package; warc: the records in one .warc.gz; jsonl: "
                   "text and provenance; cdxj: an index of the stored WARC files.")
@click.option("--outlet", help="Only this outlet.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Captured on or after (UTC).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Captured on or before (UTC).")
@click.option("--article", "articles", type=int, multiple=True,
              help="Only this article (by id); repeat for several.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def export(fmt: str, outlet: str | None, since: Any, until: Any, articles: tuple[int, ...],
           output: Path, as_json: bool) -> None:
    """Export articles, an outlet or a capture-date range (records copied byte for byte).

    The CDXJ index points at the stored WARC files (file name and offset), so a replay tool
    given those files and this index replays without indexing them again.
    """
    config = nvconfig.load()
    if output.parent and not output.parent.is_dir():
        click.echo(f"newsvault export: {output.parent} does not exist; create it first",
                   err=True)
        sys.exit(2)
    selection = Selection(outlet, _day(since), _day(until), articles)
    summary = run(connect(config.catalog_url),
                  store_from_uri(config.storage_uri, config.s3_options),
                  ExportJob(selection, fmt, output, config.operator))
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    counts = ", ".join(f"{k} {v}" for k, v in summary.items()
                       if k not in ("format", "path", "selection", "bytes"))
    click.echo(f"exported {summary['selection']} as {fmt} to {output} "
               f"({counts}, {summary['bytes']:,} bytes)")


COMMANDS = [export]
