"""A frozen copy of the code under test, so a long benchmark measures one version.

Several engineers edit this working tree at once, and a 30-minute benchmark run that
imports newsvault afresh in every crawl process would otherwise measure whatever state
the tree is in at each moment (half-written migrations included). ``bench.run`` copies
the importable packages to a temporary directory and re-runs itself from there; the
copy comes first on ``sys.path``, ahead of the editable install's finder.
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST = "SNAPSHOT.json"
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "results", ".*_cache")


def code_state(repo: Path) -> dict[str, Any]:
    """The commit and the uncommitted files of a git working tree."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True,
                              text=True, check=False, timeout=30)
        return done.stdout.rstrip()

    dirty = [line[3:] for line in git("status", "--porcelain").splitlines()]
    return {"commit": git("rev-parse", "HEAD").strip(), "dirty_files": len(dirty),
            "dirty": dirty[:200], "taken_at": datetime.now(UTC).isoformat()}


def take(repo: Path, into: Path) -> Path:
    """Copy every top-level package of ``repo`` (but the tests) and its config files
    into ``into``, with a manifest of the code state; returns ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    for item in sorted(repo.iterdir()):
        if item.is_dir() and (item / "__init__.py").exists() and item.name != "tests":
            shutil.copytree(item, into / item.name, ignore=_SKIP)
        elif item.name in ("scrapy.cfg", "pyproject.toml"):
            shutil.copy2(item, into / item.name)
    (into / MANIFEST).write_text(json.dumps(code_state(repo), indent=1))
    byte_compile(into)
    return into


def byte_compile(root: Path) -> None:
    """Byte-compile the top-level packages under ``root`` before anything is timed.

    pip compiles an installed package's modules once, at install. Code run from a
    snapshot, or from an editable checkout with PYTHONDONTWRITEBYTECODE set (as some CI
    images and containers do), would instead compile newsvault's modules from source in
    every process of every measured run: a start-up cost of about 0.1 CPU s per process
    that no installed newsvault pays, and that bare Scrapy, whose modules are installed,
    never pays. py_compile writes the caches whatever that variable says, and the
    interpreter still reads them.
    """
    for init in sorted(root.glob("*/__init__.py")):
        if not compileall.compile_dir(init.parent, quiet=1):
            raise RuntimeError(f"byte-compiling {init.parent} failed; see the messages above")


def state_of(root: Path) -> dict[str, Any]:
    """The code state of a snapshot (its manifest) or of a live working tree."""
    manifest = root / MANIFEST
    if manifest.exists():
        return {"snapshot": True, **json.loads(manifest.read_text())}
    return {"snapshot": False, **code_state(root)}


def main(module: str, argv: list[str] | None, parse_args: Callable[[list[str]], Any],
         run: Callable[[Any], int], repo: Path) -> None:
    """A benchmark's entry point: parse the arguments, then measure a snapshot of the code
    (`rerun`), or this tree as it is with ``--no-snapshot``; exits with the run's status."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.no_snapshot:
        byte_compile(repo)
        sys.exit(run(args))
    sys.exit(rerun(module, argv, repo, args.results))


def rerun(module: str, argv: list[str], repo: Path, results: Path) -> int:
    """Run ``python -m module argv --no-snapshot`` from a frozen copy of ``repo``'s code,
    so edits made while a long benchmark runs never mix into its figures."""
    with tempfile.TemporaryDirectory(prefix="bench-code-") as tmp:
        root = take(repo, Path(tmp))
        print(f"bench: measuring a snapshot of the code ({root})", flush=True)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(root), os.environ.get("PYTHONPATH")) if p)}
        cmd = [sys.executable, "-m", module, *argv, "--no-snapshot",
               "--results", str(results.resolve())]
        return subprocess.run(cmd, cwd=root, env=env, check=False).returncode
