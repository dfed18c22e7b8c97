"""Archived records read back from the store at their catalog location.

Replay, downloads and exports all start here: the catalog says where a record's gzip member
lives (file, offset, length), the store hands back exactly those bytes (a range read, so an
S3 store never downloads a whole file), and warcio parses the member.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from warcio.archiveiterator import ArchiveIterator

from catalog import schema
from pipelines.storage import Store, warc_key

R, W = schema.captures, schema.warc_files
WARCINFO_PROBE = 65536  # a warcinfo record is a few hundred bytes; this is ample


@dataclass(frozen=True)
class RecordRef:
    """Where one WARC record lives: its file's store key, offset and length."""

    record_id: str
    outlet: str
    warc_type: str
    target_uri: str | None
    date: datetime
    filename: str
    key: str
    offset: int
    length: int
    block_digest: str | None = None
    payload_digest: str | None = None


@dataclass(frozen=True)
class ArchivedRecord:
    """One parsed record: WARC headers, HTTP status line and headers, and the payload with
    its Content-Encoding decoded (``payload_decoded`` says whether decoding happened)."""

    warc_headers: tuple[tuple[str, str], ...]
    http_protocol: str | None
    http_status: int | None
    http_reason: str | None
    http_headers: tuple[tuple[str, str], ...]
    payload: bytes
    payload_decoded: bool

    def warc(self, name: str) -> str | None:
        """A WARC header's value (case-insensitive), or None."""
        return _header(self.warc_headers, name)

    def http(self, name: str) -> str | None:
        """An HTTP header's value (case-insensitive), or None."""
        return _header(self.http_headers, name)


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers if k.lower() == lowered), None)


def bare_id(record_id: str | None) -> str | None:
    """``<urn:uuid:X>`` -> ``X``, the catalog's form of a record id."""
    return record_id.strip("<>").removeprefix("urn:uuid:") if record_id else None


def refs(conn: Connection, record_ids: Iterable[str]) -> dict[str, RecordRef]:
    """The locations of the given records (unknown ids are left out)."""
    ids = list(dict.fromkeys(record_ids))
    found: dict[str, RecordRef] = {}
    for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
        rows = conn.execute(select(R, W.c.key).outerjoin(W, W.c.filename == R.c.filename)
                            .where(R.c.record_id.in_(ids[start:start + 500])))
        found.update((row.record_id, ref_from_row(row)) for row in rows)
    return found


def ref_from_row(row: Any) -> RecordRef:
    """A RecordRef from a ``captures`` row (joined with ``warc_files.key`` when known)."""
    return ref_from_mapping(row._mapping)


def ref_from_mapping(values: Mapping[str, Any]) -> RecordRef:
    """A RecordRef from ``captures`` columns (plus ``key`` when the file is registered)."""
    key = values.get("key") or warc_key(values["outlet"], values["filename"])
    return RecordRef(values["record_id"], values["outlet"], values["warc_type"],
                     values["target_uri"], values["date"], values["filename"], key,
                     int(values["offset"]), int(values["length"]),
                     values.get("block_digest"), values.get("payload_digest"))


def read_member(store: Store, ref: RecordRef) -> bytes:
    """The record's gzip member, byte for byte as archived."""
    return store.read_range(ref.key, ref.offset, ref.length)


def parse(member: bytes) -> ArchivedRecord:
    """Parse one record's bytes; the payload's Content-Encoding is decoded when possible
    (a body archived truncated may not decode: then the raw payload is returned)."""
    head = parse_head(member)
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    raw = record.raw_stream.read()
    if not head.http("Content-Encoding"):
        return replace(head, payload=raw)
    try:
        again = next(iter(ArchiveIterator(io.BytesIO(member))))
        return replace(head, payload=again.content_stream().read(), payload_decoded=True)
    except Exception:  # a truncated or unknown encoding: keep the bytes as archived
        return replace(head, payload=raw)


def parse_head(member: bytes) -> ArchivedRecord:
    """The record's WARC and HTTP headers only (the payload is left empty): what an index
    line needs, without inflating the body."""
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    warc_headers = tuple(record.rec_headers.headers)
    http = record.http_headers
    if http is None or record.rec_type not in ("response", "revisit"):
        return ArchivedRecord(warc_headers, None, None, None, (), b"", False)
    code, _, reason = (http.statusline or "").partition(" ")
    return ArchivedRecord(warc_headers, http.protocol or None,
                          int(code) if code.isdigit() else None, reason or None,
                          tuple(http.headers), b"", False)


def warcinfo_ref(store: Store, filename: str, key: str, outlet: str) -> RecordRef | None:
    """The warcinfo record that opens a stored file (the catalog does not index it): its
    length is found by inflating the first gzip member."""
    head = store.read_range(key, 0, WARCINFO_PROBE)
    inflater = zlib.decompressobj(wbits=31)
    try:
        inflater.decompress(head)
    except zlib.error:
        return None
    if not inflater.eof:
        return None
    length = len(head) - len(inflater.unused_data)
    record = parse(head[:length])
    if (record.warc("WARC-Type") or "") != "warcinfo":
        return None
    date = datetime.fromisoformat((record.warc("WARC-Date") or "").replace("Z", "+00:00"))
    return RecordRef(bare_id(record.warc("WARC-Record-ID")) or filename, outlet, "warcinfo",
                     None, date, filename, key, 0, length, record.warc("WARC-Block-Digest"))
