"""Shared fixtures: a private NEWSVAULT_HOME per test, the outlet replicas, and a way to run
``newsvault crawl`` as the separate process it always is in real use."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def replica() -> Iterator[object]:
    """The three outlet replicas (with fault routes), once per test session."""
    from newsvault.replicas.server import ReplicaServer

    with ReplicaServer(faults=True) as server:
        yield server


@dataclass
class Home:
    """A private archive: its directory and the environment that points crawls at it."""

    path: Path
    env: dict[str, str]

    def crawl(self, outlet: str, *args: str, timeout: float = 240,
              proxy: str | None = None) -> subprocess.CompletedProcess[str]:
        """``newsvault crawl OUTLET ARGS`` in a child process, as the scheduler runs it."""
        cmd = [sys.executable, "-m", "newsvault", "crawl", outlet, *args]
        if proxy:
            cmd += ["--proxy", proxy]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd=self.path, check=False)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "newsvault", *args], env=self.env,
                              capture_output=True, text=True, timeout=120, cwd=self.path,
                              check=False)

    @property
    def catalog_url(self) -> str:
        return f"sqlite:///{self.path / 'data' / 'catalog.sqlite'}"

    @property
    def store(self) -> Path:
        return self.path / "data" / "store"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSVAULT_")}
    env.update({"NEWSVAULT_HOME": str(tmp_path / "data"), "NEWSVAULT_PROGRESS": "0",
                "NEWSVAULT_OPERATOR": "newsvault test suite",
                "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")})
    return Home(tmp_path, env)


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real S3 server (SeaweedFS ``weed mini`` on loopback), once per test session."""
    from tests.support.seaweed import Seaweed

    server = Seaweed(tmp_path_factory.mktemp("seaweed"))
    server.start()
    try:
        yield server
    finally:
        server.stop()
