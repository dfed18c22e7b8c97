"""One crawl per outlet, whoever starts it: file locks, PostgreSQL advisory locks, exit 75."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsvault import config as nvconfig
from newsvault.locks import AdvisoryLock, AlreadyHeld, FileLock, crawl_lock, lock_for
from tests.conftest import Home
from tests.e2e.archive import rows
from tests.schedules.conftest import runs

HOLD = ("import sys, time; from pathlib import Path; from newsvault.locks import lock_for; "
        "from newsvault.config import Config; lock_for(Config(home=Path(sys.argv[1]), "
        "catalog=sys.argv[2]), 'crawl-sana', run_id='held-by-child').acquire(); "
        "print('locked', flush=True); time.sleep(60)")


def hold_in_child(home: Path, catalog: str) -> subprocess.Popen[str]:
    """A process that takes sana's crawl lock and keeps it until killed."""
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(home), catalog],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def test_file_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    config = nvconfig.Config(home=tmp_path)
    held = crawl_lock(config, "sana", "run-1", "cron")
    assert isinstance(held, FileLock)
    with pytest.raises(AlreadyHeld) as caught:
        crawl_lock(config, "sana", "run-2", "schedule")
    assert caught.value.holder["run_id"] == "run-1"
    assert "run run-1 (trigger cron, pid" in str(caught.value)
    crawl_lock(config, "emirates_voice", "run-3", "cron").release()  # other outlets are free
    assert lock_for(config, "crawl-sana").probe()["run_id"] == "run-1"  # type: ignore[index]
    held.release()
    assert lock_for(config, "crawl-sana").probe() is None
    crawl_lock(config, "sana", "run-4", "manual").release()


def test_file_lock_dies_with_its_holder(tmp_path: Path) -> None:
    config = nvconfig.Config(home=tmp_path)
    child = hold_in_child(tmp_path, config.catalog_url)
    with pytest.raises(AlreadyHeld):
        crawl_lock(config, "sana", "run-1", "cron")
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    assert lock_for(config, "crawl-sana").probe() is None  # its details stay, but it is dead
    crawl_lock(config, "sana", "run-1", "cron").release()  # the kernel dropped it


def test_second_crawl_of_an_outlet_is_skipped_and_recorded(home: Home) -> None:
    config = nvconfig.load(home.env)
    with crawl_lock(config, "sana", "20261122T000000Z-aaaaaa", "schedule"):
        done = home.crawl("sana", "--edition", "en", "--trigger", "cron", "--run-id",
                          "20261122T000001Z-bbbbbb")
    assert done.returncode == 75, done.stderr
    assert "sana is being crawled already by run 20261122T000000Z-aaaaaa (trigger " \
           "schedule" in done.stderr
    (run,) = runs(home)
    assert run["id"] == "20261122T000001Z-bbbbbb" and run["status"] == "skipped"
    assert run["trigger"] == "cron" and run["edition"] == "en"
    assert run["started_at"] is not None and run["finished_at"] is not None
    assert "20261122T000000Z-aaaaaa" in run["error"]


@pytest.fixture
def postgres(postgres_catalog: str) -> str:
    """A fresh catalog database on the session's PostgreSQL server (tests/conftest.py)."""
    return postgres_catalog


@pytest.mark.server
def test_advisory_lock_on_postgresql(postgres: str, tmp_path: Path) -> None:
    config = nvconfig.Config(home=tmp_path, catalog=postgres)
    held = crawl_lock(config, "sana", "run-pg-1", "cron")
    assert isinstance(held, AdvisoryLock)
    assert lock_for(config, "crawl-sana").probe()["trigger"] == "cron"  # type: ignore[index]
    with pytest.raises(AlreadyHeld) as caught:
        crawl_lock(config, "sana", "run-pg-2", "schedule")
    assert caught.value.holder["run_id"] == "run-pg-1"
    crawl_lock(config, "prensa_latina", "run-pg-3", "cron").release()
    held.release()
    assert lock_for(config, "crawl-sana").probe() is None
    crawl_lock(config, "sana", "run-pg-4", "cron").release()
    assert not (tmp_path / "locks").exists(), "no file lock when the catalog is PostgreSQL"


@pytest.mark.server
def test_advisory_lock_dies_with_its_holder(postgres: str, tmp_path: Path) -> None:
    config = dataclasses.replace(nvconfig.Config(home=tmp_path), catalog=postgres)
    child = hold_in_child(tmp_path, postgres)
    with pytest.raises(AlreadyHeld) as caught:
        lock_for(config, "crawl-sana").acquire()
    assert caught.value.holder["run_id"] == "held-by-child"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    deadline = time.monotonic() + 10
    while True:  # the server notices the closed connection within moments
        try:
            lock_for(config, "crawl-sana").acquire().release()
            break
        except AlreadyHeld:
            assert time.monotonic() < deadline, "the advisory lock outlived its holder"
            time.sleep(0.1)


@pytest.mark.server
def test_crawl_is_skipped_through_postgresql(postgres: str, home: Home) -> None:
    """With a PostgreSQL catalog the crawl takes the advisory lock and records the skip."""
    home.env["NEWSVAULT_CATALOG"] = postgres
    config = nvconfig.load(home.env)
    with crawl_lock(config, "sana", "20261122T000000Z-cccccc", "schedule"):
        done = home.crawl("sana", "--trigger", "cron")
    assert done.returncode == 75, done.stderr
    assert "by run 20261122T000000Z-cccccc (trigger schedule, pid" in done.stderr
    (run,) = rows(postgres, "SELECT status, trigger FROM runs")
    assert run["status"] == "skipped" and run["trigger"] == "cron"
    assert not (home.path / "data" / "locks").exists()
