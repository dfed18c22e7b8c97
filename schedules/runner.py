"""The scheduler daemon (``newsvault schedule run``): APScheduler 3 starting crawl processes.

- Jobs live in an SQLAlchemyJobStore in the catalog database (table ``apscheduler_jobs``),
  so a restarted daemon keeps them and catches up: with ``coalesce`` a backlog of missed
  firings runs once, if it is still within the entry's ``misfire_grace``.
- A job that is unchanged in the file keeps its stored next run time (that is how a missed
  firing is caught up); a changed one is rescheduled; one no longer in the file is removed.
- ``max_instances=1``: a job never overlaps itself; a firing that finds the previous run
  still going is recorded as ``skipped``, one that came too late as ``missed``.
- At most ``max_parallel`` crawls at once (one executor thread per running crawl).
- SIGTERM or SIGINT: no new crawl starts; running ones get SIGTERM and ``stop_grace`` to
  close their WARC files, then SIGKILL. A second signal kills them at once.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from catalog.db import connect
from newsvault import alerts
from newsvault.config import Config
from schedules.jobs import Runner, record_skip
from schedules.spec import Entry, Schedule
from schedules.triggers import trigger_of

logger = logging.getLogger(__name__)

JOBS_TABLE = "apscheduler_jobs"
RECORD_TIMEOUT = 60.0  # seconds, after the grace period, for the last runs to be recorded
_current: Daemon | None = None  # the job function below finds the running daemon here


def fire(entry: str, schedule: str = "") -> None:
    """The job APScheduler stores (by reference, so stored jobs survive code changes):
    run the entry ``entry`` of the running daemon's schedule. ``schedule`` only tells a
    changed schedule from an unchanged one."""
    daemon = _current
    if daemon is None:
        logger.error("job %s fired with no daemon running", entry)
        return
    daemon.fire(entry)


class Daemon:
    """One scheduler for one archive (the catalog database holds its jobs)."""

    def __init__(self, config: Config, schedule: Schedule) -> None:
        self.config = config
        self.schedule = schedule
        self.entries = {e.name: e for e in schedule.enabled()}
        self.runner = Runner(config, schedule.daemon.stop_grace)
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=connect(config.catalog_url),
                                                     tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(schedule.daemon.max_parallel)},
            job_defaults={"coalesce": True, "max_instances": 1}, timezone="UTC")
        self.scheduler.add_listener(self.on_event, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED
                                    | EVENT_JOB_ERROR)
        self._signals = 0
        self._wake = threading.Event()

    def fire(self, name: str) -> None:
        entry = self.entries.get(name)
        if entry is None:
            logger.error("job %s is not in %s; it will be removed at the next start",
                         name, self.schedule.path)
            return
        self.runner.run(entry, "schedule")

    def on_event(self, event: JobEvent) -> None:
        """Record firings that started no crawl; log a job that raised."""
        entry = self.entries.get(event.job_id)
        if event.code == EVENT_JOB_ERROR:
            logger.error("job %s raised %r", event.job_id, getattr(event, "exception", None))
        elif entry is None or self.runner.stopping:
            return
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            record_skip(self.config, entry, "schedule", f"skipped: the previous run of "
                        f"{entry.name} is still going (a job never overlaps itself)")
        elif event.code == EVENT_JOB_MISSED:
            self.missed(entry, getattr(event, "scheduled_run_time", None))

    def missed(self, entry: Entry, due: Any) -> None:
        reason = (f"missed: due at {due}, but not started within misfire_grace "
                  f"({entry.misfire_grace} s): the scheduler was down or busy")
        run_id = record_skip(self.config, entry, "schedule", reason, status="missed")
        alerts.send(self.config, {
            "event": "run_missed", "summary": f"{entry.outlet}: {reason}", "outlet":
            entry.outlet, "edition": entry.edition, "entry": entry.name, "run_id": run_id,
            "trigger": "schedule", "status": "missed", "due": str(due), "host": self.config.host})

    def sync_jobs(self) -> None:
        """Make the stored jobs match the file (run while the scheduler is paused)."""
        stored = {job.id: job for job in self.scheduler.get_jobs()}
        for entry in self.entries.values():
            job = stored.pop(entry.name, None)
            options = {"name": entry.name, "misfire_grace_time": entry.misfire_grace,
                       "coalesce": True, "max_instances": 1}
            if job is not None and job.kwargs.get("schedule") == entry.describe():
                self.scheduler.modify_job(entry.name, **options)  # keeps its next run time
            else:
                self.scheduler.add_job(fire, trigger_of(entry), id=entry.name,
                                       kwargs={"entry": entry.name,
                                               "schedule": entry.describe()},
                                       replace_existing=True, **options)
        for job_id in stored:
            logger.info("job %s is no longer in %s: removed", job_id, self.schedule.path)
            self.scheduler.remove_job(job_id)
        for job in self.scheduler.get_jobs():
            logger.info("job %s (%s): next run %s", job.id, job.kwargs.get("schedule"),
                        job.next_run_time)

    def serve(self) -> int:
        """Run until SIGTERM or SIGINT; return the exit code (0 after a clean stop)."""
        global _current
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGTERM,
                                                                   signal.SIGINT)}
        _current = self
        try:
            self.scheduler.start(paused=True)
            self.sync_jobs()
            self.scheduler.resume()
            logger.info("scheduler running: %d job(s), at most %d crawl(s) at once",
                        len(self.entries), self.schedule.daemon.max_parallel)
            while not self._wake.wait(1.0):
                pass
            self.stop()
        finally:
            _current = None
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return 0

    def _on_signal(self, signum: int, _frame: Any) -> None:
        # Only flags here: the main thread does the work (a handler may interrupt it anywhere).
        self._signals += 1
        self._wake.set()

    def stop(self) -> None:
        """Stop taking jobs, stop the running crawls cleanly, wait for their records."""
        grace = self.schedule.daemon.stop_grace
        logger.info("stopping: %d crawl(s) running get %g s to close their WARC files",
                    self.runner.busy, grace)
        self.runner.stop_all("shutdown")
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        seen, deadline = self._signals, time.monotonic() + grace + RECORD_TIMEOUT
        while not self.runner.wait_idle(0.2):
            if self._signals > seen:
                logger.warning("second signal: killing the running crawls now")
                self.runner.kill_all("second signal")
                seen = self._signals
            if time.monotonic() > deadline:
                logger.error("runs still unrecorded %g s after the stop; exiting anyway",
                             grace + RECORD_TIMEOUT)
                break
        logger.info("scheduler stopped")
