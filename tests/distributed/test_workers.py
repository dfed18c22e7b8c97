"""Distributed mode end to end, on real services: two workers share one crawl of the SANA
replica through Redis, write one PostgreSQL catalog and one S3 bucket (SeaweedFS), and a
worker killed mid-crawl loses nothing."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT
from tests.e2e.archive import read_warcs, rows, warcio_check

pytestmark = [pytest.mark.server, pytest.mark.slow]
DELAY = 0.15  # seconds between requests to a host, for the whole cluster
CRAWL = ("sana", "--edition", "en", "--delay", str(DELAY))


@pytest.fixture(scope="module")
def site() -> Iterator[Any]:
    """A replica of our own, so its request log holds this module's requests only."""
    from newsvault.replicas.server import ReplicaServer

    with ReplicaServer() as server:
        yield server


@pytest.fixture(scope="module")
def reference(site: Any, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The articles one machine crawling alone captures (canonical URLs)."""
    home = tmp_path_factory.mktemp("alone")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSVAULT_")}
    env.update(NEWSVAULT_HOME=str(home), NEWSVAULT_PROGRESS="0",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-m", "newsvault", "crawl", *CRAWL[:3], "--delay",
                           "0", "--base-url", site.mirror_url("sana.sy")], env=env,
                          capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = {r["canonical_url"] for r in rows(f"sqlite:///{home / 'catalog.sqlite'}",
                                              "SELECT canonical_url FROM articles")}
    assert len(found) > 20
    return found


@pytest.fixture
def cluster(tmp_path: Path, redis_url: str, postgres_catalog: str, seaweed: Any,
            site: Any) -> Cluster:
    site.requests.clear()
    return Cluster(tmp_path, redis_url, postgres_catalog, seaweed, seaweed.bucket(), site)


class Cluster:
    """Machines that share Redis, the catalog and the bucket; each has its own home
    (spool, logs), as separate hosts would."""

    def __init__(self, root: Path, redis_url: str, catalog: str, seaweed: Any, bucket: str,
                 site: Any) -> None:
        self.root, self.catalog, self.seaweed, self.bucket = root, catalog, seaweed, bucket
        self.site = site
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSVAULT_")}
        self.env.update(seaweed.env(), NEWSVAULT_REDIS_URL=redis_url,
                        NEWSVAULT_CATALOG=catalog, NEWSVAULT_STORAGE=f"s3://{bucket}/nv",
                        NEWSVAULT_PROGRESS="0", NEWSVAULT_WORKER_HEARTBEAT="3",
                        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))

    def machine(self, name: str) -> dict[str, str]:
        return {**self.env, "NEWSVAULT_HOME": str(self.root / name)}

    def run(self, name: str, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "newsvault", *args], env=self.machine(name),
                              capture_output=True, text=True, timeout=timeout, check=False)

    def seed(self, *via: str) -> subprocess.CompletedProcess[str]:
        """Seed the crawl; through the replica's proxy, or ``via`` (e.g. --base-url)."""
        done = self.run("seed", "crawl", *CRAWL, *(via or ("--proxy", self.site.proxy_url)))
        assert done.returncode == 0, done.stderr[-3000:]
        assert " seeded " in done.stdout
        return done

    def worker(self, name: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "newsvault", "worker", "sana", "--idle-exit", "3",
             "--poll", "0.3"], env=self.machine(name), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def article_captures(self) -> list[dict[str, Any]]:
        return rows(self.catalog, "SELECT a.canonical_url, c.run_id FROM article_captures c "
                    "JOIN articles a ON a.id = c.article_id")

    def download(self, dest: Path) -> Path:
        self.seaweed.mirror(self.bucket, "nv", dest)
        return dest


def finish(worker: subprocess.Popen[str], timeout: float = 180) -> str:
    output, _ = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, output[-3000:]
    return output


def test_two_workers_share_one_crawl(cluster: Cluster, reference: set[str],
                                     tmp_path: Path) -> None:
    """Every article captured exactly once, the catalog and the WARCs complete, and the
    host's Crawl-delay kept by the cluster as a whole."""
    # Plain HTTP to a mirror: arrival times are send times (a proxy's tunnels and TLS
    # handshakes would shift single arrivals by their set-up time).
    started = time.monotonic()
    seed = cluster.seed("--base-url", cluster.site.mirror_url("sana.sy"))
    seed_run = seed.stdout.split()[1]
    outputs = [finish(worker) for worker in [cluster.worker(f"worker{n}") for n in (1, 2)]]

    runs = rows(cluster.catalog, "SELECT id, status, args, trigger FROM runs")
    worker_runs = {r["id"] for r in runs if (r["args"] or {}).get("joined") == seed_run}
    assert len(worker_runs) == 2 and all(r["status"] == "ok" for r in runs), runs
    captures = cluster.article_captures()
    per_article = Counter(c["canonical_url"] for c in captures)
    assert set(per_article.values()) == {1}, per_article.most_common(3)
    # Both workers took part, and only they fetched (the seed fetches nothing).
    assert {c["run_id"] for c in captures} == worker_runs, outputs
    # Complete: the same articles as one machine crawling alone.
    assert set(per_article) == reference

    # The Crawl-delay holds for the cluster, not per worker: requests reached the host at
    # least DELAY apart, from both workers together (less the reactors' timer jitter).
    fetched = sorted(r.at for r in cluster.site.requests
                     if r.method == "GET" and r.at >= started)
    gaps = [b - a for a, b in itertools.pairwise(fetched)]
    assert len(fetched) > 20 and min(gaps) > DELAY * 0.8, sorted(gaps)[:5]

    store = cluster.download(tmp_path / "store")
    names = sorted(p.name for p in store.glob("warc/*/*/*/*.warc.gz"))
    # <outlet>-<stamp>-<serial>-<host>-<pid>.warc.gz: each worker writes its own files.
    writers = {name.removesuffix(".warc.gz").split("-", 3)[3] for name in names}
    assert len(writers) == 2, names
    check = warcio_check(store)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    responses = [r for r in read_warcs(store) if r.type == "response"]
    stored = rows(cluster.catalog, "SELECT filename FROM warc_files")
    assert sorted(r["filename"] for r in stored) == names
    catalogued = {r["record_id"] for r in rows(
        cluster.catalog, "SELECT record_id FROM captures WHERE warc_type = 'response'")}
    missing = [(r.uri, r.file) for r in responses if r.id.strip("<>").split(":")[-1]
               not in catalogued]
    assert not missing and len(responses) == len(catalogued), missing


def path_query(target: str) -> str:
    """``/en/?p=1`` from a URL or a request target (origin or absolute form)."""
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_killed_worker_loses_nothing(cluster: Cluster, reference: set[str]) -> None:
    from scrapy_redis import picklecompat

    from crawler.frontier import key
    from crawler.roles import connect

    cluster.seed("--base-url", cluster.site.mirror_url("sana.sy"))
    server = connect(cluster.env["NEWSVAULT_REDIS_URL"])

    def taken() -> list[str]:
        """The URLs of requests popped and not finished (all workers: only one runs)."""
        return [picklecompat.loads(member)["url"] for name in
                server.scan_iter(match=key("sana", "inflight", "*"))
                for member in server.hkeys(name)]

    doomed = cluster.worker("doomed")
    writing = cluster.root / "doomed" / "spool" / "warc"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (taken() and list(writing.glob("*.open"))):
        time.sleep(0.1)
    # The machine dies: the supervisor and its crawl (a session of its own), mid-fetch.
    crawls = [json.loads(server.get(name))["pid"] for name in
              server.scan_iter(match="newsvault:worker:*")]
    os.killpg(doomed.pid, signal.SIGKILL)
    for pid in crawls:
        os.kill(pid, signal.SIGKILL)
    doomed.wait(10)
    killed_at, lost = time.monotonic(), taken()
    assert lost and list(writing.glob("*.open")), "the worker never got going"
    finish(cluster.worker("survivor"))

    # What the dead worker had taken went back to the queue and was fetched again.
    refetched = {path_query(r.path) for r in cluster.site.requests if r.at > killed_at}
    assert {path_query(url) for url in lost} <= refetched, lost
    # What it had archived reaches the store and the catalog with `newsvault sync`.
    synced = cluster.run("doomed", "sync", "--json")
    assert synced.returncode == 0, synced.stderr[-2000:]
    assert json.loads(synced.stdout)["rescued"], synced.stdout
    files = rows(cluster.catalog, "SELECT filename, status FROM warc_files")
    assert any(f["status"] == "recovered" for f in files), files
    status = json.loads(cluster.run("survivor", "frontier", "status", "sana", "--json").stdout)
    assert status["queued"] == 0 and status["in_flight"] == 0
    # Every article of the crawl is in the catalog, whoever fetched it.
    assert {c["canonical_url"] for c in cluster.article_captures()} == reference
