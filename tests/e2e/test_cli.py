"""The CLI on a real archive: browsing commands, --base-url mirrors, scrapy crawl, pywb."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from typing import Any

import pytest

from tests.conftest import ROOT, Home
from tests.e2e.archive import rows
from tests.support.pywb import pywb_server


@pytest.fixture(scope="module")
def archive(replica: Any, tmp_path_factory: pytest.TempPathFactory) -> Home:
    from tests.conftest import home as make_home

    home: Home = make_home.__wrapped__(tmp_path_factory.mktemp("cli"))  # type: ignore[attr-defined]
    for outlet in ("sana", "emirates_voice"):
        done = home.crawl(outlet, "--delay", "0", "--since", "2010-01-01",
                          proxy=replica.proxy_url)
        assert done.returncode == 0, done.stderr[-2000:]
    return home


def jsonl(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.slow
def test_browse_commands(archive: Home) -> None:
    outlets = {o["outlet"]: o for o in jsonl(archive.cli("outlets", "--json"))}
    assert set(outlets) == {"sana", "prensa_latina", "emirates_voice"}
    assert outlets["sana"]["articles"] > 50 and outlets["sana"]["last_run_status"] == "ok"
    assert "articles" not in outlets["prensa_latina"]  # never crawled here
    runs = jsonl(archive.cli("runs", "--json"))
    assert {r["outlet"] for r in runs} == {"sana", "emirates_voice"}
    assert {"id", "outlet", "trigger", "started_at", "finished_at", "status",
            "stats"} <= set(runs[0])
    listed = jsonl(archive.cli("articles", "--outlet", "emirates_voice", "--json", "--limit", "5"))
    assert len(listed) == 5 and all(a["outlet"] == "emirates_voice" for a in listed)
    published = [a["published"] for a in listed]
    assert published == sorted(published, reverse=True)
    old = jsonl(archive.cli("articles", "--until", "2013-12-31", "--json", "--limit", "100"))
    assert old and all(a["published"] < "2014" for a in old)


@pytest.mark.slow
def test_search_and_show(archive: Home) -> None:
    hits = jsonl(archive.cli("search", "Qusayr", "--json"))
    assert hits and any(h["outlet"] == "emirates_voice" for h in hits)
    assert all("[" in h["snippet"] for h in hits)
    (top,) = jsonl(archive.cli("show", str(hits[0]["id"]), "--json"))
    assert top["captures"] and top["captures"][0]["provenance"]["capture_id"]
    by_url = jsonl(archive.cli("show", top["url"], "--json"))
    assert by_url[0]["id"] == top["id"]
    human = archive.cli("show", str(top["id"]))
    assert human.returncode == 0 and top["title"] in human.stdout
    missing = archive.cli("show", "https://nowhere.invalid/x")
    assert missing.returncode == 1 and "no article" in missing.stderr


@pytest.mark.slow
def test_arabic_search(archive: Home) -> None:
    arabic = rows(archive.catalog_url,
                  "SELECT title FROM articles WHERE outlet = 'sana' AND language = 'ar' LIMIT 1")
    word = max(arabic[0]["title"].split(), key=len)
    hits = jsonl(archive.cli("search", word, "--json"))
    assert any(h["title"] == arabic[0]["title"] for h in hits)


@pytest.mark.slow
def test_base_url_mirror(replica: Any, home: Home) -> None:
    mirror = replica.mirror_url("www.emiratesvoice.com")
    done = home.crawl("emirates_voice", "--edition", "en", "--base-url", mirror, "--delay", "0",
                      "--limit", "5")
    assert done.returncode == 0, done.stderr[-2000:]
    arts = rows(home.catalog_url, "SELECT url, canonical_url FROM articles")
    assert len(arts) == 5
    assert all(a["url"].startswith(mirror) for a in arts)  # fetched from the mirror...
    assert all(a["canonical_url"].startswith("https://www.emiratesvoice.com/en/")
               for a in arts)  # ...yet one article keeps one identity


@pytest.mark.slow
def test_scrapy_crawl_has_the_same_effect(replica: Any, home: Home) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "emirates_voice", "-a", "edition=en",
         "-a", "delay=0", "-a", "limit=3", "-s", f"NEWSVAULT_PROXY={replica.proxy_url}"],
        cwd=ROOT, env=home.env, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    (run,) = rows(home.catalog_url, "SELECT * FROM runs")
    assert run["status"] == "ok" and run["trigger"] == "manual"
    assert len(rows(home.catalog_url, "SELECT id FROM articles")) == 3
    assert list(home.store.glob("warc/emirates_voice/*/*/*.warc.gz"))


@pytest.mark.slow
@pytest.mark.server
def test_pywb_replays_a_crawled_article(archive: Home) -> None:
    (art,) = rows(archive.catalog_url, "SELECT a.title, c.url, c.fetched_at FROM articles a "
                  "JOIN article_captures c ON c.capture_id = a.current_capture "
                  "WHERE a.outlet = 'emirates_voice' AND a.url LIKE '%/314/%'")
    warcs = sorted(archive.store.glob("warc/*/*/*/*.warc.gz"))
    stamp = str(art["fetched_at"]).replace("-", "").replace(" ", "").replace(":", "")[:14]
    with pywb_server(archive.path / "pywb", {"news": warcs}) as pywb, \
            urllib.request.urlopen(pywb.replay_url("news", stamp, art["url"]),
                                   timeout=30) as reply:
        assert reply.status == 200
        page = reply.read().decode("utf-8", "replace")
    assert art["title"] in page
