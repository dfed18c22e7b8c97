"""The daemon's bookkeeping without crawls: job store sync, missed and skipped firings."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent

from catalog.db import connect
from newsvault.config import Config
from schedules.runner import Daemon
from schedules.spec import load
from tests.schedules.conftest import schedule_text


def daemon_for(tmp_path: Path, jobs: dict[str, dict[str, object]], **settings: str) -> Daemon:
    file = tmp_path / "schedule.toml"
    file.write_text(schedule_text(jobs))
    return Daemon(Config(home=tmp_path / "home", **settings), load(file))  # type: ignore[arg-type]


def synced(daemon: Daemon) -> dict[str, datetime]:
    """Sync the daemon's jobs (paused, nothing fires) and return their next run times."""
    daemon.scheduler.start(paused=True)
    try:
        daemon.sync_jobs()
        return {job.id: job.next_run_time for job in daemon.scheduler.get_jobs()}
    finally:
        daemon.scheduler.shutdown(wait=False)


def test_restart_keeps_unchanged_jobs_and_reschedules_changed_ones(tmp_path: Path) -> None:
    jobs: dict[str, dict[str, object]] = {
        "a": {"outlet": "sana", "interval": "1h"}, "b": {"outlet": "sana", "interval": "1h"},
        "c": {"outlet": "sana", "interval": "1h"}}
    before = synced(daemon_for(tmp_path, jobs))
    assert set(before) == {"a", "b", "c"}
    jobs["b"] = {"outlet": "sana", "interval": "2h"}  # changed schedule
    jobs["c"] = {"outlet": "sana", "interval": "1h", "edition": "en"}  # changed options only
    jobs.pop("a")
    after = synced(daemon_for(tmp_path, jobs))
    assert set(after) == {"b", "c"}, "a job no longer in the file is removed"
    assert after["c"] == before["c"], "a job whose schedule did not change keeps its next run"
    assert after["b"] > before["b"] + timedelta(minutes=30), "a changed schedule starts anew"


def test_missed_and_overlapping_firings_are_recorded(tmp_path: Path) -> None:
    sent = tmp_path / "alerts.jsonl"
    code = f"import sys; open({str(sent)!r}, 'a').write(sys.stdin.read() + '\\n')"
    daemon = daemon_for(tmp_path, {"sana-en": {"outlet": "sana", "edition": "en",
                                               "interval": "1h"}},
                        alert_command=f"{sys.executable} -c {json.dumps(code)}")
    due = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    daemon.on_event(JobExecutionEvent(EVENT_JOB_MISSED, "sana-en", "default", due))
    daemon.on_event(JobExecutionEvent(EVENT_JOB_MAX_INSTANCES, "sana-en", "default", due))
    from catalog import queries

    recorded = {r["status"]: r for r in queries.runs(connect(daemon.config.catalog_url))}
    assert set(recorded) == {"missed", "skipped"}
    assert recorded["missed"]["trigger"] == "schedule" and recorded["missed"]["edition"] == "en"
    assert "not started within misfire_grace" in recorded["missed"]["error"]
    assert "still going" in recorded["skipped"]["error"]
    (alert,) = [json.loads(line) for line in sent.read_text().splitlines()]
    assert alert["event"] == "run_missed" and alert["run_id"] == recorded["missed"]["id"]
