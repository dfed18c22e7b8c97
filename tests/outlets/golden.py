"""Loading golden fixtures and extracting them as the crawl would.

A fixture is three files in ``tests/outlets/<outlet>/``: ``<name>.html`` (the payload
bytes, in whatever charset it was served), ``<name>.meta.json`` (url, status, headers,
fetched_at, edition, note) and ``<name>.json`` (the expected Article).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from crawler.outlet import OutletSpider
from crawler.spiders import registry
from pipelines.extract import extract
from pipelines.extract.model import Article, Page

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Fixture:
    """One stored page of an outlet."""

    outlet: str
    name: str

    @property
    def html_path(self) -> Path:
        return HERE / self.outlet / f"{self.name}.html"

    @property
    def expected_path(self) -> Path:
        return HERE / self.outlet / f"{self.name}.json"

    @property
    def meta(self) -> dict[str, Any]:
        return json.loads((HERE / self.outlet / f"{self.name}.meta.json").read_text("utf-8"))

    def page(self) -> Page:
        """The stored response as extraction receives it."""
        meta = self.meta
        return Page(url=meta["url"], status=meta.get("status", 200),
                    headers=tuple((k, v) for k, v in meta.get("headers", [])),
                    body=self.html_path.read_bytes(),
                    fetched_at=datetime.fromisoformat(meta["fetched_at"]))

    def expected(self) -> dict[str, Any]:
        return json.loads(self.expected_path.read_text("utf-8"))


@cache
def spiders() -> dict[str, type[OutletSpider]]:
    """Every outlet spider, by id."""
    return registry()


def fixtures(outlet: str) -> list[Fixture]:
    """The fixtures stored for an outlet, by name."""
    folder = HERE / outlet
    if not folder.is_dir():
        return []
    return [Fixture(outlet, p.name[:-len(".meta.json")])
            for p in sorted(folder.glob("*.meta.json"))]


def run(fixture: Fixture) -> Article:
    """Extract a fixture with its outlet's declarations, as the crawl does."""
    spider = spiders()[fixture.outlet]
    page = fixture.page()
    edition = fixture.meta.get("edition")
    # Edition codes are languages (crawler/outlet.py).
    return extract(page, spider.name, edition, edition, spider.urls.canonical_url(page.url),
                   spider.parsers)


def dump(article: Article) -> str:
    """The expected-JSON text of an Article (stable, readable diffs)."""
    return json.dumps(article.to_dict(), ensure_ascii=False, indent=2) + "\n"


def regen_command(outlet: str, name: str | None = None) -> str:
    """The command that rewrites expected JSON after an intended parser change."""
    return f"python -m tests.outlets.regen {outlet}" + (f" {name}" if name else "")
