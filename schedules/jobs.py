"""Running schedule entries: each as a ``newsvault crawl`` child process, then its record.

The child records its own run (start, end, status, stats) in the catalog. The supervisor
adds what only it knows: the entry, the exit code, the last lines of stderr when the run
failed, and why it was stopped. It records the run itself when the child could not (it
died before the crawl began, or was killed).
"""

from __future__ import annotations

import logging
import secrets
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from catalog.db import connect
from catalog.writer import record_run, settle_run
from newsvault import __version__
from newsvault.alerts import RunReport, after_run
from newsvault.config import Config
from schedules.child import Child, Limits, Outcome
from schedules.spec import Entry

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_SKIPPED = 0, 75  # newsvault.crawl's exit codes
ENTRY_STAT, EXIT_STAT = "newsvault/schedule/entry", "newsvault/schedule/exit_code"


def new_run_id(at: datetime | None = None) -> str:
    """The same sortable form as the crawl's own run ids: ``20261122T024400Z-3f9a1c``."""
    return f"{at or datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Firing:
    """One start of an entry: which, by whom (the run's trigger), under which run id."""

    entry: Entry
    trigger: str
    run_id: str
    at: datetime


class Runner:
    """Starts entries as child processes (at most one per call), stops them on request."""

    def __init__(self, config: Config, grace: float, env: dict[str, str] | None = None) -> None:
        self.config = config
        self.grace = grace
        self.env = env
        self.stopping = False
        self._children: set[Child] = set()
        self._active = 0  # runs started and not yet recorded
        self._idle = threading.Condition()

    def run(self, entry: Entry, trigger: str) -> Outcome | None:
        """Run the entry's crawl to its end; None when the runner is stopping."""
        at = datetime.now(UTC)
        firing = Firing(entry, trigger, new_run_id(at), at)
        argv = [sys.executable, "-m", "newsvault", "crawl", *entry.argv(),
                "--trigger", trigger, "--run-id", firing.run_id]
        child = Child(argv, self.env, Limits(entry.time_limit, self.grace),
                      f"{entry.name} {firing.run_id}")
        with self._idle:
            if self.stopping:
                return None
            child.start()  # under the lock, so stop_all() never misses a child being started
            self._active += 1
            self._children.add(child)
        try:
            outcome = child.wait()
            with self._idle:
                self._children.discard(child)
            self.record(firing, outcome, child.pid)
        finally:
            with self._idle:
                self._children.discard(child)
                self._active -= 1
                self._idle.notify_all()
        return outcome

    def record(self, firing: Firing, outcome: Outcome, pid: int | None) -> None:
        """Complete the run's record, then send the alerts it calls for."""
        row = _row(firing, outcome, pid, self.config.host)
        status = settle_run(connect(self.config.catalog_url), row,
                            _note(firing.entry, outcome, self.grace),
                            {ENTRY_STAT: firing.entry.name, EXIT_STAT: outcome.returncode})
        logger.info("[%s %s] %s (exit code %d, %.1f s)", firing.entry.name, firing.run_id,
                    status, outcome.returncode, outcome.seconds)
        if outcome.stop_reason != "shutdown":  # an orderly stop of the scheduler is no failure
            after_run(self.config, RunReport(firing.run_id, outcome.returncode,
                                             outcome.stderr_tail, firing.entry.name))

    def stop_all(self, reason: str) -> None:
        """Stop taking work; ask every running child to stop cleanly."""
        with self._idle:
            self.stopping = True
            children = list(self._children)
        for child in children:
            child.stop(reason)

    def kill_all(self, reason: str) -> None:
        """Stop every running child at once."""
        with self._idle:
            children = list(self._children)
        for child in children:
            child.kill(reason)

    @property
    def busy(self) -> int:
        with self._idle:
            return self._active

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every run has ended and been recorded; False if not after ``timeout``."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout)


def _row(firing: Firing, outcome: Outcome, pid: int | None, host: str) -> dict[str, Any]:
    """The run's record, for when the child left none (or left it running)."""
    stopped = outcome.stop_reason is not None or outcome.returncode < 0
    entry = firing.entry
    return {"id": firing.run_id, "outlet": entry.outlet, "edition": entry.edition,
            "trigger": firing.trigger, "status": "interrupted" if stopped else "failed",
            "started_at": firing.at,
            "host": host, "pid": pid, "args": dict(entry.options),
            "software": f"newsvault/{__version__}",
            "error": f"the crawl process ended with exit code {outcome.returncode} "
                     "before it could record its run"}


def _note(entry: Entry, outcome: Outcome, grace: float) -> str | None:
    """What the supervisor adds to the run's error: why it stopped, and stderr's tail."""
    if outcome.returncode in (EXIT_OK, EXIT_SKIPPED) and outcome.stop_reason is None:
        return None
    lines = []
    if outcome.stop_reason == "time limit":
        lines.append(f"stopped: the time limit of {entry.time_limit:g} s was reached "
                     "(raise time_limit in the schedule if the outlet needs longer)")
    elif outcome.stop_reason == "shutdown":
        lines.append("stopped: the scheduler was shut down")
    if outcome.killed:
        lines.append(f"killed (SIGKILL): it did not stop within {grace:g} s of SIGTERM; the "
                     "next crawl rescues the WARC file it left open")
    if outcome.stderr_tail:
        lines.append("--- last lines of stderr ---")
        lines.extend(outcome.stderr_tail)
    return "\n".join(lines) or None


def record_skip(config: Config, entry: Entry, trigger: str, reason: str,
                status: str = "skipped") -> str:
    """Record a firing that did not start a crawl (so the history shows every firing)."""
    run_id = new_run_id()
    record_run(connect(config.catalog_url), {
        "id": run_id, "outlet": entry.outlet, "edition": entry.edition, "trigger": trigger,
        "status": status, "host": config.host, "args": dict(entry.options),
        "stats": {ENTRY_STAT: entry.name, "finish_reason": status}, "error": reason,
        "software": f"newsvault/{__version__}"})
    return run_id
