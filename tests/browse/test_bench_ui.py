"""bench/ui.py on a tiny catalog: it generates, serves and times every kind of page."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import ui
from tests.support.pywb import free_port


@pytest.mark.slow
@pytest.mark.server
def test_bench_ui_runs(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite"
    ui.generate(catalog, 300)
    result = ui.measure(catalog, 300, 3, free_port())
    assert set(result) == {"list", "search", "article"}
    assert all(r["n"] == 3 and r["p95"] > 0 for r in result.values())
