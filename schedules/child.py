"""One crawl process under supervision: a time limit, and a clean stop.

A clean stop is one SIGTERM (Scrapy then closes the spider, so the run's WARC files are
closed and the run is recorded), then SIGKILL if the process is still there after the
grace period (the next crawl rescues what the killed one left open). SIGTERM is sent once
only: a second one makes Scrapy stop at once, without closing anything.

The child runs in a session of its own, so a Ctrl-C at the terminal reaches only the
supervisor, which then stops its children cleanly.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

logger = logging.getLogger(__name__)
TAIL_LINES = 20
POLL = 0.1  # seconds between checks of the time limit and the grace period


@dataclass(frozen=True)
class Limits:
    """How long a child may run, and how long it gets to stop after SIGTERM."""

    time_limit: float
    grace: float


@dataclass(frozen=True)
class Outcome:
    """How a child ended. ``stop_reason`` is None when it ended by itself."""

    returncode: int
    stderr_tail: tuple[str, ...]
    stop_reason: str | None  # "time limit" | "shutdown" | None
    killed: bool  # it did not stop within the grace period and got SIGKILL
    seconds: float


class Child:
    """A process started from ``argv``, its output logged and the tail of stderr kept."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None, limits: Limits,
                 label: str) -> None:
        self.argv = list(argv)
        self.env = env
        self.limits = limits
        self.label = label
        self.tail: deque[str] = deque(maxlen=TAIL_LINES)
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.RLock()  # stop() may run in a signal handler on this thread
        self._stop_reason: str | None = None
        self._term_at: float | None = None
        self._killed = False
        self._readers: list[threading.Thread] = []

    def start(self) -> Child:
        """Start the process (in its own session) and the threads that read its output."""
        self._proc = subprocess.Popen(
            self.argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True)
        for stream, keep in ((self._proc.stdout, False), (self._proc.stderr, True)):
            reader = threading.Thread(target=self._read, args=(stream, keep), daemon=True,
                                      name=f"{self.label}-output")
            reader.start()
            self._readers.append(reader)
        logger.info("[%s] started pid %d: %s", self.label, self._proc.pid, " ".join(self.argv))
        return self

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def _read(self, stream: IO[str] | None, keep: bool) -> None:
        assert stream is not None
        for line in stream:
            line = line.rstrip("\n")
            if keep:
                self.tail.append(line)
            logger.info("[%s] %s", self.label, line)

    def stop(self, reason: str) -> None:
        """Ask the child to stop cleanly (SIGTERM, once); SIGKILL follows after the grace
        period. Safe from any thread, and to call again."""
        with self._lock:
            if self._proc is None or self._term_at is not None or self._proc.poll() is not None:
                return
            self._stop_reason, self._term_at = reason, time.monotonic()
            logger.warning("[%s] stopping (%s): SIGTERM to pid %d, SIGKILL in %.0f s",
                           self.label, reason, self._proc.pid, self.limits.grace)
            self._signal(os.kill, signal.SIGTERM)

    def kill(self, reason: str) -> None:
        """Stop the child at once (SIGKILL)."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                return
            self._stop_reason = self._stop_reason or reason
            self._killed = True
            logger.warning("[%s] killing pid %d (%s)", self.label, self._proc.pid, reason)
            # The whole process group: helpers the crawl started (extraction workers) too.
            self._signal(os.killpg, signal.SIGKILL)

    def _signal(self, send: Callable[[int, int], None], signum: int) -> None:
        assert self._proc is not None
        with contextlib.suppress(ProcessLookupError):  # it has just ended
            send(self._proc.pid, signum)

    def wait(self) -> Outcome:
        """Wait for the end, enforcing the time limit and the grace period."""
        assert self._proc is not None, "start() the child first"
        started = time.monotonic()
        while True:
            try:
                returncode = self._proc.wait(timeout=POLL)
                break
            except subprocess.TimeoutExpired:
                now = time.monotonic()
                if now - started >= self.limits.time_limit:
                    self.stop("time limit")
                term_at = self._term_at
                if term_at is not None and now - term_at >= self.limits.grace:
                    self.kill("grace period over")
        for reader in self._readers:
            reader.join(timeout=5)
        return Outcome(returncode, tuple(self.tail), self._stop_reason, self._killed,
                       time.monotonic() - started)
