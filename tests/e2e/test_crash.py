"""A crawl killed with SIGKILL loses nothing: the next run rescues the open WARC file."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from pipelines.warc import verify_file
from tests.conftest import Home
from tests.e2e.archive import read_warcs, rows, warcio_check


def wait_for(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_sigkill_mid_crawl_then_next_run_recovers(replica: Any, home: Home) -> None:
    # Slow pages keep the crawl busy long enough to be killed mid-way, with some
    # exchanges already written to the open WARC file.
    listing = home.path / "slow.txt"
    listing.write_text("".join(f"https://sana.sy/_faults/slow?s=0.4&k={i}\n" for i in range(40)))
    cmd = [sys.executable, "-m", "newsvault", "crawl", "sana", "--urls", str(listing),
           "--delay", "0", "--proxy", replica.proxy_url]
    child = subprocess.Popen(cmd, env=home.env, cwd=home.path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    spool = home.path / "data" / "spool" / "warc"
    try:
        assert wait_for(lambda: any(p.stat().st_size > 20_000
                                    for p in spool.glob("*.warc.gz.open")), 60)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    (open_file,) = spool.glob("*.warc.gz.open")
    killed_bytes = open_file.read_bytes()
    (killed_run,) = rows(home.catalog_url, "SELECT id, status FROM runs")
    assert killed_run["status"] == "running"

    done = home.crawl("emirates_voice", "--edition", "en", "--limit", "2", "--delay", "0",
                      proxy=replica.proxy_url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not list(spool.glob("*.open"))
    recovered = rows(home.catalog_url, "SELECT * FROM warc_files WHERE status = 'recovered'")
    assert len(recovered) == 1 and recovered[0]["run_id"] == killed_run["id"]
    kept = (home.store / recovered[0]["key"]).read_bytes()
    assert killed_bytes.startswith(kept) and kept  # cut back to whole records, never altered
    if kept != killed_bytes:  # a record was half-written: the original is kept as evidence
        quarantine = list((spool / "quarantine").glob("*"))
        assert [q.read_bytes() for q in quarantine] == [killed_bytes]
    assert warcio_check(home.store).returncode == 0
    for path in home.store.glob("warc/*/*/*/*.warc.gz"):
        assert verify_file(path).ok, path
    runs = {r["id"]: r for r in rows(home.catalog_url, "SELECT * FROM runs")}
    assert runs[killed_run["id"]]["status"] == "interrupted"
    slow = [r for r in read_warcs(home.store) if r.type == "response" and r.uri
            and "/_faults/slow" in r.uri]
    assert slow, "the exchanges written before the kill are in the recovered file"
    indexed = rows(home.catalog_url, "SELECT record_id FROM captures WHERE filename = :f",
                   f=recovered[0]["filename"])
    assert len(indexed) >= len(slow) * 2  # request and response rows for each exchange
