"""The real scheduler (APScheduler, second-level triggers) running real crawls of the replicas."""

from __future__ import annotations

import itertools
import json
import re
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from pipelines.warc import verify_file
from tests.conftest import Home
from tests.e2e.archive import rows, warcio_check
from tests.schedules.conftest import (
    DaemonProcess,
    crawl_in_background,
    quick_crawls,
    runs,
    schedule_text,
    slow_urls,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]
FAST = {"delay": 0, "limit": 1, "edition": "en", "jitter": 0}
NOT_RUNS = ("skipped", "missed")


def crawled(home: Home, outlet: str) -> list[dict[str, Any]]:
    """The outlet's runs that started a crawl, oldest first."""
    return [r for r in runs(home, "outlet = :o", o=outlet) if r["status"] not in NOT_RUNS]


def utc(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def stored_next_run(home: Home, job: str) -> datetime | None:
    try:
        found = rows(home.catalog_url, "SELECT next_run_time FROM apscheduler_jobs "
                     "WHERE id = :j", j=job)
    except OperationalError:  # the daemon has not created its table yet
        return None
    return datetime.fromtimestamp(found[0]["next_run_time"], UTC) if found else None


def test_jobs_fire_and_record_runs(replica: Any, home: Home,
                                   daemon: Callable[[str], DaemonProcess]) -> None:
    quick_crawls(home)
    proc = daemon(schedule_text({"ev-en": {"outlet": "emirates_voice", "interval": "1s"}},
                                defaults={**FAST, "proxy": replica.proxy_url}))
    # Wait for the daemon to have completed the run record (it adds the entry and exit
    # code after the child exits), not only for the child to have finished it.
    (first, *_) = wait_for(lambda: [r for r in crawled(home, "emirates_voice")
                                    if r["status"] == "ok" and "newsvault/schedule/entry"
                                    in (r["stats"] or {})], 40, "a scheduled run")
    listed = home.cli("schedule", "list", "--json", "--file", str(proc.file))
    assert proc.stop() == 0, proc.text()[-3000:]
    (run,) = runs(home, "id = :id", id=first["id"])  # as the daemon completed it
    assert run["trigger"] == "schedule" and run["finished_at"] is not None
    assert run["stats"]["newsvault/schedule/entry"] == "ev-en"
    assert run["stats"]["newsvault/schedule/exit_code"] == 0
    assert run["stats"]["newsvault/articles/stored"] == 1
    assert listed.returncode == 0, listed.stderr
    (job,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert job["job"] == "ev-en" and job["next_run_from"] == "daemon"
    assert utc(job["next_run"]) > utc(run["started_at"]), "the job fires again"
    assert job["last_status"] in ("ok", "running") and job["last_run"]


def test_slow_crawl_is_never_overlapped(replica: Any, home: Home,
                                        daemon: Callable[[str], DaemonProcess]) -> None:
    """Whoever starts it (cron or the scheduler), one crawl of an outlet at a time."""
    cron_urls = slow_urls(home, "cron", pages=60, seconds=2)  # far longer than needed
    cron = crawl_in_background(home, "sana", "--urls", str(cron_urls), "--delay", "0",
                               "--trigger", "cron", proxy=replica.proxy_url)
    wait_for(lambda: runs(home, "status = 'running'"), 30, "the cron run")
    urls = slow_urls(home, "scheduled", pages=40, seconds=2)
    proc = daemon(schedule_text(
        {"sana-slow": {"outlet": "sana", "interval": "1s", "urls": str(urls)}},
        daemon={"stop_grace": "30s"},
        defaults={"delay": 0, "proxy": replica.proxy_url, "jitter": 0}))
    # The scheduler's firings meet the cron run's lock: recorded as skipped, by the child.
    wait_for(lambda: runs(home, "trigger = 'schedule' AND status = 'skipped' AND "
                                "error LIKE '%being crawled already%'"), 40,
             "a firing skipped by the cron run's lock")
    cron.send_signal(signal.SIGTERM)  # cron's run ends (cleanly); the scheduler's may start
    assert cron.wait(30) == 1
    wait_for(lambda: [r for r in crawled(home, "sana") if r["trigger"] == "schedule"
                      and r["status"] == "running"], 40, "a scheduled run")
    # While it runs, the job's next firings are skipped and a cron run meets its lock.
    blocked = home.crawl("sana", "--urls", str(cron_urls), "--delay", "0", "--trigger",
                         "cron", proxy=replica.proxy_url)
    assert blocked.returncode == 75, blocked.stderr
    assert "sana is being crawled already by run" in blocked.stderr
    wait_for(lambda: runs(home, "trigger = 'schedule' AND status = 'skipped' AND "
                                "error LIKE '%still going%'"), 20, "an overlapping firing")
    assert proc.stop() == 0, proc.text()[-3000:]
    skipped_cron = runs(home, "trigger = 'cron' AND status = 'skipped'")
    assert len(skipped_cron) == 1 and "being crawled already" in skipped_cron[0]["error"]
    spans = sorted((utc(r["started_at"]), utc(r["finished_at"])) for r in crawled(home, "sana"))
    assert len(spans) >= 2
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start, f"two crawls of sana overlapped: {spans}"


def test_sigterm_during_a_crawl_leaves_valid_warcs(replica: Any, home: Home,
                                                   daemon: Callable[[str], DaemonProcess]
                                                   ) -> None:
    urls = slow_urls(home, "term", pages=40, seconds=2)
    proc = daemon(schedule_text(
        {"sana-slow": {"outlet": "sana", "interval": "1s", "urls": str(urls)}},
        daemon={"stop_grace": "30s"},
        defaults={"delay": 0, "proxy": replica.proxy_url, "jitter": 0}))
    spool = home.path / "data" / "spool" / "warc"
    wait_for(lambda: any(p.stat().st_size > 5000 for p in spool.glob("*.warc.gz.open")), 40,
             "a WARC file being written")
    started = time.monotonic()
    assert proc.stop(signal.SIGTERM) == 0, proc.text()[-3000:]
    assert time.monotonic() - started < 30
    assert not list(spool.glob("*.open")), "every WARC file was closed"
    (run,) = crawled(home, "sana")
    assert run["status"] == "interrupted" and run["finished_at"] is not None
    assert "scheduler was shut down" in run["error"]
    files = rows(home.catalog_url, "SELECT * FROM warc_files")
    assert files and all(f["run_id"] == run["id"] and f["status"] == "stored" for f in files)
    assert warcio_check(home.store).returncode == 0
    for path in home.store.glob("warc/*/*/*/*.warc.gz"):
        assert verify_file(path).ok, path


def executions(log: str, job: str) -> list[datetime]:
    """When each execution of ``job`` was due, from APScheduler's log of the daemon."""
    found = re.findall(rf'Running job "{job} .*?" \(scheduled at ([^)]+)\)', log)
    return [datetime.fromisoformat(when) for when in found]


def resumed_at(log: str) -> datetime:
    """When the daemon began taking jobs (its log lines are stamped in UTC)."""
    (stamp,) = re.findall(r"^(\S+Z) INFO apscheduler.scheduler: Resumed", log, re.M)
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_killed_daemon_keeps_its_jobs_and_runs_a_missed_one_once(
        replica: Any, home: Home, daemon: Callable[[str], DaemonProcess]) -> None:
    quick_crawls(home)
    every = 4.0
    text = schedule_text({"ev-en": {"outlet": "emirates_voice", "interval": f"{every}s",
                                    "misfire_grace": "60s"}},
                         defaults={**FAST, "proxy": replica.proxy_url})
    first = daemon(text)
    due = wait_for(lambda: stored_next_run(home, "ev-en"), 30, "the job in the job store")
    first.stop(signal.SIGKILL)
    assert due > datetime.now(UTC), "killed before the first firing"
    # Stay down over two firings: the backlog must run once (coalesce), not twice.
    time.sleep((due + timedelta(seconds=every + 0.3) - datetime.now(UTC)).total_seconds())
    assert stored_next_run(home, "ev-en") == due, "the job is kept while the daemon is down"
    second = daemon(text)
    wait_for(lambda: [r for r in crawled(home, "emirates_voice") if r["status"] == "ok"], 60,
             "the missed run")
    assert second.stop() == 0, second.text()[-3000:]
    back = resumed_at(second.text())
    backlog = [due + timedelta(seconds=k * every) for k in range(10)]
    backlog = [t for t in backlog if t < back]
    assert len(backlog) >= 2, "the daemon was down over two firings"
    missed = [t for t in executions(second.text(), "ev-en") if t < back]
    assert missed == backlog[-1:], "the backlog ran once (coalesced), at its latest firing"
    assert 'Added job "ev-en"' in first.text()
    assert 'Added job "ev-en"' not in second.text(), "the stored job was kept, not replaced"
    assert crawled(home, "emirates_voice")[0]["trigger"] == "schedule"


def test_different_outlets_run_in_parallel(replica: Any, home: Home,
                                           daemon: Callable[[str], DaemonProcess]) -> None:
    quick_crawls(home)
    urls = slow_urls(home, "parallel", pages=40, seconds=3)  # outlasts the other crawl
    proc = daemon(schedule_text({
        "sana-slow": {"outlet": "sana", "interval": "1s", "urls": str(urls), "delay": 0},
        "ev-en": {"outlet": "emirates_voice", "interval": "3s", **FAST}},
        daemon={"max_parallel": 2, "stop_grace": "3s"},
        defaults={"proxy": replica.proxy_url, "jitter": 0}))
    spool = home.path / "data" / "spool" / "warc"
    (live,) = wait_for(lambda: list(spool.glob("sana-*.warc.gz.open")), 40,
                       "sana's WARC file being written")
    wait_for(lambda: [r for r in crawled(home, "emirates_voice") if r["finished_at"]], 40,
             "a run of the other outlet, started while sana's runs")
    try:
        assert [r for r in crawled(home, "sana") if r["status"] == "running"]
        assert live.exists(), "the other outlet's crawl took sana's live WARC file away"
        assert not list(spool.glob("quarantine/*"))
    finally:
        proc.stop()
