"""Lint and type checks run with the suite, so the README's one test command covers them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tool", [["ruff", "check", "."], ["mypy"]], ids=["ruff", "mypy"])
def test_static_checks(tool: list[str]) -> None:
    if shutil.which(tool[0]) is None:
        pytest.fail(f"{tool[0]} is not installed: pip install -e '.[test]'")
    done = subprocess.run([sys.executable, "-m", *tool], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
