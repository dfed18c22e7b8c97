"""Issue 4's bar: a replica that changes between runs, and what the archive makes of it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from newsvault.replicas.server import ReplicaServer
from tests.conftest import Home
from tests.e2e.archive import read_warcs, rows

OUTLET = ("emirates_voice", "--edition", "en")


@pytest.fixture
def site() -> Iterator[ReplicaServer]:
    """A private replica: these tests edit and delete articles."""
    with ReplicaServer() as server:
        yield server


def crawl(home: Home, server: ReplicaServer, *extra: str) -> None:
    done = home.crawl(*OUTLET, "--delay", "0", *extra, proxy=server.proxy_url)
    assert done.returncode == 0, done.stderr[-2000:]


def article_row(home: Home, truth: Any) -> dict[str, Any]:
    (row,) = [r for r in rows(home.catalog_url, "SELECT * FROM articles")
              if truth.urls[0].rstrip("/").endswith(r["url"].split("emiratesvoice.com")[1]
                                                     .rstrip("/"))]
    return row


def last_run(home: Home) -> str:
    return rows(home.catalog_url, "SELECT id FROM runs ORDER BY started_at DESC LIMIT 1")[0]["id"]


def shown(home: Home, ref: str) -> dict[str, Any]:
    done = home.cli("show", ref, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def en_truths(server: ReplicaServer) -> list[Any]:
    return [t for t in server.manifest("emirates_voice") if t.edition == "en" and t.sources]


@pytest.mark.slow
def test_unchanged_site_gives_only_revisits(site: ReplicaServer, home: Home) -> None:
    crawl(home, site)
    texts = sorted(home.store.glob("text/**/*.json"))
    crawl(home, site, "--recheck")
    run = last_run(home)
    kinds = Counter(r["kind"] for r in rows(
        home.catalog_url, "SELECT kind FROM article_captures WHERE run_id = :r", r=run))
    held = len(rows(home.catalog_url, "SELECT id FROM articles"))
    assert kinds == {"revisit": held}
    assert all(n == 1 for (n,) in [tuple(r.values()) for r in rows(
        home.catalog_url, "SELECT COUNT(*) FROM article_versions GROUP BY article_id")])
    assert sorted(home.store.glob("text/**/*.json")) == texts  # no re-extraction
    revisits = [r for r in read_warcs(home.store) if r.type == "revisit"]
    assert len(revisits) == held
    for rec in revisits:  # 304s to conditional requests, pointing at the first capture
        assert rec.status == 304
        assert rec.headers["WARC-Profile"].endswith("/revisit/server-not-modified")
        assert rec.headers["WARC-Refers-To-Target-URI"] and rec.headers["WARC-Refers-To-Date"]


@pytest.mark.slow
def test_identical_payload_without_validators_is_a_revisit(site: ReplicaServer,
                                                           home: Home) -> None:
    crawl(home, site)
    import sqlite3

    with sqlite3.connect(home.catalog_url.removeprefix("sqlite:///")) as db:
        db.execute("UPDATE article_captures SET etag = NULL, last_modified = NULL")
    crawl(home, site, "--recheck")
    revisits = [r for r in read_warcs(home.store) if r.type == "revisit"]
    assert revisits and all(r.status == 200 for r in revisits)
    assert all(r.headers["WARC-Profile"].endswith("/identical-payload-digest")
               for r in revisits)


@pytest.mark.slow
def test_one_edited_paragraph_is_one_new_version(site: ReplicaServer, home: Home) -> None:
    crawl(home, site)
    truth = en_truths(site)[3]
    edited = "Officials said on Thursday that the figures had been revised upwards."
    site.site("emirates_voice").edit(truth.article_id, 1, edited)
    crawl(home, site, "--recheck")
    versions = rows(home.catalog_url, "SELECT article_id, COUNT(*) AS n FROM article_versions "
                    "GROUP BY article_id HAVING n > 1")
    assert len(versions) == 1
    article = article_row(home, truth)
    assert versions[0]["article_id"] == article["id"]
    done = home.cli("diff", str(article["id"]), "--json")
    diff = json.loads(done.stdout)
    changed = [b for b in diff["paragraphs"] if b["op"] != "equal"]
    assert len(changed) == 1 and changed[0]["to"] == [edited]
    assert changed[0]["from"] == [truth.body_paragraphs[1]]
    assert not diff["title"]["changed"]
    human = home.cli("diff", truth.urls[0])
    assert "{+" in human.stdout and "[-" in human.stdout
    record = shown(home, str(article["id"]))
    assert record["edited"] and [e["kind"] for e in record["events"]] == ["edited"]
    v1, v2 = record["versions"]
    assert v1["first_capture"] != v2["first_capture"]  # each version has its proof


@pytest.mark.slow
def test_retitled_article_is_a_new_version(site: ReplicaServer, home: Home) -> None:
    crawl(home, site)
    truth = en_truths(site)[2]
    site.site("emirates_voice").retitle(truth.article_id, "A quite different headline")
    crawl(home, site, "--recheck")
    article = article_row(home, truth)
    diff = json.loads(home.cli("diff", str(article["id"]), "--json").stdout)
    assert diff["title"]["changed"] and diff["title"]["to"] == "A quite different headline"
    assert all(b["op"] == "equal" for b in diff["paragraphs"])


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["404", "410", "redirect_home"])
def test_deletion_is_an_event_and_the_article_stays_readable(site: ReplicaServer, home: Home,
                                                             mode: str) -> None:
    crawl(home, site)
    truth = en_truths(site)[5]
    site.site("emirates_voice").delete(truth.article_id, mode)
    crawl(home, site, "--recheck")
    article = article_row(home, truth)
    record = shown(home, str(article["id"]))
    assert record["status"] == "deleted"
    (event,) = record["events"]
    assert event["kind"] == "deleted" and event["capture_id"]
    proof = [r for r in read_warcs(home.store)
             if r.id.strip("<>").removeprefix("urn:uuid:") == event["capture_id"]]
    assert proof and proof[0].status in (404, 410, 301, 200)
    assert record["body"] and record["versions"][0]["body"]  # earlier text still readable
    site.site("emirates_voice").restore(truth.article_id)
    crawl(home, site, "--recheck")
    record = shown(home, str(article["id"]))
    assert record["status"] == "live"
    assert [e["kind"] for e in record["events"]] == ["deleted", "reappeared"]


@pytest.mark.slow
def test_a_503_on_one_run_is_not_a_deletion(site: ReplicaServer, home: Home) -> None:
    crawl(home, site)
    truth = en_truths(site)[4]
    site.site("emirates_voice").set_fault(truth.article_id, status=503, retry_after=1, times=4)
    crawl(home, site, "--recheck")
    article = article_row(home, truth)
    assert article["status"] == "live" and article["misses"] == 1
    assert not rows(home.catalog_url, "SELECT * FROM article_events")
    crawl(home, site, "--recheck")  # the fault is over: the miss count resets
    assert article_row(home, truth)["misses"] == 0


@pytest.mark.slow
def test_syndicated_story_is_one_cluster(replica: Any, home: Home) -> None:
    for outlet in ("sana", "prensa_latina"):
        done = home.crawl(outlet, "--edition", "en", "--delay", "0", "--since", "2010-01-01",
                          proxy=replica.proxy_url)
        assert done.returncode == 0, done.stderr[-2000:]
    pairs = rows(home.catalog_url, "SELECT a.outlet AS a, b.outlet AS b, a.title AS at, "
                 "b.title AS bt, s.similarity FROM article_similar s "
                 "JOIN articles a ON a.id = s.article_id JOIN articles b ON b.id = s.other_id "
                 "WHERE a.outlet = 'sana'")
    assert len(pairs) == 1, pairs  # other Qusayr stories share a topic, not a text
    (pair,) = pairs
    assert pair["b"] == "prensa_latina" and "Qseir" in pair["bt"] and pair["similarity"] > 0.8
    sana_id = rows(home.catalog_url, "SELECT id FROM articles WHERE title = :t", t=pair["at"])
    record = shown(home, str(sana_id[0]["id"]))
    assert [a["outlet"] for a in record["also_published"]] == ["prensa_latina"]


@pytest.mark.slow
def test_reextract_rebuilds_from_warcs_offline(site: ReplicaServer, home: Home) -> None:
    crawl(home, site)
    truth = en_truths(site)[3]
    site.site("emirates_voice").edit(truth.article_id, 0, "A changed lead paragraph.")
    crawl(home, site, "--recheck")
    warcs = {p: p.read_bytes() for p in home.store.glob("warc/**/*.warc.gz")}
    before = rows(home.catalog_url, "SELECT article_id, version, version_sha256 "
                  "FROM article_versions ORDER BY article_id, version")
    import sqlite3

    with sqlite3.connect(home.catalog_url.removeprefix("sqlite:///")) as db:  # wreck it
        db.execute("DELETE FROM article_versions")
        db.execute("UPDATE articles SET title = 'garbage', body = ''")
    site.stop()  # no network: re-extraction reads the archive only
    done = home.cli("reextract", "emirates_voice", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["captures"] >= report["articles"] > 20
    after = rows(home.catalog_url, "SELECT article_id, version, version_sha256 "
                 "FROM article_versions ORDER BY article_id, version")
    assert after == before
    assert not rows(home.catalog_url, "SELECT id FROM articles WHERE title = 'garbage'")
    assert {p: p.read_bytes() for p in home.store.glob("warc/**/*.warc.gz")} == warcs
