"""``python -m bench.workers``: distributed mode's throughput, one worker against two.

    python -m bench.workers [--pages 2000] [--repeat 1] [--workers 1 2]

On one synthetic site served by nginx (``bench.synthetic``, ``bench.server``), every run is
a whole distributed crawl, from scratch: a fresh Redis (``bench.redisserver``), a fresh
SQLite catalog shared by the workers, a fresh local store (``file://``) shared by them, a
home of its own per process (spool, logs), as separate machines would have. The worker
supervisors (``newsvault worker synthetic``) start first and wait; then ``newsvault crawl
synthetic --delay 0 --since 2000-01-01 --base-url <server>`` seeds the frontier, the
supervisors start their crawl children, and the run ends when the frontier is empty and
every crawl child has exited. The spider reaches those children through
``SCRAPY_SETTINGS_MODULE=bench.worker_settings`` (see that module).

Measured per run: pages/s from the seed's start to the last crawl child's exit (the whole
crawl: seeding, child start-up, drain grace and closing included) and from the first to the
last fetch (WARC-Date of the response records); CPU of every process (the seed and each
supervisor's tree, from ``wait4``) and of redis-server and nginx; peak RSS of each worker's
tree (supervisor, crawl child, extraction worker). Checked: every article page fetched
and catalogued exactly once, every run ok. Writes ``bench/results/workers-<UTC time>.json``;
exits 1 if a run failed its check.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bench import contenders as cs
from bench import snapshot, synthetic
from bench.common import BACKFILL_SINCE, save_results
from bench.procmon import ProcStat, busy_cpu, read_stat, tree_cpu, wait_for_quiet
from bench.redisserver import RedisServer
from bench.run import machine_facts
from bench.server import NGINX_MISSING, nginx_binary, serve

RESULTS = Path(__file__).resolve().parent / "results"
SETTINGS_MODULE = "bench.worker_settings"
CATALOG_NOTE = ("catalog: one SQLite file shared by the workers (acceptable on one machine; "
                "a cluster of machines would use PostgreSQL)")
SAMPLE = 0.1  # seconds between samples of the process trees (one /proc scan each)
TIMEOUT = 3600.0  # one run, seed to drained


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="site size (default 2000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each cluster size")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="cluster sizes, run back to back in each repeat (default 1 2)")
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--quiet-wait", type=float, default=30, metavar="S",
                        help="before each run, wait up to S seconds for other load to drop "
                             "below 0.3 cores (default 30; 0: never)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where results and the generated site go (bench/results)")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="measure the live working tree instead of a frozen copy")
    parser.add_argument("--keep", action="store_true", help="keep each run's WARCs and catalog")
    parser.add_argument("--any-server", action="store_true",
                        help="without nginx, serve with the Python stand-in (smoke tests only)")
    return parser.parse_args(argv)


# -- one cluster run ------------------------------------------------------------------------

@dataclass
class Proc:
    """A measured process (the seed or a worker supervisor) and its tree's samples."""

    name: str
    popen: subprocess.Popen[bytes]
    log: IO[bytes]
    peak_rss: int = 0
    crawl_children_seen: int = 0
    children_now: int = 0
    cpu_s: float | None = None  # from wait4: the process and every descendant it reaped
    cpu_idle_s: float = 0.0  # used before the crawl (a supervisor's start-up), not counted
    returncode: int | None = None
    child_pids: set[int] = field(default_factory=set)

    def sample(self, children: dict[int, list[ProcStat]]) -> None:
        if self.returncode is not None:
            return
        procs = subtree(self.popen.pid, children)
        self.peak_rss = max(self.peak_rss, sum(p.rss for p in procs))
        # The supervisor's direct children are its crawl processes.
        direct = {p.pid for p in procs if p.ppid == self.popen.pid}
        self.child_pids |= direct
        self.crawl_children_seen = len(self.child_pids)
        self.children_now = len(direct)

    def reap(self, block: bool = False) -> bool:
        """Collect the exit status and CPU (``wait4``) once the process has ended."""
        if self.returncode is not None:
            return True
        pid, status, usage = os.wait4(self.popen.pid, 0 if block else os.WNOHANG)
        if not pid:
            return False
        self.returncode = os.waitstatus_to_exitcode(status)
        self.popen.returncode = self.returncode  # reaped here, not by Popen
        self.cpu_s = usage.ru_utime + usage.ru_stime
        self.log.close()
        return True


def process_table() -> dict[int, list[ProcStat]]:
    """Every process's children, from one pass over ``/proc`` (key 0 holds them all)."""
    children: dict[int, list[ProcStat]] = {0: []}
    for stat in (read_stat(int(n)) for n in os.listdir("/proc") if n.isdigit()):
        if stat is not None:
            children.setdefault(stat.ppid, []).append(stat)
            children[0].append(stat)
    return children


def subtree(root: int, children: dict[int, list[ProcStat]]) -> list[ProcStat]:
    found = [s for s in children[0] if s.pid == root]
    for s in found:  # grows while iterating: a breadth-first walk
        found.extend(children.get(s.pid, []))
    return found


def cluster_env(workdir: Path, redis_url: str) -> dict[str, str]:
    """What every process of the cluster shares: Redis, catalog, store, settings."""
    return {**cs.base_environment(),
            "NEWSVAULT_REDIS_URL": redis_url,
            "NEWSVAULT_CATALOG": f"sqlite:///{workdir / 'catalog.sqlite'}",
            "NEWSVAULT_STORAGE": (workdir / "store").as_uri(),
            "NEWSVAULT_CONFIG": str(workdir / "none.toml"),  # production defaults
            "NEWSVAULT_PROGRESS": "0", "NEWSVAULT_OPERATOR": "newsvault bench",
            "SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE}


def start(name: str, args: list[str], env: dict[str, str], workdir: Path) -> Proc:
    """``python -m newsvault ARGS`` with a home of its own, in a session of its own."""
    home = workdir / name
    home.mkdir(parents=True)
    log = (workdir / f"{name}.log").open("wb")
    popen = subprocess.Popen([sys.executable, "-m", "newsvault", *args],
                             env={**env, "NEWSVAULT_HOME": str(home)}, cwd=cs.REPO,
                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
    return Proc(name, popen, log)


def wait_for_supervisors(redis_url: str, procs: list[Proc], timeout: float = 90) -> None:
    """Until every supervisor is polling the frontier, so that the timed crawl does not
    include their start-up (in production they are already running). A supervisor opens
    a Redis connection per poll and closes it, so connections cannot be counted: it is
    ready when Redis has seen connections and its own CPU has gone quiet (imports done)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    try:
        baseline = int(client.info("stats")["total_connections_received"])
        last = [tree_cpu(p.popen.pid) for p in procs]
        while True:
            time.sleep(0.5)
            now = [tree_cpu(p.popen.pid) for p in procs]
            polls = int(client.info("stats")["total_connections_received"]) - baseline
            quiet = all(b - a < 0.05 for a, b in zip(last, now, strict=True))
            if quiet and polls >= 2 * len(procs):
                return
            dead = [p.name for p in procs if p.reap()]
            if dead or time.monotonic() > deadline:
                raise RuntimeError(f"worker supervisors did not start: {dead or 'timeout'}")
            last = now
    finally:
        client.close()


def drained(redis_url: str) -> bool:
    from crawler.frontier import frontier_state
    from crawler.roles import connect

    return not any(frontier_state(connect(redis_url), "synthetic").values())


def run_cluster(workers: int, base_url: str, workdir: Path) -> dict[str, Any]:
    """One crawl of the site by ``workers`` workers; timings, CPU and RSS, unverified."""
    workdir.mkdir(parents=True)
    with RedisServer() as redis_server:
        env = cluster_env(workdir, redis_server.url)
        sups = [start(f"worker{n}", ["worker", "synthetic", "--idle-exit", "600",
                                     "--poll", "0.2"], env, workdir)
                for n in range(1, workers + 1)]
        procs = sups
        try:
            wait_for_supervisors(redis_server.url, sups)
            for sup in sups:  # in production they are already running: start-up is free
                sup.cpu_idle_s = tree_cpu(sup.popen.pid)
            before = (busy_cpu(), tree_cpu(redis_server.pid))
            started = time.monotonic()
            seed = start("seed", ["crawl", "synthetic", "--delay", "0", "--since",
                                  BACKFILL_SINCE, "--base-url", base_url], env, workdir)
            procs = [seed, *sups]
            ended = follow(seed, sups, redis_server.url, started)
        finally:
            # Drained, the supervisors are idle: SIGTERM is a clean stop. After a failure
            # it stops their crawls too (they return what they hold to the frontier).
            for proc in procs:
                if proc.returncode is None:
                    os.killpg(proc.popen.pid, signal.SIGTERM)
            for proc in procs:
                proc.reap(block=True)
        redis_cpu = tree_cpu(redis_server.pid) - before[1]
    return {"workers": workers, "wall_s": ended - started, "redis_cpu_s": redis_cpu,
            "busy_cpu_s": busy_cpu() - before[0],
            "cpu_s": sum((p.cpu_s or 0.0) - p.cpu_idle_s for p in procs),
            "seed_cpu_s": seed.cpu_s,
            "processes": [{"name": p.name, "returncode": p.returncode,
                           "cpu_s": (p.cpu_s or 0.0) - p.cpu_idle_s,
                           "peak_rss": p.peak_rss, "crawls": p.crawl_children_seen}
                          for p in procs]}


def follow(seed: Proc, sups: list[Proc], redis_url: str, started: float) -> float:
    """Sample until the seed has exited, the frontier is empty and every crawl child has
    exited; returns when that was first seen (monotonic)."""
    while time.monotonic() - started < TIMEOUT:
        table = process_table()
        for proc in (seed, *sups):
            proc.sample(table)
        seed.reap()
        if seed.returncode not in (None, 0):
            raise RuntimeError(f"the seed failed (exit {seed.returncode}); see seed.log")
        crawled = any(s.crawl_children_seen for s in sups)
        idle = all(s.children_now == 0 for s in sups)
        if seed.returncode == 0 and crawled and idle and drained(redis_url):
            return time.monotonic()
        if any(s.reap() for s in sups):
            raise RuntimeError("a worker supervisor exited mid-crawl; see its log")
        time.sleep(SAMPLE)
    raise RuntimeError(f"the crawl did not drain within {TIMEOUT:.0f} s")


# -- checking and summing up ------------------------------------------------------------------

def _when(value: str) -> float:
    return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp()


def verify(record: dict[str, Any], workdir: Path, pages: int) -> dict[str, Any]:
    """Read the shared catalog: every article once, runs ok, the fetch window, the share
    of each worker; returns what it found (``ok``, ``notes``) for the record."""
    notes: list[str] = []
    with sqlite3.connect(workdir / "catalog.sqlite") as db:
        q = db.execute
        runs = q("SELECT id, status, error, args FROM runs").fetchall()
        captures, articles = q("SELECT count(*), count(DISTINCT article_id) "
                               "FROM article_captures").fetchone()
        per_run = dict(q("SELECT run_id, count(*) FROM article_captures GROUP BY run_id"))
        first, last = q("SELECT min(date), max(date) FROM captures "
                        "WHERE warc_type = 'response'").fetchone()
    bad = [(r[0], r[1], r[2]) for r in runs if r[1] != "ok"]
    worker_runs = [r[0] for r in runs if "joined" in json.loads(r[3] or "{}")]
    if bad:
        notes.append(f"runs not ok: {bad}")
    if (captures, articles) != (pages, pages):
        notes.append(f"{captures} article captures of {articles} articles, expected "
                     f"{pages} of {pages} (each page fetched once)")
    if any(p["returncode"] != 0 for p in record["processes"]):
        notes.append("exit codes: " + ", ".join(f"{p['name']} {p['returncode']}"
                                                 for p in record["processes"]))
    fetch_s = _when(last) - _when(first) if first and last else None
    return {"ok": not notes, "notes": notes, "pages": articles, "fetch_s": fetch_s,
            "worker_runs": len(worker_runs),
            "pages_per_run": sorted(per_run.values(), reverse=True)}


def derive(rec: dict[str, Any], pages: int) -> dict[str, Any]:
    """The figures of one run."""
    workers = [p for p in rec["processes"] if p["name"] != "seed"]
    fetch_s = rec.get("fetch_s")
    return {"pages_per_s": pages / rec["wall_s"],
            "fetch_pages_per_s": pages / fetch_s if fetch_s else None,
            "cpu_ms_per_page": 1000 * rec["cpu_s"] / pages,
            "cluster_cores": rec["cpu_s"] / rec["wall_s"],  # of the machine's nproc
            "redis_cpu_ms_per_page": 1000 * rec["redis_cpu_s"] / pages,
            "peak_rss_mib_per_worker": [round(p["peak_rss"] / 2**20) for p in workers],
            # What the machine did besides this cluster, Redis and nginx: other sessions.
            "other_cores": max(0.0, rec["busy_cpu_s"] - rec["cpu_s"] - rec["redis_cpu_s"]
                               - rec["server_cpu_s"]) / rec["wall_s"]}


def _med(values: list[float]) -> str:
    if not values:
        return "-"
    med = statistics.median(values)
    fmt = "{:.1f}" if med < 100 else "{:.0f}"
    span = f" ({fmt.format(min(values))}-{fmt.format(max(values))})" if len(values) > 1 else ""
    return fmt.format(med) + span


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians per cluster size, and the 2-worker/1-worker ratios (median, paired)."""
    sizes = sorted({r["workers"] for r in runs})
    table: dict[int, dict[str, Any]] = {}
    for n in sizes:
        rs = [r for r in runs if r["workers"] == n and r["ok"]]
        table[n] = {key: [r["figures"][key] for r in rs if r["figures"][key] is not None]
                    for key in ("pages_per_s", "fetch_pages_per_s", "cpu_ms_per_page",
                                "redis_cpu_ms_per_page", "other_cores")}
        table[n]["peak_rss_mib"] = [m for r in rs for m in r["figures"]
                                    ["peak_rss_mib_per_worker"]]
        table[n]["runs"] = len(rs)
    ratios = {}
    if 1 in table and 2 in table and table[1]["runs"] and table[2]["runs"]:
        for key in ("pages_per_s", "fetch_pages_per_s"):
            one, two = table[1][key], table[2][key]
            paired = [b["figures"][key] / a["figures"][key] for a, b in _pairs(runs)
                      if a["figures"][key] and b["figures"][key]]
            ratios[key] = {"median": statistics.median(two) / statistics.median(one),
                           "paired": paired}
    return {"table": table, "ratio_2w_1w": ratios}


def _pairs(runs: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(1 worker, 2 workers) runs of the same repeat, both ok: back to back."""
    by = {(r["repeat"], r["workers"]): r for r in runs if r["ok"]}
    return [(by[(k, 1)], by[(k, 2)]) for k in sorted({k for k, _ in by})
            if (k, 1) in by and (k, 2) in by]


def render(summary: dict[str, Any]) -> str:
    lines = ["| workers | runs | pages/s (seed to drained) | pages/s (first to last fetch) "
             "| CPU ms/page (all processes) | Redis CPU ms/page | peak RSS MiB per worker "
             "| other load, cores |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, t in summary["table"].items():
        lines.append(f"| {n} | {t['runs']} | {_med(t['pages_per_s'])} | "
                     f"{_med(t['fetch_pages_per_s'])} | {_med(t['cpu_ms_per_page'])} | "
                     f"{_med(t['redis_cpu_ms_per_page'])} | {_med(t['peak_rss_mib'])} | "
                     f"{_med(t['other_cores'])} |")
    for key, label in (("pages_per_s", "seed to drained"),
                       ("fetch_pages_per_s", "first to last fetch")):
        ratio = summary["ratio_2w_1w"].get(key)
        if ratio:
            paired = ", ".join(f"{r:.2f}" for r in ratio["paired"])
            lines.append(f"\n2 workers / 1 worker, pages/s {label}: {ratio['median']:.2f} "
                         f"(paired runs: {paired})")
    return "\n".join(lines)


# -- the benchmark ----------------------------------------------------------------------------

def measure_run(workers: int, repeat: int, server: Any, pages: int, out: Path,
                quiet_wait: float) -> dict[str, Any]:
    workdir = out / f"{workers}w-{repeat}"
    waited, load = wait_for_quiet(quiet_wait) if quiet_wait > 0 else (0.0, None)
    server_before = tree_cpu(server.pid)
    loadavg = os.getloadavg()
    try:
        rec = run_cluster(workers, server.base_url, workdir)
    except RuntimeError as exc:
        return {"workers": workers, "repeat": repeat, "ok": False, "notes": [str(exc)],
                "workdir": str(workdir)}
    rec.update(repeat=repeat, server_cpu_s=tree_cpu(server.pid) - server_before,
               quiet_wait_s=waited, load_before_cores=load, loadavg_before=loadavg,
               loadavg_after=os.getloadavg(), workdir=str(workdir))
    rec.update(verify(rec, workdir, pages))
    rec["figures"] = derive(rec, pages)
    return rec


def worker_settings() -> dict[str, Any]:
    """The concurrency a worker crawl runs with: production's, with --delay 0."""
    from crawler import settings
    from crawler.frontier import WORKER_CONCURRENCY

    return {"CONCURRENT_REQUESTS": WORKER_CONCURRENCY,
            "CONCURRENT_REQUESTS_PER_DOMAIN": settings.CONCURRENT_REQUESTS_PER_DOMAIN,
            "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def _progress(rec: dict[str, Any]) -> str:
    head = f"  {rec['workers']} worker(s) #{rec['repeat']} {'ok' if rec['ok'] else 'FAILED'}"
    if "figures" not in rec:
        return f"{head}  {'; '.join(rec['notes'])}"
    f = rec["figures"]
    fetch = f"{f['fetch_pages_per_s']:.1f}" if f["fetch_pages_per_s"] else "-"
    return (f"{head}  {rec['wall_s']:.1f} s  {f['pages_per_s']:.1f} pages/s "
            f"(fetching {fetch})  {f['cpu_ms_per_page']:.1f} CPU ms/page  "
            f"RSS {f['peak_rss_mib_per_worker']} MiB  pages per run {rec['pages_per_run']}  "
            f"other load {f['other_cores']:.2f} cores  loadavg {rec['loadavg_before'][0]:.2f}"
            f" -> {rec['loadavg_after'][0]:.2f}"
            f"{'' if rec['ok'] else '  ' + '; '.join(rec['notes'])}")


def _tidy(workdir: Path) -> None:
    """Drop a verified run's WARCs, text and catalog; keep the logs. Only once every run
    is measured, as in `bench.run._tidy` (deletions tax later file creations)."""
    import shutil

    for item in workdir.iterdir():
        if item.is_dir():
            shutil.rmtree(item / "spool", ignore_errors=True)
    shutil.rmtree(workdir / "store", ignore_errors=True)
    for catalog in workdir.glob("catalog.sqlite*"):
        catalog.unlink()


def run(args: argparse.Namespace) -> int:
    if nginx_binary() is None and not args.any_server:
        sys.exit(f"bench: {NGINX_MISSING}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results = args.results.resolve()
    out = results / "runs" / f"workers-{stamp}"
    out.mkdir(parents=True)
    facts = {**machine_facts(), "code": snapshot.state_of(cs.REPO), "catalog": CATALOG_NOTE,
             "worker_settings": worker_settings()}
    print("machine:", json.dumps(facts), flush=True)
    print(CATALOG_NOTE + "; store: one local directory (file://) shared by the workers")
    # A site of its own: bench.run rewrites the discovery files of bench/results/site.
    site = results / "workers-site"
    metas = synthetic.ensure_pages(site, args.pages, args.seed)
    result, runs = results / f"workers-{stamp}.json", []
    verified: list[Path] = []
    with serve(site, allow_fallback=args.any_server) as server:
        synthetic.write_discovery(site, metas, server.base_url)
        facts["server"] = server.kind
        for repeat in range(args.repeat):
            for workers in args.workers:
                runs.append(measure_run(workers, repeat, server, args.pages, out,
                                        args.quiet_wait))
                print(_progress(runs[-1]), flush=True)
                if runs[-1]["ok"] and not args.keep:
                    verified.append(Path(runs[-1]["workdir"]))
                save_results(result, facts, args, runs, summarise(runs), done=False)
    facts["loadavg_at_end"] = os.getloadavg()
    summary = save_results(result, facts, args, runs, summarise(runs), done=True)
    for workdir in verified:
        _tidy(workdir)
    print()
    print(render(summary))
    print(f"\nresults: {result}")
    return 0 if all(r["ok"] for r in runs) else 1


def main(argv: list[str] | None = None) -> None:
    snapshot.main("bench.workers", argv, parse_args, run, cs.REPO)


if __name__ == "__main__":
    main()

