"""A small archive for the web UI's tests and screenshots, written through the real machinery.

WARC records come from `pipelines.warc.WarcWriter`, files go into a `LocalStore` under their
real keys, and the catalog is filled by the crawl's own write functions (`record_page`,
`record_check`, `index_and_match`), so replay and exports read it exactly as they read a
crawl's output. It holds what a crawl of the replicas takes minutes to produce: an edited
article, a 304 revisit, a deletion proved by a 404, Arabic text with harakat, a syndicated
copy, a feed, and a hostile page whose scripts try to reach the UI.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from catalog import schema, writer
from catalog.db import connect
from catalog.history import Check, record_check, record_page
from catalog.minhash import signature
from catalog.similar import index_and_match
from pipelines.storage import LocalStore, text_key, warc_key
from pipelines.warc import (
    NOT_MODIFIED,
    ClosedWarc,
    Exchange,
    RecordLocation,
    WarcConfig,
    WarcWriter,
)

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
HOSTILE_SCRIPT = """
try { window.parent.document.body.setAttribute('data-pwned', '1'); } catch (e) {}
try { window.parent.pwned = 1; window.top.pwned = 1; } catch (e) {}
try { document.cookie = 'pwned=1; path=/'; } catch (e) {}
try { localStorage.setItem('pwned', '1'); } catch (e) {}
try { window.parent.localStorage.setItem('pwned', '1'); } catch (e) {}
document.title = 'SCRIPT RAN';
document.documentElement.setAttribute('data-ran', '1');
"""
HOSTILE_HTML = ("<!doctype html><html><head><title>Hostile page</title>"
                f"<script>{HOSTILE_SCRIPT}</script></head><body><h1>Hostile page</h1>"
                "<p id='text'>An archived page that tries to escape.</p>"
                "<img src=x onerror=\"document.cookie='pwned2=1'\"></body></html>")
QUSAYR_V1 = ["DAMASCUS, (SANA) - Army units pushed ahead on Thursday in the offensive on "
             "Qusayr, restoring security and stability to several villages in the countryside "
             "of Homs province, a military source said.",
             "The source added that the units dismantled explosive devices planted on the "
             "roads leading to the town, and that engineering teams were clearing the area.",
             "Residents who had left the villages began returning to their homes on Friday "
             "morning, the governor of Homs said during a visit to the area."]
QUSAYR_V2 = [QUSAYR_V1[0].replace("several villages", "eleven villages"), QUSAYR_V1[1],
             "Residents began returning on Friday, the governor said."]
ARABIC = ["حمص-سانا", "واصلت وحدات الجيش عملياتها في مدينة القُصَيْر بريف حمص، وأعادت الأمن "
          "والاستقرار إلى عدد من القرى.", "وقال محافظ حمص إنّ الأهالي بدؤوا العودة إلى منازلهم."]


@dataclass
class BrowseArchive:
    """The archive's location and the ids the tests look up."""

    home: Path
    catalog_url: str
    store_uri: str
    ids: dict[str, int] = field(default_factory=dict)
    captures: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Path:
        return self.home / "store"


class _Builder:
    def __init__(self, home: Path, catalog_url: str | None = None) -> None:
        self.home = home
        self.store = LocalStore(home / "store")
        self.archive = BrowseArchive(home, catalog_url or f"sqlite:///{home / 'catalog.sqlite'}",
                                     self.store.uri)
        self.engine = connect(self.archive.catalog_url)
        self.pending: list[dict[str, Any]] = []
        self.serial = 0

    def run(self, outlet: str, run_id: str, at: datetime, status: str = "ok",
            error: str | None = None) -> WarcWriter:
        writer.start_run(self.engine, {"id": run_id, "outlet": outlet, "trigger": "manual",
                                       "started_at": at, "host": "test", "pid": 1})
        self.run_id, self.outlet, self.status, self.error = run_id, outlet, status, error
        self.serial += 1  # files of several runs may be named in the same second
        return WarcWriter(WarcConfig(self.home / "spool", outlet, hostname="test",
                                     operator="newsvault test suite", run_id=run_id,
                                     serial_start=self.serial),
                          on_close=self._stored)

    def _stored(self, closed: ClosedWarc) -> None:
        with self.engine.begin() as conn:
            writer.add_captures(conn, self.pending)
        self.pending = []
        key = warc_key(self.outlet, closed.filename)
        obj = self.store.put_file(key, closed.path, closed.sha256)
        writer.add_warc_file(self.engine, {
            "filename": closed.filename, "key": key, "run_id": self.run_id,
            "outlet": self.outlet, "size": obj.size, "sha256": obj.sha256,
            "records": closed.records, "etag": None, "status": "stored",
            "stored_at": obj.stored_at})

    def finish(self, w: WarcWriter, stats: dict[str, Any]) -> None:
        w.close()
        writer.finish_run(self.engine, self.run_id, self.status, stats, self.error)

    def note(self, loc: RecordLocation, status: int | None = None, **extra: Any) -> None:
        self.pending.append({
            "record_id": _bare(loc.record_id), "run_id": self.run_id, "outlet": self.outlet,
            "warc_type": loc.warc_type, "target_uri": loc.target_uri,
            "date": datetime.fromisoformat(loc.date.replace("Z", "+00:00")),
            "filename": loc.filename, "offset": loc.offset, "length": loc.length,
            "status": status, "block_digest": loc.block_digest,
            "payload_digest": loc.payload_digest, **extra})

    def fetch(self, w: WarcWriter, url: str, at: datetime, body: bytes,
              status: int = 200) -> tuple[RecordLocation, RecordLocation]:
        ex = _exchange(url, at, body, status)
        req, resp = w.write_exchange(ex)
        self.note(resp, status)
        self.note(req)
        return req, resp


def _bare(record_id: str) -> str:
    return record_id.strip("<>").removeprefix("urn:uuid:")


def _exchange(url: str, at: datetime, body: bytes, status: int,
              headers: tuple[tuple[str, str], ...] = ()) -> Exchange:
    host = url.split("/")[2]
    return Exchange(url, "GET", [("Host", host), ("User-Agent", "newsvault-test")], b"",
                    "HTTP/1.1", status, None,
                    [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"'),
                     *headers], body, "127.0.0.1", at)


def _html(title: str, body: list[str], lang: str = "en") -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in body)
    direction = ' dir="rtl"' if lang == "ar" else ""
    return (f"<!doctype html><html lang='{lang}'{direction}><head><meta charset='utf-8'>"
            f"<title>{title}</title></head><body><h1>{title}</h1>{paras}</body></html>"
            ).encode()


@dataclass(frozen=True)
class Story:
    key: str
    outlet: str
    url: str
    title: str
    body: list[str]
    language: str = "en"
    published: str = "2026-11-19T10:00:00+03:00"


def page(b: _Builder, w: WarcWriter, story: Story, at: datetime, html: bytes | None = None
         ) -> str:
    """Archive one article capture, with its provenance metadata record and text."""
    req, resp = b.fetch(w, story.url, at, html or _html(story.title, story.body,
                                                        story.language))
    capture_id = _bare(resp.record_id)
    article = {"outlet": story.outlet, "canonical_url": story.url, "url": story.url,
               "edition": story.language, "language": story.language, "title": story.title,
               "body": story.body, "published": story.published, "authors": ["Staff"],
               "parser": "test", "flags": [], "section": "Politics", "tags": ["Homs"]}
    doc = json.dumps(article, ensure_ascii=False).encode()
    tkey = text_key(story.outlet, capture_id, at)
    b.store.put_bytes(tkey, doc)
    prov = {"schema": "newsvault-provenance/1", "capture_id": capture_id, "kind": "page",
            "run_id": b.run_id, "trigger": "manual", "outlet": story.outlet,
            "operator": "newsvault test suite", "host": "test",
            "request": {"url": story.url, "method": "GET", "headers": []},
            "response": {"url": story.url, "status": 200, "fetched_at": resp.date,
                         "ip_address": "127.0.0.1", "protocol": "HTTP/1.1"},
            "redirects": [], "retries": [],
            "warc": {"filename": resp.filename, "key": warc_key(story.outlet, resp.filename),
                     "record_id": capture_id, "offset": resp.offset, "length": resp.length,
                     "request_record_id": _bare(req.record_id),
                     "block_digest": resp.block_digest, "payload_digest": resp.payload_digest},
            "payload_sha256": (resp.payload_digest or "").removeprefix("sha256:"),
            "text": {"key": tkey, "sha256": hashlib.sha256(doc).hexdigest()}}
    meta = w.write_metadata(f"urn:newsvault:provenance:{story.url}",
                            json.dumps(prov).encode(), "application/json",
                            concurrent_to=resp.record_id, refers_to=resp.record_id)
    b.note(meta, content_type="application/json", concurrent_to=capture_id)
    with b.engine.begin() as conn:
        article_id = record_page(conn, writer.ArticleCapture(
            article, capture_id, b.run_id, at, 200, tkey, prov["text"]["sha256"],
            prov["payload_sha256"], _bare(meta.record_id), prov,
            datetime.fromisoformat(story.published).astimezone(UTC), etag='"v1"'))
        sig = signature(story.body)
        if sig is not None:
            index_and_match(conn, article_id, story.outlet, sig)
    b.archive.ids[story.key] = article_id
    return capture_id


def check(b: _Builder, w: WarcWriter, story: Story, at: datetime, kind: str,
          original: RecordLocation | None = None) -> str:
    """A re-check: a 304 revisit of ``original``, or a 404 deletion proof."""
    if kind == "revisit" and original is not None:
        ex = _exchange(story.url, at, b"", 304)
        req, loc = w.write_revisit(ex, original, NOT_MODIFIED)
        status = 304
    else:
        req, loc = w.write_exchange(_exchange(story.url, at, b"Not Found", 404))
        status = 404
    b.note(loc, status)
    b.note(req)
    with b.engine.begin() as conn:
        record_check(conn, Check(story.outlet, story.url, kind, at, b.run_id, _bare(
            loc.record_id), story.url, status, {"kind": kind, "capture_id": _bare(
                loc.record_id)}, detail={"status": status}), 3)
    return _bare(loc.record_id)


def build(home: Path, catalog_url: str | None = None) -> BrowseArchive:
    """Write the archive under ``home`` (``store/``, and ``catalog.sqlite`` unless another
    catalog is given, e.g. a PostgreSQL one)."""
    b = _Builder(home, catalog_url)
    qusayr = Story("qusayr", "sana", "https://sana.sy/en/?p=101",
                   "Army pushes ahead with offensive on Qusayr", QUSAYR_V1)
    arabic = Story("arabic", "sana", "https://sana.sy/?p=202",
                   "الجيش يواصل عملياته في القُصَيْر", ARABIC, "ar")
    doomed = Story("deleted", "sana", "https://sana.sy/en/?p=303",
                   "Minister visits the Homs refinery", [
                       "The minister toured the refinery and met its engineers on Tuesday."])
    # Republished after SANA's edit, as edited. (A copy of the first version would share
    # only 54% of its 5-word shingles with the edited text: a pair at the 0.5 threshold's
    # edge, which a MinHash estimate may put on either side.)
    copy = Story("copy", "emirates_voice", "https://www.emiratesvoice.com/en/1/qusayr",
                 "Syrian army advances on Qusayr", QUSAYR_V2)
    hostile = Story("hostile", "emirates_voice", "https://www.emiratesvoice.com/en/2/hostile",
                    "<script>alert('title')</script> Hostile <b>page</b>",
                    ["<img src=x onerror=alert(1)> body text <script>alert(2)</script>"])
    w = b.run("sana", "run-sana-1", T0)
    _, feed = b.fetch(w, "https://sana.sy/en/feed/", T0,
                      b"<rss><channel><title>SANA</title></channel></rss>")
    caps = b.archive.captures
    caps["feed"] = _bare(feed.record_id)
    caps["qusayr_v1"] = page(b, w, qusayr, T0 + timedelta(seconds=1))
    caps["arabic"] = page(b, w, arabic, T0 + timedelta(seconds=2))
    caps["deleted_v1"] = page(b, w, doomed, T0 + timedelta(seconds=3))
    b.finish(w, {"downloader/response_count": 4, "newsvault/articles/stored": 3})
    w = b.run("sana", "run-sana-2", T0 + timedelta(days=1))
    edited = replace(qusayr, body=QUSAYR_V2, title=qusayr.title + " countryside")
    caps["qusayr_v2"] = page(b, w, edited, T0 + timedelta(days=1, seconds=1))
    caps["gone"] = check(b, w, doomed, T0 + timedelta(days=1, seconds=2), "gone")
    b.finish(w, {"downloader/response_count": 2})
    w = b.run("sana", "run-sana-3", T0 + timedelta(days=2))
    caps["revisit"] = check(b, w, qusayr, T0 + timedelta(days=2, seconds=1), "revisit",
                            _location(caps["qusayr_v2"], b))
    b.finish(w, {"downloader/response_count": 1})
    w = b.run("emirates_voice", "run-ev-1", T0 + timedelta(days=1), "failed",
              "could not reach emirates_voice: <b>connection refused</b>")
    caps["copy"] = page(b, w, copy, T0 + timedelta(days=1, seconds=5))
    caps["hostile"] = page(b, w, hostile, T0 + timedelta(days=1, seconds=6),
                           HOSTILE_HTML.encode())
    b.finish(w, {"downloader/response_count": 2, "log_count/ERROR": 1})
    return b.archive


def _location(latest: str, b: _Builder) -> RecordLocation:
    """The latest full capture as a revisit target (what the crawler refers a 304 to)."""
    with b.engine.connect() as conn:
        row = conn.execute(select(schema.captures).where(
            schema.captures.c.record_id == latest)).one()
    return RecordLocation(row.filename, row.offset, row.length, f"<urn:uuid:{latest}>",
                          "response", row.date.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                          row.target_uri, row.block_digest, row.payload_digest)
