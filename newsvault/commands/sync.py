"""``newsvault sync``: upload what is left in the spool.

Every crawl does the same as it starts (the uploads run beside the crawl), so this command
is for after an outage, or for a machine that crawls no more.
"""

from __future__ import annotations

import json
import sys

import click

from catalog.db import connect
from newsvault import config as nvconfig
from newsvault.config import Config
from pipelines.storage import store_from_uri
from pipelines.store.spool import SpooledStore


def open_spooled(config: Config) -> SpooledStore:
    """The store as a crawl uses it: the spool in front of the configured store."""
    remote = store_from_uri(config.storage_uri, config.s3_options)
    return SpooledStore(remote, config.spool_settings, connect(config.catalog_url))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="The outcome as one JSON object.")
def sync(as_json: bool) -> None:
    """Upload the objects waiting in the spool; exit 1 if any are still there.

    WARC files a killed crawl or worker left open are first cut back to their last whole
    record and stored (as the next crawl would do)."""
    from crawler.run import rescue_warcs

    config = nvconfig.load()
    store = open_spooled(config)
    rescued = rescue_warcs(config.spool_dir / "warc", store.engine, store)
    queued = store.resume()
    stats = store.close()
    failed = store.uploader.report.failed
    left = stats["newsvault/storage/spooled"]
    outcome = {"store": store.uri, "spool": str(store.dir), "rescued": rescued,
               "queued": queued,
               "uploaded": stats["newsvault/storage/uploaded"], "spooled": left,
               "failed": failed}
    if as_json:
        sys.stdout.write(json.dumps(outcome) + "\n")
    else:
        click.echo(f"uploaded {outcome['uploaded']} of {queued} spooled objects to {store.uri}")
        for key, error in sorted(failed.items()):
            click.echo(f"  failed: {key}: {error}", err=True)
        if left:
            click.echo(f"newsvault sync: {left} objects are still in the spool {store.dir}: "
                       "check that the store is reachable (AWS_ENDPOINT_URL, credentials, "
                       "the bucket) and run `newsvault sync` again", err=True)
    sys.exit(1 if left else 0)


COMMANDS = [sync]
