"""CDXJ index lines, as pywb and ReplayWeb.page read them, and WACZ's compressed form.

Lines are built from the records themselves (status and media type come from the archived
HTTP headers) with the same fields and URL keys as ``cdxj-indexer``, so an index exported
from the catalog can stand in for one that pywb's ``wb-manager`` would have built.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import surt

from catalog.records import ArchivedRecord

INDEXED = ("response", "revisit", "resource", "metadata")  # cdxj-indexer's defaults
BLOCK_LINES = 1024  # lines per gzip block of a compressed index (archiveweb.page's size)
_SPACE = re.compile(r"[;\s]")


def url_key(url: str) -> str:
    """The SURT form pywb sorts and looks up by (the URL itself when it cannot be parsed)."""
    try:
        return str(surt.surt(url))
    except Exception:  # surt rejects a few exotic URLs; cdxj-indexer keeps them verbatim
        return url


def timestamp(warc_date: str) -> str:
    """``2026-11-22T03:45:14.5Z`` -> ``20261122034514``."""
    return re.sub(r"\D", "", warc_date)[:14]


def line(record: ArchivedRecord, filename: str, offset: int, length: int) -> str | None:
    """The CDXJ line of one record in ``filename`` at ``offset``, or None for records a
    replay index leaves out (requests, warcinfo, warc-fields metadata)."""
    kind = record.warc("WARC-Type") or ""
    uri = record.warc("WARC-Target-URI")
    if kind not in INDEXED or not uri:
        return None
    if kind in ("resource", "metadata") and record.warc("Content-Type") == \
            "application/warc-fields":
        return None
    if kind == "revisit":
        mime: str | None = "warc/revisit"
    elif kind == "response":
        mime = record.http("Content-Type")
    else:
        mime = record.warc("Content-Type")
    fields: dict[str, str] = {"url": uri}
    if mime:
        fields["mime"] = _SPACE.split(mime, 1)[0].strip()
    if record.http_status is not None:
        fields["status"] = str(record.http_status)
    digest = record.warc("WARC-Payload-Digest")
    if digest:
        fields["digest"] = digest
    fields |= {"length": str(length), "offset": str(offset), "filename": filename}
    return f"{url_key(uri)} {timestamp(record.warc('WARC-Date') or '')} {json.dumps(fields)}"


def sort_lines(lines: Iterable[str]) -> list[str]:
    """CDXJ order: by URL key, then timestamp (plain string order, as pywb expects)."""
    return sorted(lines)


@dataclass(frozen=True)
class CompressedIndex:
    """A WACZ index: ``index.cdx.gz`` (gzip blocks of lines) and ``index.idx`` (the first
    line of each block with its offset, length and SHA-256)."""

    cdx_gz: bytes
    idx: bytes


def compress(lines: list[str], name: str = "index.cdx.gz") -> CompressedIndex:
    """Split sorted lines into independently gzipped blocks, as py-wacz does."""
    blocks, idx = [], [json.dumps({"format": "cdxj-gzip-1.0", "filename": name})]
    offset = 0
    for start in range(0, len(lines), BLOCK_LINES):
        chunk = lines[start:start + BLOCK_LINES]
        data = gzip.compress("".join(f"{x}\n" for x in chunk).encode("utf-8"), mtime=0)
        key, ts = chunk[0].split(" ", 2)[:2]
        idx.append(f"{key} {ts} " + json.dumps({
            "offset": offset, "length": len(data),
            "digest": "sha256:" + hashlib.sha256(data).hexdigest()}))
        blocks.append(data)
        offset += len(data)
    header = "!meta 0 " + idx[0]
    body = "".join(f"{x}\n" for x in [header, *idx[1:]])
    return CompressedIndex(b"".join(blocks), body.encode("utf-8"))
