"""``newsvault worker``: serve the shared frontier of distributed mode.

The worker is a supervisor, like the scheduler: Twisted's reactor cannot restart, so each
crawl it serves runs in a child process (``newsvault crawl OUTLET --join RUN``), started
when the outlet's frontier has work and ending when the frontier is drained. The child
takes the crawl's options (mirror, edition, limit...) from what the seed published, loads
the archive's history fresh, and writes its own WARC files and run record.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newsvault.config import Config
from schedules.child import Child, Limits, Outcome

logger = logging.getLogger(__name__)

# A crawl may run for days (a SANA backfill); the child has no time limit of its own.
NO_LIMIT = 365 * 24 * 3600.0
FLAGS = {"edition": "--edition", "since": "--since", "limit": "--limit",
         "base_url": "--base-url", "delay": "--delay", "proxy": "--proxy"}


def child_argv(outlet: str, info: dict[str, Any]) -> list[str]:
    """The command that serves the published crawl ``info`` (crawler.frontier.crawl_info)."""
    argv = [sys.executable, "-m", "newsvault", "crawl", outlet,
            "--join", str(info.get("run_id") or "unknown"),
            "--trigger", str(info.get("trigger") or "manual")]
    for name, value in (info.get("args") or {}).items():
        if name in FLAGS and value is not None:
            argv += [FLAGS[name], str(value)]
    return argv


@dataclass
class Supervisor:
    """Start a child per outlet with queued work, up to ``parallel`` at once."""

    config: Config
    outlets: Sequence[str]
    parallel: int = 2
    idle_exit: float | None = None  # seconds with no work anywhere; None: until stopped
    poll: float = 2.0
    grace: float = 60.0  # SIGTERM to SIGKILL, for children still closing their files
    env: dict[str, str] | None = None
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)
    _running: dict[str, threading.Thread] = field(default_factory=dict)
    _children: dict[str, Child] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> int:
        """Serve until stopped (SIGTERM, SIGINT) or idle; 1 if any child crawl failed."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self._stop.set())
        idle_since = time.monotonic()
        while not self._stop.is_set():
            self.start_due()
            with self._lock:
                busy = bool(self._running)
            if busy:
                idle_since = time.monotonic()
            elif self.idle_exit is not None and time.monotonic() - idle_since >= self.idle_exit:
                break
            self._stop.wait(self.poll)
        self.stop_all()
        return 1 if any(o.returncode not in (0, 75) for _, o in self.outcomes) else 0

    def start_due(self) -> None:
        from crawler.frontier import crawl_info, frontier_state, reap_dead
        from crawler.roles import connect

        server = connect(self.config.redis_url)
        for outlet in self.outlets:
            with self._lock:
                if outlet in self._running or len(self._running) >= self.parallel:
                    continue
            reap_dead(server, outlet)
            if not frontier_state(server, outlet)["queued"]:
                continue
            self.start(outlet, crawl_info(server, outlet) or {})

    def start(self, outlet: str, info: dict[str, Any]) -> None:
        child = Child(child_argv(outlet, info), self.env, Limits(NO_LIMIT, self.grace),
                      f"{outlet} (crawl {info.get('run_id', '?')})")
        thread = threading.Thread(target=self._serve, args=(outlet, child), daemon=True,
                                  name=f"worker-{outlet}")
        with self._lock:
            if self._stop.is_set():
                return
            child.start()
            self._children[outlet], self._running[outlet] = child, thread
        thread.start()

    def _serve(self, outlet: str, child: Child) -> None:
        outcome = child.wait()
        logger.info("%s: worker crawl ended with exit %d", outlet, outcome.returncode)
        with self._lock:
            self.outcomes.append((outlet, outcome))
            self._running.pop(outlet, None)
            self._children.pop(outlet, None)

    def stop_all(self) -> None:
        """SIGTERM every child (they return unfinished requests to the frontier)."""
        with self._lock:
            children, threads = list(self._children.values()), list(self._running.values())
        for child in children:
            child.stop("shutdown")
        for thread in threads:
            thread.join()
