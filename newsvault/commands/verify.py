"""``newsvault verify``: prove the archive intact, object by object (see catalog.verify)."""

from __future__ import annotations

import json
import sys

import click

from catalog import objects
from catalog.db import connect
from catalog.verify import Auditor, Finding, summary
from newsvault import config as nvconfig
from pipelines.storage import store_from_uri

FIXES = {
    "missing": "a listed object is gone from the store: restore it from a replica or backup "
               "(its SHA-256 is in the catalog), then run verify again",
    "corrupt": "a stored object changed: restore it from a replica or backup; the catalog's "
               "SHA-256 tells the right copy",
    "unexpected": "objects the catalog does not list: written by another tool, or by a run "
                  "whose catalog was lost; inspect them before deleting anything",
    "quarantined": "spooled copies changed on disk before their upload: see "
                   "<home>/spool/upload-quarantine/",
    "unreadable": "the store did not answer: check AWS_ENDPOINT_URL and the credentials",
}


def show(findings: list[Finding], uri: str) -> None:
    for f in findings:
        if not f.ok:
            click.echo(f"{f.status:<11} {f.key}")
            for problem in f.problems:
                click.echo(f"            {problem}")
    counts = summary(findings)
    checked = sum(1 for f in findings if f.kind != "listing")
    click.echo(f"verified {checked} objects in {uri}: "
               + ", ".join(f"{n} {status}" for status, n in counts.items() if n))
    if counts["spooled"]:
        click.echo(f"{counts['spooled']} objects are intact in the spool, waiting for their "
                   "upload: run `newsvault sync`")
    for status, fix in FIXES.items():
        if counts[status]:
            click.echo(f"{status}: {fix}", err=True)


@click.command()
@click.option("--outlet", help="Only this outlet's objects.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per line: each object's verdict, then a summary.")
def verify(outlet: str | None, as_json: bool) -> None:
    """Re-hash every object the catalog lists, local or S3; exit 1 on any problem.

    WARC files are checked record by record at their recorded offsets, text documents
    against their provenance; objects missing, corrupt or not in the catalog are reported.
    """
    config = nvconfig.load()
    engine = connect(config.catalog_url)
    if outlet and outlet not in (held := objects.outlets(engine)):
        click.echo(f"newsvault verify: the catalog holds no objects of {outlet!r}; outlets "
                   f"with objects: {', '.join(held) or 'none'}", err=True)
        sys.exit(2)
    store = store_from_uri(config.storage_uri, config.s3_options)
    auditor = Auditor(engine, store, config.spool_settings.directory)
    findings = auditor.run(outlet)
    ok = all(f.ok for f in findings)
    if as_json:
        for f in findings:
            sys.stdout.write(json.dumps(f.to_json(), ensure_ascii=False) + "\n")
        sys.stdout.write(json.dumps({"summary": summary(findings), "store": store.uri,
                                     "ok": ok}) + "\n")
    else:
        show(findings, store.uri)
    sys.exit(0 if ok else 1)


COMMANDS = [verify]
