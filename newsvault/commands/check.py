"""``newsvault check OUTLET``: is the outlet parser still reading the live site?

It captures a handful of recent articles (archived like any capture: evidence is never
wasted) and reports, field by field, which method produced each value. An outlet parser
that no longer matches shows up as ``fallback`` here, long before the archive goes empty.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from catalog import schema
from catalog.db import connect
from crawler.options import UsageError
from newsvault import config as nvconfig
from newsvault.crawl import EXIT_USAGE, run_crawl

FIELDS = ("title", "published", "body", "dateline", "authors", "section", "tags")
REQUIRED = ("title", "published", "body")


def field_health(article: dict[str, Any], methods: dict[str, str]) -> dict[str, str]:
    """field -> the method that produced it (``outlet`` for the outlet parser's own
    selectors), or ``missing``."""
    def short(method: str) -> str:
        return "outlet" if method.startswith("outlet:") else method

    return {f: short(methods.get(f, "?")) if article.get(f) else "missing" for f in FIELDS}


def verdict(parser: str | None, health: dict[str, str]) -> str:
    if not parser or parser == "fallback":
        return "fallback"
    if any(health[f] == "missing" for f in REQUIRED):
        return "incomplete"
    return "ok"


def run_report(catalog_url: str, run_id: str) -> list[dict[str, Any]]:
    A, C = schema.articles, schema.article_captures
    with connect(catalog_url).connect() as conn:
        found = conn.execute(select(A, C.c.provenance).join(C, C.c.article_id == A.c.id)
                             .where(C.c.run_id == run_id)).all()
    report = []
    for row in found:
        article = dict(row._mapping)
        article["body"] = article["body"] or None
        methods = (row.provenance or {}).get("text", {}).get("methods", {})
        health = field_health(article, methods)
        report.append({"url": article["url"], "parser": article["parser"],
                       "verdict": verdict(article["parser"], health), "fields": health})
    return report


@click.command()
@click.argument("outlet")
@click.option("--edition")
@click.option("--limit", type=int, default=5, show_default=True)
@click.option("--base-url")
@click.option("--proxy")
@click.option("--delay", type=float)
@click.option("--json", "as_json", is_flag=True)
def check(outlet: str, edition: str | None, limit: int, base_url: str | None,
          proxy: str | None, delay: float | None, as_json: bool) -> None:
    """Capture a few recent OUTLET articles and report how each field was extracted."""
    config = nvconfig.load()
    if proxy:
        config = dataclasses.replace(config, proxy=proxy)
    args = {"edition": edition, "limit": limit, "base_url": base_url, "delay": delay,
            "recheck": True}
    try:
        result = run_crawl(outlet, args, config)
    except UsageError as exc:
        click.echo(f"newsvault check: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if result.status != "ok":
        click.echo(f"newsvault check: run {result.run_id} {result.status}: {result.error}",
                   err=True)
        sys.exit(1)
    report = run_report(config.catalog_url, result.run_id)
    healthy = bool(report) and all(r["verdict"] == "ok" for r in report)
    if as_json:
        for row in report:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        show(outlet, report, healthy)
    sys.exit(0 if healthy else 1)


def show(outlet: str, report: list[dict[str, Any]], healthy: bool) -> None:
    table = Table(title=f"{outlet}: how each field was extracted")
    for col in ("article", "parser", *FIELDS, "verdict"):
        table.add_column(col, overflow="fold")
    for row in report:
        table.add_row(row["url"].split("://", 1)[-1][-40:], row["parser"] or "",
                      *(row["fields"][f] for f in FIELDS), row["verdict"])
    console = Console()
    console.print(table)
    if not report:
        console.print("[red]no article was captured: the discovery sources found nothing[/]")
    elif healthy:
        console.print(f"[green]{outlet}: the outlet parser reads every field it should[/]")
    else:
        console.print(f"[red]{outlet}: some articles fell back or lost fields: the site may "
                      "have changed its templates; see the table[/]")


COMMANDS = [check]
