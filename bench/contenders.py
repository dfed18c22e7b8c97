"""The three crawlers the benchmark compares, and the check that each really did the work.

Each contender turns a ``Job`` into a command (run and measured by ``bench.procmon``) and
then verifies its output, so a fast but broken run cannot pass:

- ``newsvault``: the production crawl; the catalog must hold N articles from a run marked
  ok, and ``warcio check`` must pass on a sample of its WARC files;
- ``scrapy``: bare Scrapy; its stats must count N article pages fetched with status 200;
- ``wget``: ``wget --input-file --warc-file``; its WARC must hold N response records
  for the listed URLs and pass ``warcio check``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from warcio.archiveiterator import ArchiveIterator

REPO = Path(__file__).resolve().parents[1]
WARC_SAMPLE = 3  # WARC files checked per newsvault run: first, middle and last


@dataclass(frozen=True)
class Job:
    """One measured crawl: the site, where it is served, where output goes."""

    base_url: str
    pages: int
    urls_file: Path  # the article URLs, one a line (wget's input)
    workdir: Path  # fresh and empty, for this contender and this run only
    concurrency: int

    @property
    def summary(self) -> Path:
        return self.workdir / "summary.json"


@dataclass
class Check:
    """What verification found: article pages fetched, and whether all is as expected."""

    ok: bool
    pages: int
    crawl_s: float | None = None  # the crawler's own clock (Scrapy's elapsed_time_seconds)
    notes: list[str] = field(default_factory=list)


class Contender(Protocol):
    name: str

    def command(self, job: Job) -> list[str]: ...
    def environment(self, job: Job) -> dict[str, str]: ...
    def verify(self, job: Job, returncode: int) -> Check: ...


def base_environment() -> dict[str, str]:
    """This environment without newsvault's or Scrapy's settings, bench importable."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("NEWSVAULT_") and k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def warcio_check(path: Path) -> str | None:
    """None when ``warcio check`` passes on a WARC file, else its complaint."""
    done = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)],
                          capture_output=True, text=True, check=False, timeout=600)
    return None if done.returncode == 0 else f"warcio check {path.name}: {done.stdout[-500:]}"


def _summary(job: Job) -> dict[str, Any]:
    return json.loads(job.summary.read_text()) if job.summary.exists() else {}


class Newsvault:
    """newsvault end to end: fetch, WARC, text extraction, provenance, catalog."""

    name = "newsvault"

    def command(self, job: Job) -> list[str]:
        return [sys.executable, "-m", "bench.nvcrawl", job.base_url, str(job.summary),
                "--concurrency", str(job.concurrency)]

    def environment(self, job: Job) -> dict[str, str]:
        # A fresh home, production defaults (no newsvault.toml), no live progress display.
        return {**base_environment(), "NEWSVAULT_HOME": str(job.workdir / "home"),
                "NEWSVAULT_CONFIG": str(job.workdir / "none.toml"), "NEWSVAULT_PROGRESS": "0",
                "NEWSVAULT_OPERATOR": "newsvault bench"}

    def verify(self, job: Job, returncode: int) -> Check:
        summary, errors = _summary(job), []
        if returncode != 0 or summary.get("status") != "ok":
            errors.append(f"crawl exit {returncode}, status {summary.get('status')}: "
                          f"{summary.get('error')}")
        home = job.workdir / "home"
        with sqlite3.connect(home / "catalog.sqlite") as db:
            articles = db.execute(
                "SELECT count(*) FROM articles WHERE outlet = 'synthetic'").fetchone()[0]
        if articles != job.pages:
            errors.append(f"catalog holds {articles} articles, expected {job.pages}")
        warcs = sorted((home / "store" / "warc").rglob("*.warc.gz"))
        sample = sorted({warcs[0], warcs[len(warcs) // 2], warcs[-1]}) if warcs else []
        errors += [err for err in map(warcio_check, sample[:WARC_SAMPLE]) if err]
        if not warcs:
            errors.append("no WARC file was stored")
        info = f"{len(warcs)} WARC file(s), {len(sample)} passed warcio check"
        return Check(ok=not errors, pages=articles,
                     crawl_s=summary.get("stats", {}).get("elapsed_time_seconds"),
                     notes=errors or [info])


class BareScrapy:
    """Scrapy's SitemapSpider with Scrapy's defaults and the same concurrency."""

    name = "scrapy"

    def command(self, job: Job) -> list[str]:
        return [sys.executable, "-m", "bench.baseline", job.base_url + "sitemap_index.xml",
                str(job.summary), "--concurrency", str(job.concurrency)]

    def environment(self, job: Job) -> dict[str, str]:
        return base_environment()

    def verify(self, job: Job, returncode: int) -> Check:
        stats = _summary(job).get("stats", {})
        pages = int(stats.get("bench/pages", 0))
        ok200 = int(stats.get("downloader/response_status_count/200", 0))
        notes = [] if returncode == 0 else [f"exit {returncode}"]
        if pages != job.pages or ok200 < job.pages:
            notes.append(f"{pages} article pages parsed, {ok200} responses 200, "
                         f"expected {job.pages}")
        return Check(ok=not notes, pages=pages, crawl_s=stats.get("elapsed_time_seconds"),
                     notes=notes)


class Wget:
    """``wget --input-file`` (one connection, no robots.txt in this mode) into a WARC."""

    name = "wget"

    def command(self, job: Job) -> list[str]:
        # --compression=gzip: ask for the same gzip-encoded bytes the Scrapy crawlers get
        # (wget's default asks for identity); --delete-after: the WARC is the output.
        return ["wget", f"--input-file={job.urls_file}", f"--warc-file={job.workdir / 'wget'}",
                "--compression=gzip", "--no-verbose", f"--output-file={job.workdir / 'wget.log'}",
                "--delete-after", "--no-directories", f"--directory-prefix={job.workdir}"]

    def environment(self, job: Job) -> dict[str, str]:
        return base_environment()

    def verify(self, job: Job, returncode: int) -> Check:
        warc = job.workdir / "wget.warc.gz"
        notes = [] if returncode == 0 else [f"exit {returncode}"]
        wanted = set(job.urls_file.read_text().split())
        found = set()
        if warc.exists():
            with warc.open("rb") as fh:
                for record in ArchiveIterator(fh):
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    if record.rec_type == "response" and uri in wanted:
                        found.add(uri)
            if err := warcio_check(warc):
                notes.append(err)
        if len(found) != job.pages:
            notes.append(f"WARC holds {len(found)} of the {job.pages} pages")
        return Check(ok=not notes, pages=len(found), notes=notes)


CONTENDERS: dict[str, Contender] = {c.name: c for c in (Newsvault(), BareScrapy(), Wget())}
