"""Reading a crawl's results back with independent tools: warcio, the catalog, the store."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from warcio.archiveiterator import ArchiveIterator


@dataclass
class Record:
    type: str
    id: str
    uri: str | None
    headers: dict[str, str]
    status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes
    file: str
    offset: int


def read_warcs(store: Path) -> list[Record]:
    """Every record of every stored WARC, digests checked by warcio as it reads."""
    records = []
    for path in sorted(store.glob("warc/*/*/*/*.warc.gz")):
        with path.open("rb") as fh:
            it = ArchiveIterator(fh, check_digests="raise")
            for rec in it:
                # raw_stream: the payload as stored (content_stream() would decode gzip)
                payload = rec.raw_stream.read() if rec.rec_type != "revisit" else b""
                http = rec.http_headers
                records.append(Record(
                    rec.rec_type, rec.rec_headers.get_header("WARC-Record-ID"),
                    rec.rec_headers.get_header("WARC-Target-URI"),
                    dict(rec.rec_headers.headers), int(http.get_statuscode())
                    if http is not None and rec.rec_type in ("response", "revisit") else None,
                    list(http.headers) if http is not None else [], payload, path.name,
                    it.get_record_offset()))
    return records


def content(rec: Record) -> bytes:
    """A response's payload with its Content-Encoding undone, by the standard library."""
    body = rec.payload
    codings = [c.strip().lower() for name, value in rec.http_headers
               if name.lower() == "content-encoding" for c in value.split(",")]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            body = gzip.decompress(body)
        elif coding == "deflate":
            body = zlib.decompress(body)
        elif coding not in ("", "identity"):
            raise AssertionError(f"{rec.uri}: no decoder here for {coding!r}")
    return body


def warcio_check(store: Path) -> subprocess.CompletedProcess[str]:
    files = [str(p) for p in sorted(store.glob("warc/*/*/*/*.warc.gz"))]
    assert files, f"no WARC files under {store}"
    return subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", *files],
                          capture_output=True, text=True, check=False)


def rows(catalog_url: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    engine = create_engine(catalog_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def provenance(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else value
