"""What ``newsvault schedule list`` shows: each job, its next run, its last run's result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, inspect, text

from catalog import queries
from newsvault.config import Config
from newsvault.locks import describe, lock_for
from schedules.jobs import ENTRY_STAT
from schedules.runner import JOBS_TABLE
from schedules.spec import Entry, Schedule
from schedules.triggers import trigger_of

NOT_RUNS = ("skipped", "missed")  # firings that started no crawl


def stored_next_runs(engine: Engine) -> dict[str, datetime | None]:
    """Next run times the daemon stored (empty before its first start)."""
    if not inspect(engine).has_table(JOBS_TABLE):
        return {}
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT id, next_run_time FROM {JOBS_TABLE}"))
        return {str(job_id): datetime.fromtimestamp(t, UTC) if t is not None else None
                for job_id, t in rows}


def computed_next_run(entry: Entry) -> datetime | None:
    """When the entry would fire next if the daemon started now."""
    now = datetime.now(ZoneInfo(entry.timezone))
    fire = trigger_of(entry).get_next_fire_time(None, now)
    return fire.astimezone(UTC) if fire is not None else None


def last_run(engine: Engine, entry: Entry) -> dict[str, Any] | None:
    """The entry's latest run that started a crawl (running, ok, failed, interrupted)."""
    for run in queries.runs(engine, entry.outlet, limit=500):
        if (run.get("stats") or {}).get(ENTRY_STAT) == entry.name and \
                run["status"] not in NOT_RUNS:
            return run
    return None


def job_rows(engine: Engine, schedule: Schedule) -> list[dict[str, Any]]:
    """One row per entry of the file, enabled or not."""
    stored = stored_next_runs(engine)
    rows = []
    for entry in schedule.entries:
        if entry.name in stored:
            next_run, source = stored[entry.name], "daemon"
        else:
            next_run, source = (computed_next_run(entry) if entry.enabled else None), "file"
        last = last_run(engine, entry) or {}
        stats = last.get("stats") or {}
        rows.append({
            "job": entry.name, "outlet": entry.outlet, "edition": entry.edition,
            "enabled": entry.enabled, "when": entry.describe(),
            "next_run": next_run.isoformat() if next_run else None, "next_run_from": source,
            "last_run": last.get("id"), "last_status": last.get("status"),
            "last_started_at": last.get("started_at"),
            "last_finished_at": last.get("finished_at"),
            "last_articles": stats.get("newsvault/articles/stored"),
            "last_error": (last.get("error") or "").splitlines()[0] if last.get("error")
            else None})
    return rows


def daemon_state(config: Config) -> str:
    """``running (pid ...)`` or ``not running``, from the daemon's lock (left untaken)."""
    holder = lock_for(config, "scheduler").probe()
    return f"running ({describe(holder)})" if holder is not None else "not running"
