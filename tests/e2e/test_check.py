"""Outlet health: `newsvault check` and the crawl's fallback warning."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newsvault.commands.check import field_health, verdict
from tests.conftest import Home


@pytest.mark.slow
@pytest.mark.parametrize("outlet", ["sana", "prensa_latina", "emirates_voice"])
def test_check_reports_outlet_parsers_on_the_replicas(replica: Any, home: Home,
                                                      outlet: str) -> None:
    done = home.cli("check", outlet, "--edition", "en", "--limit", "3", "--delay", "0",
                    "--proxy", replica.proxy_url, "--json")
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    report = [json.loads(line) for line in done.stdout.splitlines()]
    assert report and all(r["verdict"] == "ok" for r in report)
    assert all(r["fields"]["body"] == "outlet" and r["fields"]["title"] == "outlet"
               for r in report)


@pytest.mark.slow
def test_unknown_template_is_flagged_fallback(replica: Any, home: Home) -> None:
    listing = home.path / "urls.txt"
    listing.write_text("https://sana.sy/_faults/malformed\n")
    done = home.crawl("sana", "--urls", str(listing), "--delay", "0", proxy=replica.proxy_url)
    assert done.returncode == 0
    assert "fell back to the generic extractor" in done.stderr
    assert "newsvault check sana" in done.stderr


def test_verdicts() -> None:
    article = {"title": "t", "published": "2025-01-01T00:00:00+00:00", "body": "b",
               "dateline": None, "authors": [], "section": "s", "tags": []}
    methods = {"title": "outlet:sana.Foxiz", "published": "jsonld", "body": "outlet:sana.Foxiz",
               "section": "meta"}
    health = field_health(article, methods)
    assert health["title"] == "outlet" and health["published"] == "jsonld"
    assert health["dateline"] == "missing"
    assert verdict("sana.Foxiz", health) == "ok"
    assert verdict("fallback", health) == "fallback"
    assert verdict("sana.Foxiz", {**health, "published": "missing"}) == "incomplete"
