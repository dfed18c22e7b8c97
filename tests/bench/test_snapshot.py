"""The frozen copy a benchmark measures: the packages, not the tests, byte-compiled."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bench import snapshot


def _repo(root: Path) -> Path:
    for package in ("pkg", "tests"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "pkg" / "mod.py").write_text("VALUE = 1\n")
    (root / "pkg" / "sub").mkdir()
    (root / "pkg" / "sub" / "deep.py").write_text("VALUE = 2\n")
    (root / "scrapy.cfg").write_text("[settings]\ndefault = pkg\n")
    return root


def test_snapshot_copies_packages_and_compiles_them(tmp_path: Path) -> None:
    into = snapshot.take(_repo(tmp_path / "repo"), tmp_path / "copy")
    assert not (into / "tests").exists()
    assert (into / "scrapy.cfg").exists()
    assert (into / snapshot.MANIFEST).is_file()
    for source in ("pkg/__init__.py", "pkg/mod.py", "pkg/sub/deep.py"):
        cached = Path(importlib.util.cache_from_source(str(into / source)))
        assert cached.is_file(), f"{source} would be compiled again in every measured run"


def test_a_syntax_error_stops_the_benchmark(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    (repo / "pkg" / "broken.py").write_text("def (:\n")
    with pytest.raises(RuntimeError, match="pkg"):
        snapshot.byte_compile(repo)
