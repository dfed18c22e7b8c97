"""Re-crawl cost: crawling the unchanged synthetic site again, as a share of the first crawl.

``python -m bench.recrawl [--pages 500]`` crawls the site into a fresh archive, then twice
more into the same archive: once as a scheduled run would (the re-check policy decides;
the synthetic pages are days old, so most are due and go out as conditional requests), and
once with ``--recheck`` (every article). nginx answers the conditional requests with 304s,
which newsvault archives as revisit records without extracting anything. CPU is the crawl
process plus its extraction worker (``RUSAGE_CHILDREN``), the figure the issue sets
(second crawl <= 20% of the first).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import synthetic
from bench.server import serve
from bench.snapshot import byte_compile

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


def crawl(base_url: str, home: Path, *extra: str) -> dict[str, float]:
    """One newsvault crawl of the synthetic site; its wall time and CPU seconds."""
    env = {**os.environ, "NEWSVAULT_HOME": str(home), "NEWSVAULT_PROGRESS": "0"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "bench.nvcrawl", base_url,
                    str(home / f"summary-{time.time_ns()}.json"), *extra],
                   env=env, check=True, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(time.monotonic() - started, 2), "cpu_s": round(cpu, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args(argv)
    byte_compile(REPO)
    site = RESULTS / "site"
    metas = synthetic.ensure_pages(site, args.pages)
    with serve(site) as server, tempfile.TemporaryDirectory() as tmp:
        synthetic.write_discovery(site, metas, server.base_url)
        home = Path(tmp)
        first = crawl(server.base_url, home)
        scheduled = crawl(server.base_url, home)
        recheck = crawl(server.base_url, home, "--recheck")
    result = {"pages": args.pages, "first": first, "second_scheduled": scheduled,
              "second_recheck": recheck,
              "cpu_ratio_scheduled": round(scheduled["cpu_s"] / first["cpu_s"], 3),
              "cpu_ratio_recheck": round(recheck["cpu_s"] / first["cpu_s"], 3)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"recrawl-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(
        json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
