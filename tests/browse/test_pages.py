"""Every page of the web UI over HTTP (Starlette's TestClient, no server)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.support.browse_archive import BrowseArchive


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_outlets_overview(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert "sana" in html and "emirates_voice" in html
    assert "<polyline points=" in html  # the captures-per-day sparkline, inline SVG
    assert 'class="badge bad">failed' in html  # emirates_voice's last run failed
    assert "&lt;b&gt;connection refused&lt;/b&gt;" in html  # its error, escaped


def test_runs_and_run(client: TestClient) -> None:
    runs = client.get("/runs")
    assert runs.status_code == 200 and "/runs/run-sana-3" in runs.text
    assert "could not reach emirates_voice" in runs.text
    assert "/runs/run-ev-1" not in client.get("/runs?outlet=sana").text
    run = client.get("/runs/run-sana-1")
    assert run.status_code == 200
    assert "sana-" in run.text and ".warc.gz" in run.text  # its WARC file
    assert "downloader/response_count" in run.text
    assert client.get("/runs/nope").status_code == 404


def test_article_list_filters_and_pages(client: TestClient, archive: BrowseArchive) -> None:
    everything = client.get("/articles")
    assert everything.status_code == 200 and "5 articles" in everything.text
    arabic = client.get("/articles?language=ar").text
    assert "القُصَيْر" in arabic and "1 articles" in arabic
    assert 'dir="auto" lang="ar"' in arabic
    edited = client.get("/articles?edited=1").text
    assert f"/articles/{archive.ids['qusayr']}\"" in edited and "1 articles" in edited
    deleted = client.get("/articles?status=deleted").text
    assert "Minister visits the Homs refinery" in deleted and "1 articles" in deleted
    dated = client.get("/articles?outlet=sana&edition=en&from=2026-11-19&to=2026-11-19").text
    assert "2 articles" in dated
    assert "0 articles" in client.get("/articles?from=2030-01-01").text
    paged = client.get("/articles?page=2").text
    assert "5 articles" in paged and "No article matches" in paged
    assert client.get("/articles?from=yesterday").status_code == 400
    assert client.get("/articles?page=0").status_code == 400
    assert client.get("/articles?status=gone").status_code == 400


def test_search_ranked_with_highlights(client: TestClient, archive: BrowseArchive) -> None:
    english = client.get("/search", params={"q": "QUSAYR"})
    assert english.status_code == 200
    assert "<mark>Qusayr</mark>" in english.text  # marked in the original casing
    ids = re.findall(r'href="/articles/(\d+)"', english.text)
    assert str(archive.ids["qusayr"]) in ids and str(archive.ids["copy"]) in ids
    arabic = client.get("/search", params={"q": "القصير"})  # no harakat in the query...
    assert "<mark>القُصَيْر</mark>" in arabic.text  # ...found and marked with them
    only = client.get("/search", params={"q": "qusayr", "outlet": "emirates_voice"}).text
    assert f"/articles/{archive.ids['qusayr']}\"" not in only
    none = client.get("/search", params={"q": "xylophone"}).text
    assert "0 results" in none
    assert client.get("/search").status_code == 200  # the empty form


def test_article_page(client: TestClient, archive: BrowseArchive) -> None:
    page = client.get(f"/articles/{archive.ids['qusayr']}")
    assert page.status_code == 200
    html = page.text
    assert "eleven villages" in html  # the current text
    assert "edited after publication" in html
    assert "version 1 first seen" in html and "version 2 first seen" in html
    assert "revisit (unchanged)" in html and "HTTP 304" in html  # the timeline
    assert "Also published by" in html and f"/articles/{archive.ids['copy']}" in html
    assert "Provenance of the current capture" in html and "Payload digest" in html
    assert f"/captures/{archive.captures['qusayr_v2']}" in html
    deleted = client.get(f"/articles/{archive.ids['deleted']}").text
    assert "gone (deletion proof)" in deleted and "HTTP 404" in deleted
    assert "t-deleted" in deleted
    arabic = client.get(f"/articles/{archive.ids['arabic']}").text
    assert '<div class="text" dir="rtl" lang="ar">' in arabic
    assert client.get("/articles/999999").status_code == 404


def test_diffs_side_by_side_and_inline(client: TestClient, archive: BrowseArchive) -> None:
    base = f"/articles/{archive.ids['qusayr']}/diff"
    side = client.get(base).text
    assert "Version 1 → 2" in side and '<table class="diff side"' in side
    assert "<del>several</del>" in side and "<ins>eleven</ins>" in side
    assert "<ins> countryside</ins>" in side  # the title's change
    inline = client.get(base + "?from=1&to=2&mode=inline").text
    assert '<div class="diff inline"' in inline and "<del>several</del>" in inline
    same = client.get(base + "?from=2&to=2").text
    assert "same title and text" in same
    assert client.get(base + "?from=7").status_code == 400


def test_capture_page_and_replay(client: TestClient, archive: BrowseArchive) -> None:
    cid = archive.captures["qusayr_v1"]
    page = client.get(f"/captures/{cid}")
    assert page.status_code == 200
    assert "its digests verify" in page.text
    assert f'src="/captures/{cid}/raw"' in page.text and "<iframe class=\"replay\" sandbox " \
        in page.text
    assert "Payload SHA-256: sha256:" in page.text  # the citation block
    raw = client.get(f"/captures/{cid}/raw")
    assert raw.status_code == 200 and b"several villages" in raw.content
    assert raw.headers["content-type"] == "text/html; charset=utf-8"
    revisit = client.get(f"/captures/{archive.captures['revisit']}/raw")
    assert revisit.status_code == 200 and b"eleven villages" in revisit.content  # its original
    assert revisit.headers["x-archive-orig-status"] == "304"
    gone = client.get(f"/captures/{archive.captures['gone']}/raw")
    assert gone.status_code == 404 and gone.content == b"Not Found"  # served as archived
    as_text = client.get(f"/captures/{archive.captures['hostile']}/raw?as=text")
    assert as_text.headers["content-type"].startswith("text/plain")
    feed = client.get(f"/captures/{archive.captures['feed']}")  # any record, not only articles
    assert feed.status_code == 200 and "https://sana.sy/en/feed/" in feed.text
    assert client.get("/captures/not-a-record").status_code == 404
    assert client.get("/captures/not-a-record/raw").status_code == 404


def test_citations(client: TestClient, archive: BrowseArchive) -> None:
    cid = archive.captures["qusayr_v2"]
    text = client.get(f"/captures/{cid}/citation.txt").text
    assert "URL: https://sana.sy/en/?p=101" in text
    assert f"WARC record: urn:uuid:{cid}" in text and "WARC file: sana-" in text
    assert re.search(r"Offset: \d+", text) and re.search(r"WARC file SHA-256: [0-9a-f]{64}", text)
    data = client.get(f"/captures/{cid}/citation.json").json()
    assert data["payload_digest"].startswith("sha256:") and data["length"] > 0
    assert client.get(f"/captures/{cid}/citation.pdf").status_code == 404


def test_static_and_errors(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "Back to the outlets" in missing.text
