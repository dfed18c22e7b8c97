"""pywb for replay tests, in a virtualenv of its own.

pywb pins old dependencies (redis 2.10) and pulls brotlipy, whose module ``brotli`` clobbers
the Brotli package Scrapy uses, so it never goes into the project's environment. The venv is
made once under ``$XDG_CACHE_HOME/newsvault-test/pywb-venv`` (default ``~/.cache``) and reused;
``pip install pywb`` takes about 15 s here.
"""

from __future__ import annotations

import fcntl
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PYWB_REQUIREMENT = "pywb>=2.9,<3"


def cache_dir() -> Path:
    """Where test tooling is cached between sessions."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsvault-test"


def ensure_pywb(venv: Path | None = None) -> Path:
    """Create (once, under a lock) a venv with pywb; return its bin directory."""
    venv = venv or cache_dir() / "pywb-venv"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / "pywb-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (bindir / "wayback").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--quiet",
                            PYWB_REQUIREMENT], check=True, timeout=900)
    return bindir


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Pywb:
    """A running ``wayback`` serving the collections under ``root``."""

    root: Path
    port: int

    def replay_url(self, collection: str, timestamp: str, url: str, modifier: str = "id_") -> str:
        """``/COLL/<14-digit ts><modifier>/<url>``; ``id_`` returns the archived payload."""
        return f"http://127.0.0.1:{self.port}/{collection}/{timestamp}{modifier}/{url}"


def _wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"wayback exited with {process.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"wayback did not answer on port {port} within 60 s: {log.read_text()}")


@contextmanager
def pywb_server(root: Path, collections: dict[str, Sequence[Path]]) -> Iterator[Pywb]:
    """Index ``collections`` (name -> WARC files) with wb-manager and serve them on loopback."""
    bindir = ensure_pywb()
    root.mkdir(parents=True, exist_ok=True)
    for name, warcs in collections.items():
        subprocess.run([str(bindir / "wb-manager"), "init", name], cwd=root, check=True,
                       capture_output=True)
        subprocess.run([str(bindir / "wb-manager"), "add", name, *map(str, warcs)], cwd=root,
                       check=True, capture_output=True)
    port = free_port()
    log = root / "wayback.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(bindir / "wayback"), "-b", "127.0.0.1", "-p", str(port)],
                                   cwd=root, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(process, port, log)
        yield Pywb(root, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
