"""The benchmark's machinery on a tiny site: the generator, the server, the newsvault
bench crawl and the bare Scrapy baseline each fetch every page, and their checks pass.

It measures nothing; ``python -m bench.run`` does (see bench/README.md).
"""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path

import pytest

from bench import contenders as cs
from bench import synthetic
from bench.procmon import measure
from bench.server import serve

PAGES = 30  # two child sitemaps would need > 1,000; one is enough to exercise discovery


@pytest.mark.slow
def test_bench_crawls_fetch_every_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    synthetic.ensure_pages(site, PAGES)
    # nginx when installed, as bench.run requires; else the Python stand-in.
    with serve(site, allow_fallback=True) as server:
        urls = synthetic.write_discovery(site, synthetic.ensure_pages(site, PAGES),
                                         server.base_url)
        request = urllib.request.Request(urls[0], headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.headers["Content-Encoding"] == "gzip"
            assert 40_000 <= len(gzip.decompress(answer.read())) <= 82_000
        urls_file = tmp_path / "urls.txt"
        urls_file.write_text("\n".join(urls) + "\n")
        for name in ("newsvault", "scrapy"):
            contender = cs.CONTENDERS[name]
            job = cs.Job(server.base_url, PAGES, urls_file, tmp_path / name, concurrency=4)
            job.workdir.mkdir()
            run = measure(contender.command(job), contender.environment(job), cs.REPO,
                          job.workdir / "output.log", timeout=60)
            check = contender.verify(job, run.returncode)
            log = (job.workdir / "output.log").read_text()[-3000:]
            assert check.ok, f"{name}: {check.notes}\n{log}"
            assert check.pages == PAGES
            assert run.peak_rss > 0 and run.cpu_s > 0
