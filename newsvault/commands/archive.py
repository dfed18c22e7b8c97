"""Browsing the archive from a terminal: outlets, runs, articles, show, search.

Every command takes ``--json``: one JSON object per line, for scripts and ``jq``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from catalog import queries
from catalog.db import connect
from newsvault import config as nvconfig

json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")


def engine() -> Any:
    return connect(nvconfig.load().catalog_url)


def emit(rows: Iterable[dict[str, Any]], as_json: bool, columns: Sequence[str],
         title: str) -> None:
    rows = list(rows)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    Console().print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= 70 else text[:69] + "…"


@click.command()
@json_option
def outlets(as_json: bool) -> None:
    """Outlets with their article counts and last run."""
    from crawler.spiders import registry

    held = {r["outlet"]: r for r in queries.outlets(engine())}
    rows = [{"outlet": name, "editions": ",".join(cls.editions), **held.get(name, {})}
            for name, cls in sorted(registry().items())]
    emit(rows, as_json, ["outlet", "editions", "articles", "last_capture", "last_run_status"],
         "Outlets")


@click.command()
@click.option("--outlet")
@click.option("--limit", type=int, default=50, show_default=True)
@json_option
def runs(outlet: str | None, limit: int, as_json: bool) -> None:
    """Crawl runs, newest first."""
    rows = queries.runs(engine(), outlet, limit)
    if not as_json:
        for r in rows:
            stats = r.get("stats") or {}
            r["articles"] = stats.get("newsvault/articles/stored", "")
            r["pages"] = stats.get("downloader/response_count", "")
    emit(rows, as_json, ["id", "outlet", "trigger", "status", "started_at", "pages",
                         "articles", "error"], "Runs")


@click.command()
@click.option("--outlet")
@click.option("--edition")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before.")
@click.option("--status", type=click.Choice(["live", "deleted"]))
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--offset", type=int, default=0)
@json_option
def articles(outlet: str | None, edition: str | None, since: Any, until: Any,
             status: str | None, limit: int, offset: int, as_json: bool) -> None:
    """Articles held, newest publication first."""
    flt = queries.ArticleFilter(outlet, edition, _day(since), _day(until), status, limit, offset)
    emit(queries.articles(engine(), flt), as_json,
         ["id", "outlet", "edition", "published", "title"], "Articles")


def _day(value: Any) -> date | None:
    return value.date() if value is not None else None


@click.command()
@click.argument("ref")
@json_option
def show(ref: str, as_json: bool) -> None:
    """One article (by id or URL) with its text, captures and provenance."""
    article = queries.find_article(engine(), ref)
    if article is None:
        click.echo(f"newsvault show: no article {ref!r}; try `newsvault search` or "
                   "`newsvault articles`", err=True)
        sys.exit(1)
    if as_json:
        sys.stdout.write(json.dumps(article, ensure_ascii=False, default=str) + "\n")
        return
    console = Console()
    console.print(f"[bold]{article['title']}[/]")
    console.print(f"{article['outlet']} · {article['edition']} · published "
                  f"{article['published']} · {article['canonical_url']}")
    if article.get("dateline") or article.get("editor_initials"):
        console.print(f"dateline: {article.get('dateline')}   "
                      f"initials: {article.get('editor_initials')}")
    console.print()
    console.print(article.get("body") or "")
    console.print()
    status = article["status"] + (" (edited after publication)" if article["edited"] else "")
    console.print(f"[bold]status:[/] {status}")
    for v in article["versions"]:
        console.print(f"  version {v['version']}: first seen {v['first_seen']}, last confirmed "
                      f"{v['last_confirmed']} (capture {v['first_capture']})")
    for e in article["events"]:
        console.print(f"  {e['at']}: {e['kind']} {e.get('detail') or ''} "
                      f"(capture {e.get('capture_id')})")
    for other in article["also_published"]:
        console.print(f"  also published by {other['outlet']} ({other['similarity']:.0%}): "
                      f"{other['title']} {other['canonical_url']}")
    for cap in article["captures"]:
        prov = cap.get("provenance") or {}
        warc = prov.get("warc", {})
        console.print(f"capture {cap['capture_id']} ({cap['kind']}, HTTP {cap['status']}) at "
                      f"{cap['fetched_at']}: {warc.get('filename')} @{warc.get('offset')}")


@click.command()
@click.argument("query")
@click.option("--outlet")
@click.option("--limit", type=int, default=20, show_default=True)
@json_option
def search(query: str, outlet: str | None, limit: int, as_json: bool) -> None:
    """Full-text search over titles and bodies (Arabic and English alike)."""
    emit(queries.search(engine(), query, outlet, limit), as_json,
         ["id", "outlet", "published", "title", "snippet"], f"Search: {query}")


COMMANDS = [outlets, runs, articles, show, search]
