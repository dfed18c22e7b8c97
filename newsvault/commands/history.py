"""``newsvault diff`` and ``newsvault reextract``: an article's history, and rebuilding it."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from catalog import queries
from catalog.diff import diff_versions, render
from newsvault import config as nvconfig
from newsvault.commands.archive import engine, json_option


def pick(versions: list[dict[str, Any]], number: int | None, default: int) -> dict[str, Any]:
    if number is None:
        return versions[default]
    found = [v for v in versions if v["version"] == number]
    if not found:
        raise click.UsageError(f"no version {number}; this article has versions "
                               f"{', '.join(str(v['version']) for v in versions)}")
    return found[0]


@click.command()
@click.argument("ref")
@click.option("--from", "from_", type=int, help="Version to compare from (default: the one "
              "before --to).")
@click.option("--to", type=int, help="Version to compare to (default: the latest).")
@json_option
def diff(ref: str, from_: int | None, to: int | None, as_json: bool) -> None:
    """How an article (by id or URL) changed between two versions, by paragraph and word."""
    article = queries.find_article(engine(), ref)
    if article is None:
        click.echo(f"newsvault diff: no article {ref!r}; try `newsvault search`", err=True)
        sys.exit(1)
    versions = article["versions"]
    if len(versions) < 2 and (from_ is None or to is None):
        click.echo(f"{article['title']}: one version only, never edited since "
                   f"{versions[0]['first_seen'] if versions else 'capture'}")
        return
    new = pick(versions, to, -1)
    old = pick(versions, from_, versions.index(new) - 1 if versions.index(new) else 0)
    result = diff_versions(old, new)
    result |= {"article_id": article["id"], "url": article["canonical_url"],
               "from_seen": old["first_seen"], "to_seen": new["first_seen"],
               "from_capture": old["first_capture"], "to_capture": new["first_capture"]}
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    click.echo(f"{article['title']} ({article['canonical_url']})")
    click.echo(f"v{old['version']} first seen {old['first_seen']} (capture "
               f"{old['first_capture']}); v{new['version']} first seen {new['first_seen']} "
               f"(capture {new['first_capture']})")
    click.echo(render(result))


@click.command()
@click.argument("outlet", required=False)
@json_option
def reextract(outlet: str | None, as_json: bool) -> None:
    """Rebuild cleaned text and versions from the stored WARCs with the current parsers.

    Offline: no network, and no WARC byte is rewritten. New text documents are stored
    beside the old ones, which stay (they are what the provenance of each capture names).
    """
    from newsvault.reextract import reextract_all

    report = reextract_all(nvconfig.load(), outlet)
    if as_json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        click.echo(f"re-extracted {report['captures']} captures of {report['articles']} "
                   f"articles: {report['changed']} texts changed, {report['versions']} "
                   f"versions now")


COMMANDS = [diff, reextract]
