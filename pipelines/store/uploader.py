"""Background uploads: a few at a time, retried with backoff, paused during an outage.

Policy (`SpoolSettings`):

- each object is tried up to ``attempts`` times, waiting ``backoff`` seconds, then twice as
  long each time (capped at ``max_backoff``), with jitter so that workers do not retry in step;
  boto3's own retries (standard mode, 3 tries) sit inside each attempt;
- a `StoreError` (an object that exists with other bytes, a spool copy that changed on
  disk, a bucket without Object Lock) is not retried: retrying cannot fix it;
- after ``trip_after`` consecutive failed attempts (with no success between them, across
  all workers), uploads pause for ``cooldown`` seconds: during an outage the crawl goes on
  at full speed, and what it makes stays in the spool instead of every object waiting
  through its own retries.

Whatever is not uploaded stays in the spool for the next crawl or ``newsvault sync``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from pipelines.storage import StoreError
from pipelines.store.options import SpoolSettings

logger = logging.getLogger(__name__)


class Breaker:
    """Opens after ``trip_after`` consecutive failures; lets a try through after ``cooldown``."""

    def __init__(self, trip_after: int, cooldown: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.trip_after, self.cooldown, self.clock = trip_after, cooldown, clock
        self.failures = 0
        self.opened_at: float | None = None
        self.lock = threading.Lock()

    def allow(self) -> bool:
        """Whether an upload may be tried now."""
        with self.lock:
            return self.opened_at is None or self.clock() - self.opened_at >= self.cooldown

    def success(self) -> None:
        with self.lock:
            self.failures, self.opened_at = 0, None

    def failure(self) -> None:
        with self.lock:
            self.failures += 1
            if self.failures >= self.trip_after:
                self.opened_at = self.clock()


@dataclass
class UploadReport:
    """What one uploader did: keys uploaded, retries, and keys left in the spool."""

    uploaded: int = 0
    retries: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # key -> last error
    deferred: set[str] = field(default_factory=set)  # not tried: uploads were paused


def backoff(settings: SpoolSettings, attempt: int) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): exponential, jittered."""
    delay = min(settings.max_backoff, settings.backoff * 2 ** (attempt - 1))
    return delay * random.uniform(0.5, 1.0)


class Uploader:
    """Runs ``work(key)`` for each submitted key on a small thread pool. ``work`` returns
    None when there was nothing to do (the key was gone, or another process had it)."""

    def __init__(self, work: Callable[[str], object], settings: SpoolSettings,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.work, self.settings, self.sleep = work, settings, sleep
        self.breaker = Breaker(settings.trip_after, settings.cooldown)
        self.report = UploadReport()
        self.lock = threading.Lock()
        self.futures: set[Future[None]] = set()
        self.pool = ThreadPoolExecutor(max(1, settings.workers),
                                       thread_name_prefix="newsvault-upload")

    def submit(self, key: str) -> None:
        """Queue an upload; it runs in the background."""
        future = self.pool.submit(self._run, key)
        with self.lock:
            self.futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self.lock:
            self.futures.discard(future)

    def drain(self) -> UploadReport:
        """Wait for every queued upload. Keys deferred by a pause are tried once more if
        the pause is over by then. The pool stays usable."""
        self._wait()
        if self.report.deferred and self.breaker.allow():
            with self.lock:
                again, self.report.deferred = sorted(self.report.deferred), set()
            for key in again:
                self.submit(key)
            self._wait()
        return self.report

    def close(self) -> UploadReport:
        """Drain, then stop the threads."""
        report = self.drain()
        self.pool.shutdown(wait=True)
        return report

    def _wait(self) -> None:
        while True:
            with self.lock:
                pending = [f for f in self.futures if not f.done()]
            if not pending:
                return
            wait(pending)

    def _run(self, key: str) -> None:
        error: Exception | None = None
        for attempt in range(1, self.settings.attempts + 1):
            if not self.breaker.allow():  # paused: leave it in the spool
                with self.lock:
                    self.report.deferred.add(key)
                return
            if attempt > 1:
                with self.lock:
                    self.report.retries += 1
            try:
                done = self.work(key)
            except StoreError as exc:  # retrying cannot fix it
                logger.error("%s: %s", key, exc)
                self._failed(key, exc)
                return
            except Exception as exc:
                error = exc
                self.breaker.failure()
                logger.warning("upload of %s failed (attempt %d of %d): %s", key, attempt,
                               self.settings.attempts, exc)
                if attempt < self.settings.attempts and self.breaker.allow():
                    self.sleep(backoff(self.settings, attempt))
                continue
            self.breaker.success()
            with self.lock:
                self.report.uploaded += done is not None  # None: another uploader had it
                self.report.failed.pop(key, None)
            return
        if error is not None:
            self._failed(key, error)

    def _failed(self, key: str, error: Exception) -> None:
        with self.lock:
            self.report.failed[key] = f"{type(error).__name__}: {error}"
