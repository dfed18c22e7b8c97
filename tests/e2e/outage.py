"""A crawl during which S3 goes away, for the S3 end-to-end archive.

The crawl writes small WARC files (so that some close and upload while it runs), SeaweedFS is
stopped once uploads are confirmed, and the crawl finishes on its own, with what it made in
the spool. Then the server comes back (same port, same data) and ``newsvault sync`` uploads
what was left. Every end-to-end test then reads that archive: nothing may be missing.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from tests.conftest import Home
from tests.e2e.archive import provenance, rows


@dataclass
class Outage:
    """What the crawl left behind when S3 was down, and how the sync went."""

    spooled: set[str]  # keys in the spool when the crawl ended
    stats: dict[str, Any]  # the run's stats
    sync: subprocess.CompletedProcess[str]


def confirmed(home: Home, outlet: str) -> int:
    """Objects of ``outlet`` whose upload is confirmed so far."""
    try:
        return len(rows(home.catalog_url, "SELECT key FROM objects WHERE status = 'stored' "
                                          "AND outlet = :o", o=outlet))
    except Exception:  # the catalog is being created
        return 0


def spool_keys(home: Home) -> set[str]:
    spool = home.path / "data" / "spool" / "upload"
    return {p.relative_to(spool).as_posix() for p in spool.rglob("*")
            if p.is_file() and p.relative_to(spool).parts[0] != ".tmp"}


def crawl_through_outage(home: Home, seaweed: Any, outlet: str, *args: str
                         ) -> tuple[subprocess.CompletedProcess[str], Outage]:
    """``newsvault crawl OUTLET ARGS`` with S3 stopped mid-run, then restarted and synced."""
    cmd = [sys.executable, "-m", "newsvault", "crawl", outlet, *args]
    env = {**home.env, "NEWSVAULT_WARC_MAX_SIZE": "60000"}
    child = subprocess.Popen(cmd, env=env, cwd=home.path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while confirmed(home, outlet) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        seaweed.stop()
        out, err = child.communicate(timeout=240)
    finally:
        child.kill()
    crawl = subprocess.CompletedProcess(cmd, child.returncode, out, err)
    run = rows(home.catalog_url, "SELECT stats FROM runs WHERE outlet = :o", o=outlet)
    stats = provenance(run[-1]["stats"]) if run else {}
    spooled = spool_keys(home)
    seaweed.start()
    return crawl, Outage(spooled, stats, home.cli("sync"))
