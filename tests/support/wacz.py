"""py-wacz (``wacz validate``) for the export tests, in a virtualenv of its own.

py-wacz pulls frictionless and its pinned dependency tree, which has no business in the
project's environment, so it is installed once under
``$XDG_CACHE_HOME/newsvault-test/wacz-venv`` (about 20 s) and reused, like pywb.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

from tests.support.pywb import cache_dir

WACZ_REQUIREMENT = "wacz>=0.5,<1"


def ensure_wacz(venv: Path | None = None) -> Path:
    """Create (once, under a lock) a venv with py-wacz; return its ``wacz`` executable."""
    venv = venv or cache_dir() / "wacz-venv"
    exe = venv / ("Scripts" if os.name == "nt" else "bin") / "wacz"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / "wacz-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not exe.exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            subprocess.run([str(exe.parent / "python"), "-m", "pip", "install", "--quiet",
                            WACZ_REQUIREMENT], check=True, timeout=900)
    return exe


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    """``wacz validate -f PATH``: exit 0 and "is valid" when py-wacz accepts the file."""
    return subprocess.run([str(ensure_wacz()), "validate", "-f", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
