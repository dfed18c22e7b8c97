"""``python -m bench.run``: newsvault against bare Scrapy and wget, on one synthetic site.

    python -m bench.run [--pages 2000] [--also 20000] [--repeat 1] [--concurrency 16]

Copies the code to a temporary snapshot and runs from there (``bench.snapshot``: the tree
is shared, and edits must not change the code mid-run). Generates (or reuses) the
synthetic outlet under ``bench/results/site``, serves it with
nginx on loopback, checks the server alone with wrk, then for every size and repeat runs
each contender in a measured child process (wall time, CPU of its whole process tree,
peak tree RSS), verifies its output, prints the table and ratios and writes everything to
``bench/results/bench-<UTC time>.json``. Exits 1 if any run failed verification.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import contenders as cs
from bench import snapshot, synthetic
from bench.common import DEFAULT_CONCURRENCY, save_results
from bench.loadcheck import wrk_pages_per_second
from bench.procmon import busy_cpu, measure, tree_cpu, wait_for_quiet
from bench.report import render, summarise
from bench.server import NGINX_MISSING, NginxServer, nginx_binary

RESULTS = Path(__file__).resolve().parent / "results"
ORDER = ("scrapy", "newsvault", "wget")  # within a repeat, back to back on the same server


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000, help="site size (default 2000)")
    parser.add_argument("--also", type=int, nargs="*", default=[],
                        help="more site sizes, e.g. 20000 (for newsvault's RSS flatness)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each contender")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY,
                        help="CONCURRENT_REQUESTS(_PER_DOMAIN) of both Scrapy crawls")
    parser.add_argument("--contenders", nargs="+", choices=ORDER, default=list(ORDER))
    parser.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    parser.add_argument("--quiet-wait", type=float, default=120, metavar="S",
                        help="before each run, wait up to S seconds for other load on this "
                             "shared machine to drop below 0.3 cores (default 120; 0: never)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where results and the generated site go (bench/results)")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="measure the live working tree instead of a frozen copy")
    parser.add_argument("--keep", action="store_true",
                        help="keep each run's WARCs, catalog and text (large)")
    return parser.parse_args(argv)


def _first_line(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=10)
    except OSError:
        return "not installed"
    return (done.stdout or done.stderr).strip().splitlines()[0]


def machine_facts() -> dict[str, Any]:
    """nproc, memory, CPU model, software versions and load: for reading the figures."""
    meminfo = Path("/proc/meminfo").read_text().split()
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    import scrapy
    import twisted

    return {
        "nproc": len(os.sched_getaffinity(0)),
        "mem_total_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 2**20, 1),
        "cpu_model": next((ln.split(":", 1)[1].strip() for ln in cpuinfo
                           if ln.startswith("model name")), "unknown"),
        "kernel": platform.release(), "python": platform.python_version(),
        "scrapy": scrapy.__version__, "twisted": twisted.__version__,
        "nginx": _first_line([nginx_binary() or "nginx", "-v"]),
        "wget": _first_line(["wget", "--version"]),
        "loadavg_at_start": os.getloadavg(),
    }


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_one(contender: cs.Contender, job: cs.Job, server_pid: int,
                repeat: int, quiet_wait: float) -> dict[str, Any]:
    """One measured, verified run, as a plain record (see ``bench.report.derive``)."""
    job.workdir.mkdir(parents=True)
    waited, load = wait_for_quiet(quiet_wait) if quiet_wait > 0 else (0.0, None)
    before = (busy_cpu(), tree_cpu(server_pid), _own_cpu())
    m = measure(contender.command(job), contender.environment(job), cs.REPO,
                job.workdir / "output.log")
    busy, server, own = (a - b for a, b in zip(
        (busy_cpu(), tree_cpu(server_pid), _own_cpu()), before, strict=True))
    try:
        check = contender.verify(job, m.returncode)
    except Exception as exc:  # a broken run's output may not even be readable
        check = cs.Check(ok=False, pages=0, notes=[f"verification failed: {exc!r}"])
    record = {"size": job.pages, "contender": contender.name, "repeat": repeat,
              "ok": check.ok, "pages": check.pages, "crawl_s": check.crawl_s,
              "notes": check.notes, "server_cpu_s": server, "bench_cpu_s": own,
              # CPU the machine spent on anything but this run, its server and the sampler:
              # other users of this shared machine (noise).
              "other_cpu_s": max(0.0, busy - m.cpu_s - server - own),
              "quiet_wait_s": waited, "load_before_cores": load,
              "loadavg_after": os.getloadavg(), **m.to_dict()}
    return record


def _tidy(workdir: Path) -> None:
    """Drop a verified run's bulky output (WARCs, text, catalog: hundreds of MB at 20,000
    pages); keep its summary and logs. A failed run keeps everything, for the post-mortem.

    Only once every run is measured: deleting a run's tens of thousands of files taxes the
    file creations of the runs after it. On ext4 without a journal (this VM's root file
    system) inode allocation skips, one by one, every inode freed in the last 5 s (300 s
    while its inode-table block is dirty): perf showed ``recently_deleted`` in
    ``find_inode_bit`` making each file newsvault created cost 300 to 700 µs of kernel CPU
    instead of about 15 µs, a tax that no archive, which never deletes, pays.
    """
    home = workdir / "home"
    for name in ("store", "spool"):
        shutil.rmtree(home / name, ignore_errors=True)
    for catalog in home.glob("catalog.sqlite*"):
        catalog.unlink()
    (workdir / "wget.warc.gz").unlink(missing_ok=True)


def _progress(rec: dict[str, Any]) -> str:
    return (f"  {rec['size']:>6} {rec['contender']:<10} #{rec['repeat']} "
            f"{'ok' if rec['ok'] else 'FAILED'}  {rec['wall_s']:.1f} s  "
            f"{rec['size'] / rec['wall_s']:.0f} pages/s  "
            f"{1000 * rec['cpu_s'] / rec['size']:.2f} CPU ms/page  "
            f"{rec['peak_rss'] / 2**20:.0f} MiB  other load {rec['other_cpu_s']:.1f} CPU s"
            f"{'' if rec['ok'] else '  ' + '; '.join(rec['notes'])}")


def check_tools(names: list[str]) -> None:
    """Fail early, saying what to install."""
    if nginx_binary() is None:
        sys.exit(f"bench: {NGINX_MISSING}")
    if "wget" in names and shutil.which("wget") is None:
        sys.exit("bench: wget is not installed: run `apt-get install -y wget`")
    if shutil.which("wrk") is None:
        print("bench: wrk is not installed, so the server is not load-checked "
              "(`apt-get install -y wrk`)", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    check_tools(args.contenders)
    sizes = [args.pages, *args.also]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results = args.results.resolve()
    out = results / "runs" / stamp
    out.mkdir(parents=True)
    facts = machine_facts()
    facts["code"] = snapshot.state_of(cs.REPO)
    print("machine:", json.dumps(facts))
    print(f"site: {max(sizes)} pages (generated once, then reused)", flush=True)
    site = results / "site"
    metas = synthetic.ensure_pages(site, max(sizes), args.seed)
    runs: list[dict[str, Any]] = []
    verified: list[Path] = []  # tidied at the end, never between measured runs (`_tidy`)
    result = results / f"bench-{stamp}.json"
    with NginxServer(site) as server:
        facts["server"] = server_check(server, metas)
        print("server:", json.dumps(facts["server"]), flush=True)
        for size in sizes:
            urls = synthetic.write_discovery(site, metas[:size], server.base_url)
            urls_file = out / f"urls-{size}.txt"
            urls_file.write_text("\n".join(urls) + "\n")
            for repeat in range(args.repeat):
                for name in (n for n in ORDER if n in args.contenders):
                    job = cs.Job(server.base_url, size, urls_file,
                                 out / f"{size}-{name}-{repeat}", args.concurrency)
                    runs.append(measure_one(cs.CONTENDERS[name], job, server.pid, repeat,
                                            args.quiet_wait))
                    print(_progress(runs[-1]), flush=True)
                    if runs[-1]["ok"] and not args.keep:
                        verified.append(job.workdir)
                    # Saved after every run: a long benchmark stopped early keeps its data.
                    save_results(result, facts, args, runs, summarise(runs), done=False)
    summary = save_results(result, facts, args, runs, summarise(runs), done=True)
    for workdir in verified:
        _tidy(workdir)
    print()
    print(render(summary))
    print(f"\nresults: {result}")
    return 0 if all(r["ok"] for r in runs) else 1


def server_check(server: NginxServer, metas: list[synthetic.PageMeta]) -> dict[str, Any]:
    """The server alone under wrk: requests/s and its CPU per request."""
    seconds = 4
    before = tree_cpu(server.pid)
    rate = wrk_pages_per_second(server.base_url, [m.path for m in metas], seconds)
    cpu = tree_cpu(server.pid) - before
    return {"kind": server.kind, "wrk_pages_per_s": rate,
            "cpu_us_per_page": round(1e6 * cpu / (rate * seconds), 1) if rate else None}


def main(argv: list[str] | None = None) -> None:
    snapshot.main("bench.run", argv, parse_args, run, cs.REPO)


if __name__ == "__main__":
    main()
