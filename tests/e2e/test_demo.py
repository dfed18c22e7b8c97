"""The README's first quick-start command: `newsvault demo` on a machine with no services."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Home
from tests.e2e.archive import rows, warcio_check


@pytest.mark.slow
def test_demo_crawls_the_three_replicas(home: Home) -> None:
    done = home.cli("demo")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    summary = re.search(r"newsvault demo: (\d+) articles \((.*)\), (\d+) WARC files, "
                        r"([\d.]+) MB, ([\d.]+) s", done.stdout)
    assert summary, done.stdout
    assert int(summary.group(1)) > 150 and int(summary.group(3)) >= 3
    assert "newsvault search Qusayr" in done.stdout  # and it says how to look
    runs = rows(home.catalog_url, "SELECT outlet, status FROM runs")
    assert sorted(r["outlet"] for r in runs) == ["emirates_voice", "prensa_latina", "sana"]
    assert all(r["status"] == "ok" for r in runs)
    assert warcio_check(home.store).returncode == 0
