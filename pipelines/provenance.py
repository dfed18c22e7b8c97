"""ProvenancePipeline (300): who fetched what, when, from where, with which digests.

The document follows ``docs/provenance.schema.json``. It is written into the WARC as a
``metadata`` record concurrent to the response it describes, so the evidence and its
provenance travel together even without the catalog.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime
from functools import cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

import scrapy

from crawler.items import PageItem
from crawler.recordid import bare_id
from crawler.run import Run
from newsvault import __version__
from pipelines.extract import EXTRACTOR_VERSION
from pipelines.storage import text_key, warc_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

SCHEMA = "newsvault-provenance/1"
PROVENANCE_URN = "urn:newsvault:provenance:"


@cache  # importlib.metadata re-reads METADATA on every call; once per process will do
def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def iso(when: datetime) -> str:
    """UTC with microseconds and a Z, like WARC-Date."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def text_section(item: PageItem, capture_id: str, fetched_at: datetime) -> dict[str, Any] | None:
    """Where the capture's cleaned text is, and how it was made (None: no new text)."""
    if item.text_json is None or item.article is None:
        return None
    return {"key": text_key(item.outlet, capture_id, fetched_at),
            "sha256": item.extra.get("text_sha256") or hashlib.sha256(item.text_json).hexdigest(),
            "extractor": "newsvault", "extractor_version": EXTRACTOR_VERSION,
            "parser": item.article.get("parser"), "methods": item.article.get("methods", {})}


def build(run: Run, item: PageItem) -> dict[str, Any]:
    """The provenance document of one article capture."""
    cap, info = item.capture, run.info
    assert cap is not None and item.page is not None
    resp, req = cap["response"], cap["request"]
    capture_id = bare_id(resp.record_id)
    previous = item.previous
    return {
        "schema": SCHEMA,
        "capture_id": capture_id,
        "kind": item.kind,  # page | revisit | gone | miss
        "previous_capture": previous.capture_id if previous else None,
        "check": item.detail or None,
        "run_id": info.run_id, "trigger": info.trigger,
        "outlet": item.outlet, "edition": item.edition,
        "spider": {"name": item.outlet, "version": info.spider_version},
        "software": {"newsvault": __version__, "scrapy": scrapy.__version__,
                     "warcio": _version("warcio"),
                     "python": platform.python_version()},
        "operator": run.config.operator, "host": run.config.host,
        "request": {"url": item.requested_url, "method": "GET",
                    "headers": [list(h) for h in cap["request_headers"]]},
        "response": {"url": item.page.url, "status": item.page.status,
                     "fetched_at": iso(cap["fetched_at"]), "ip_address": cap["ip_address"],
                     "protocol": cap["protocol"], "tls": cap["tls"],
                     "truncated": cap["truncated"]},
        # Earlier exchanges of this fetch: redirects followed, and attempts that were retried
        # (a 503 before the 200). Each is archived; record_id finds it.
        "redirects": [h for h in item.hops[:-1] if 300 <= h["status"] < 400],
        "retries": [h for h in item.hops[:-1] if not 300 <= h["status"] < 400],
        "proxy": info.proxy,
        "robots": item.robots,
        "discovered_from": item.source,
        "warc": {"filename": resp.filename, "key": warc_key(item.outlet, resp.filename),
                 "record_id": capture_id, "offset": resp.offset, "length": resp.length,
                 "request_record_id": bare_id(req.record_id),
                 "block_digest": resp.block_digest, "payload_digest": resp.payload_digest},
        # The archived payload (Content-Encoding still applied) and the decoded content
        # that the text was extracted from.
        "payload_sha256": (resp.payload_digest or "").removeprefix("sha256:"),
        "content_sha256": (item.extra.get("content_sha256")  # the extraction worker's
                           or hashlib.sha256(item.page.body).hexdigest()),
        "text": text_section(item, capture_id, cap["fetched_at"]),
    }


class ProvenancePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProvenancePipeline:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        if item.capture is None:
            return item  # nothing was archived (no answer), so there is nothing to describe
        run = Run.of(self.crawler)
        doc = build(run, item)
        assert item.page is not None
        payload = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")
        assert run.writer is not None
        resp = item.capture["response"]
        # Not the page's own URI: replay tools (pywb) index metadata records by their
        # target URI and could serve the provenance instead of the page. The record points
        # at its response with WARC-Concurrent-To and WARC-Refers-To instead.
        loc = run.writer.write_metadata(target_uri=f"{PROVENANCE_URN}{item.page.url}",
                                        payload=payload, content_type="application/json",
                                        concurrent_to=resp.record_id,
                                        refers_to=resp.record_id)
        run.record(loc, content_type="application/json", concurrent_to=bare_id(resp.record_id))
        item.extra["provenance"] = doc
        item.extra["provenance_json"] = payload  # stored beside the text, byte for byte
        item.extra["metadata_record"] = bare_id(loc.record_id)
        return item
