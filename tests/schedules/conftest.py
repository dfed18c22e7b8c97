"""Helpers for the scheduler tests: schedule files, the daemon as a process, a webhook."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import Home
from tests.e2e.archive import rows


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))


def schedule_text(jobs: dict[str, dict[str, Any]], daemon: dict[str, Any] | None = None,
                  defaults: dict[str, Any] | None = None) -> str:
    """A schedule file: [daemon], [defaults], then one [jobs.<name>] table per job."""
    parts = []
    for title, table in (("daemon", daemon or {}), ("defaults", defaults or {})):
        parts.append(f"[{title}]\n" + "".join(f"{k} = {toml_value(v)}\n"
                                              for k, v in table.items()))
    for name, table in jobs.items():
        parts.append(f"[jobs.{name}]\n" + "".join(f"{k} = {toml_value(v)}\n"
                                                  for k, v in table.items()))
    return "\n".join(parts)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll until ``predicate()`` is truthy; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def runs(home: Home, where: str = "1 = 1", **params: Any) -> list[dict[str, Any]]:
    """The runs table, oldest first (stats decoded)."""
    try:
        found = rows(home.catalog_url, f"SELECT * FROM runs WHERE {where} ORDER BY started_at",
                     **params)
    except OperationalError:  # no catalog yet, or its first migration is running
        return []
    for run in found:
        if isinstance(run.get("stats"), str):
            run["stats"] = json.loads(run["stats"])
    return found


@dataclass
class DaemonProcess:
    """``newsvault schedule run`` in a child process, its log in a file."""

    home: Home
    file: Path
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> DaemonProcess:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "newsvault", "schedule", "run", "--file", str(self.file)],
                env=self.home.env, cwd=self.home.path, stdout=log, stderr=log)
        return self

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 60) -> int:
        assert self.proc is not None
        self.proc.send_signal(signum)
        return self.proc.wait(timeout)

    def text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def daemon(home: Home) -> Iterator[Callable[[str], DaemonProcess]]:
    """Start a daemon on a schedule text: ``daemon(schedule_text(...))``; killed at teardown."""
    started: list[DaemonProcess] = []

    def start(text: str) -> DaemonProcess:
        file = home.path / "schedule.toml"
        file.write_text(text)
        proc = DaemonProcess(home, file, home.path / f"daemon-{len(started)}.log").start()
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.proc is not None and proc.proc.poll() is None:
            proc.proc.kill()
            proc.proc.wait(10)


@dataclass
class Webhook:
    """A loopback HTTP server that keeps every JSON body POSTed to it."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            assert self.headers["Content-Type"] == "application/json"
            hook.received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()


def slow_urls(home: Home, name: str, pages: int, seconds: float) -> Path:
    """A URL list of slow replica pages (unique, so none is known from an earlier run)."""
    path = home.path / f"{name}.txt"
    path.write_text("".join(f"https://sana.sy/_faults/slow?s={seconds}&k={name}{i}\n"
                            for i in range(pages)))
    return path


def crawl_in_background(home: Home, outlet: str, *args: str,
                        proxy: str) -> subprocess.Popen[bytes]:
    """``newsvault crawl`` started and left running (its output is not kept)."""
    return subprocess.Popen([sys.executable, "-m", "newsvault", "crawl", outlet, *args,
                             "--proxy", proxy], env=home.env, cwd=home.path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def quick_crawls(home: Home) -> Home:
    """Extraction in the crawl's own process: each run starts ~2 s faster (no worker pool).
    Tests of stopping crawls keep the default, to stop them as they run in production."""
    home.env["NEWSVAULT_EXTRACT_WORKERS"] = "0"
    return home
