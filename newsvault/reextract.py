"""Re-extraction: cleaned text and versions rebuilt from the stored WARC records.

Nothing touches the network and no WARC byte is rewritten: each capture's response record is
read back at its catalog location, decoded, and extracted with the current parsers. A text
that comes out different is stored as a new document beside the old one.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select, update
from warcio.archiveiterator import ArchiveIterator

from catalog import schema
from catalog.db import connect
from catalog.history import Step, rebuild_versions
from catalog.writer import index_text
from crawler.spiders import registry
from newsvault.config import Config
from pipelines.extract import EXTRACTOR_VERSION, extract
from pipelines.extract.job import text_document
from pipelines.extract.model import Page
from pipelines.storage import Store, store_from_uri, warc_key

A, C, R = schema.articles, schema.article_captures, schema.captures


def read_page(store: Store, outlet: str, record: Any) -> Page:
    """The response record at its catalog location, as extraction sees it."""
    data = store.read_range(warc_key(outlet, record.filename), record.offset, record.length)
    rec = next(iter(ArchiveIterator(io.BytesIO(data))))
    http = rec.http_headers
    return Page(url=rec.rec_headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode()), headers=tuple(http.headers),
                body=rec.content_stream().read(),  # Content-Encoding decoded, as Scrapy did
                fetched_at=datetime.fromisoformat(
                    rec.rec_headers.get_header("WARC-Date").replace("Z", "+00:00")))


def reextract_capture(store: Store, article: Any, cap: Any, record: Any,
                      parsers: list[type]) -> tuple[dict[str, Any], str, bool]:
    """(text, text key, changed) for one capture."""
    old = json.loads(store.get_bytes(cap.text_key)) if cap.text_key else {}
    page = read_page(store, article.outlet, record)
    text = extract(page, article.outlet, old.get("edition", article.edition),
                   old.get("language", article.language), article.canonical_url,
                   parsers).to_dict()
    doc = text_document(text)
    digest = hashlib.sha256(doc).hexdigest()
    if digest == cap.text_sha256:
        return text, cap.text_key, False
    stem = (cap.text_key or "").removesuffix(".json")
    key = store.put_bytes(f"{stem}.x{EXTRACTOR_VERSION}-{digest[:12]}.json", doc).key
    return text, key, True


def reextract_article(engine: Engine, store: Store, article: Any,
                      parsers: list[type]) -> tuple[int, int, int]:
    """(captures, changed, versions) after re-extracting one article."""
    with engine.begin() as conn:
        caps = conn.execute(select(C, R.c.filename, R.c.offset, R.c.length)
                            .join(R, R.c.record_id == C.c.capture_id)
                            .where(C.c.article_id == article.id)
                            .order_by(C.c.fetched_at)).all()
        steps, changed, last = [], 0, None
        for cap in caps:
            if cap.kind != "response":
                steps.append(Step(cap.capture_id, cap.fetched_at, cap.kind))
                continue
            text, key, was_changed = reextract_capture(store, article, cap, cap, parsers)
            changed += was_changed
            if was_changed:
                conn.execute(update(C).where(C.c.capture_id == cap.capture_id).values(
                    text_key=key, text_sha256=hashlib.sha256(text_document(text)).hexdigest()))
            steps.append(Step(cap.capture_id, cap.fetched_at, "response", text.get("title"),
                              tuple(text.get("body") or ()), key))
            last = text
        versions = rebuild_versions(conn, article.id, steps)
        if last is not None:
            body = "\n\n".join(last.get("body") or [])
            conn.execute(update(A).where(A.c.id == article.id).values(
                title=last.get("title"), body=body, dateline=last.get("dateline"),
                editor_initials=last.get("editor_initials"), parser=last.get("parser"),
                authors=last.get("authors"), tags=last.get("tags"), flags=last.get("flags")))
            index_text(conn, article.id, last.get("title") or "", body)
    return len(caps), changed, versions


def reextract_all(config: Config, outlet: str | None) -> dict[str, int]:
    engine, store = connect(config.catalog_url), store_from_uri(config.storage_uri)
    spiders = registry()
    query = select(A)
    if outlet:
        query = query.where(A.c.outlet == outlet)
    with engine.connect() as conn:
        articles = conn.execute(query.order_by(A.c.id)).all()
    totals = {"articles": 0, "captures": 0, "changed": 0, "versions": 0}
    for article in articles:
        parsers = list(spiders[article.outlet].parsers) if article.outlet in spiders else []
        caps, changed, versions = reextract_article(engine, store, article, parsers)
        totals["articles"] += 1
        totals["captures"] += caps
        totals["changed"] += changed
        totals["versions"] += versions
    return totals
