"""Build WARC/1.1 records with warcio's RecordBuilder, SHA-256 digests, one gzip member each.

warcio's writer hard-codes SHA-1 (base32) digests, gzip level 9, and percent-encodes non-ASCII
HTTP header values. We keep its RecordBuilder (record ids, WARC headers, revisit profile,
digest plumbing) and change three things: digests are ``sha256:<lowercase hex>`` (equal to
``sha256sum``; warcio's reader verifies hex), HTTP header blocks are kept as the exact bytes built
in `httpblock`, and each record is compressed here into one gzip member whose deflate stream has
two parts: the headers at ``level``, then the payload at ``level`` or stored (level 0) when it
is compressed already. Both parts form one ordinary gzip member that any reader inflates.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester

try:  # ISA-L deflate is 4-6x faster than zlib at levels 1-3 with a similar ratio. A
    # dependency; the fallback is for a platform without its wheels.
    from isal import isal_zlib

    _fast_zlib: Any = isal_zlib
except ImportError:  # pragma: no cover - depends on the environment
    _fast_zlib = None

WARC_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
HTTP_CONTENT_TYPES = {
    "request": "application/http;msgtype=request",
    "response": "application/http;msgtype=response",
    "revisit": "application/http;msgtype=response",
}
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no mtime, OS unknown
_TRAILER = b"\r\n\r\n"
_SMALL = 4096  # a payload this small shares the headers' compressor
_FIRST = ("warc-type", "warc-record-id", "warc-date", "warc-target-uri")
_LAST = ("warc-payload-digest", "warc-block-digest", "content-type", "content-length")


def _header_rank(pair: tuple[str, str]) -> int:
    """Identity first, digests and framing last, the rest in the order added."""
    name = pair[0].lower()
    if name in _FIRST:
        return _FIRST.index(name)
    return 10 + _LAST.index(name) if name in _LAST else 5


class Sha256Digester(Digester):
    """warcio digester that writes ``sha256:<lowercase hex>``."""

    def __init__(self) -> None:
        super().__init__("sha256")

    def __str__(self) -> str:
        return "sha256:" + str(self.digester.hexdigest())


class Builder(RecordBuilder):
    """warcio's RecordBuilder, WARC/1.1, SHA-256."""

    WARC_VERSION = RecordBuilder.WARC_1_1

    @staticmethod
    def _create_digester() -> Sha256Digester:
        return Sha256Digester()


class RawHttpHeaders(StatusAndHeaders):
    """An HTTP header block kept as the exact bytes given (warcio would re-encode it)."""

    def __init__(self, block: bytes) -> None:
        first_line = block.split(b"\r\n", 1)[0].decode("latin-1")
        super().__init__(first_line, [], protocol="")
        self.headers_buff = block

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        """Keep the bytes we were given."""


@dataclass(frozen=True)
class RecordSpec:
    """Everything about one record before it is built (internal to the writer)."""

    warc_type: str
    target_uri: str | None
    date: str
    content_type: str
    warc_headers: tuple[tuple[str, str], ...]
    http_block: bytes | None = None
    body: bytes = b""
    body_level: int | None = None  # None: same level as the headers; 0: stored


@dataclass(frozen=True)
class Built:
    """A record serialized into its gzip member, with what a RecordLocation needs."""

    member: bytes
    record_id: str
    warc_type: str
    date: str
    target_uri: str | None
    block_digest: str
    payload_digest: str | None


def warc_date(when: datetime | None = None) -> str:
    """WARC-Date in UTC with microseconds; ``when`` must be timezone-aware."""
    when = when or datetime.now(UTC)
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{when!r} has no timezone; pass an aware datetime (UTC)")
    return when.astimezone(UTC).strftime(WARC_DATE_FORMAT)


def new_record_id() -> str:
    """A fresh ``<urn:uuid:...>`` record id."""
    return str(RecordBuilder._make_warc_id())


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return "sha256:" + digest.hexdigest()


def build(builder: Builder, spec: RecordSpec, level: int, revisit_of: Any = None) -> Built:
    """Build one record with warcio and compress it into a single gzip member.

    Digests are computed here in one pass each (warcio's builder would stream the payload
    through its digesters twice), then handed to warcio, which keeps them.
    """
    http = RawHttpHeaders(spec.http_block) if spec.http_block is not None else None
    block = spec.http_block or b""
    body = b"" if revisit_of is not None else spec.body
    first = dict(spec.warc_headers[:3])  # WARC-Type, WARC-Record-ID, WARC-Date
    first["WARC-Block-Digest"] = _sha256(block, body)
    if revisit_of is not None:
        record = builder.create_revisit_record(
            spec.target_uri, revisit_of.payload_digest, revisit_of.target_uri or "",
            revisit_of.date, http_headers=http, warc_headers_dict=first)
    else:
        if spec.warc_type not in builder.NO_PAYLOAD_DIGEST_TYPES:
            first["WARC-Payload-Digest"] = _sha256(spec.body)
        record = builder.create_warc_record(
            spec.target_uri or "", spec.warc_type, warc_content_type=spec.content_type,
            warc_headers_dict=first, http_headers=http)
    headers = record.rec_headers
    for name, value in spec.warc_headers[3:]:
        if name == "WARC-Profile":  # warcio sets one already; ours says which
            headers.replace_header(name, value)
        else:
            headers.add_header(name, value)
    headers.replace_header("Content-Type", spec.content_type)
    headers.replace_header("Content-Length", str(len(block) + len(body)))
    headers.headers.sort(key=_header_rank)
    head = headers.to_bytes(encoding="utf-8") + block
    body_level = level if spec.body_level is None else spec.body_level
    return Built(
        member=gzip_member(head, body + _TRAILER, level, body_level),
        record_id=headers.get_header("WARC-Record-ID"), warc_type=spec.warc_type,
        date=spec.date, target_uri=spec.target_uri, block_digest=first["WARC-Block-Digest"],
        payload_digest=headers.get_header("WARC-Payload-Digest"),
    )


def _b32(value: str) -> bytes:
    return base64.b32decode(value.upper() + "=" * (-len(value) % 8))


_DECODERS: tuple[Callable[[str], bytes], ...] = (
    bytes.fromhex, _b32, base64.b64decode, base64.urlsafe_b64decode)


def digest_bytes(digest: str) -> tuple[str, bytes]:
    """Split ``algo:value`` and decode the value (hex, base32 or base64) to the raw digest."""
    algo, sep, value = digest.strip().partition(":")
    if not sep:
        raise ValueError(f"digest {digest!r} is not 'algorithm:value'")
    algo = algo.lower()
    size = hashlib.new(algo).digest_size
    for decode in _DECODERS:
        try:
            raw = decode(value)
        except (ValueError, binascii.Error):
            continue
        if len(raw) == size:
            return algo, raw
    raise ValueError(f"cannot decode digest {digest!r} as hex, base32 or base64")


def _deflater(level: int) -> Any:
    if _fast_zlib is not None and 1 <= level <= 3:
        return _fast_zlib.compressobj(level, _fast_zlib.DEFLATED, -15)
    return zlib.compressobj(level, zlib.DEFLATED, -15)


def _stored(data: bytes) -> bytes:
    """Deflate stored blocks ending with the final block (needs a byte-aligned stream)."""
    view, parts = memoryview(data), list[bytes | memoryview]()
    for start in range(0, max(len(data), 1), 0xFFFF):
        chunk = view[start:start + 0xFFFF]
        final = start + 0xFFFF >= len(data)
        parts += [struct.pack("<BHH", final, len(chunk), len(chunk) ^ 0xFFFF), chunk]
    return b"".join(parts)


def gzip_member(head: bytes, tail: bytes, head_level: int, tail_level: int) -> bytes:
    """One gzip member: ``head`` deflated at ``head_level`` and sync-flushed (byte-aligned, not
    final), then ``tail`` deflated at ``tail_level`` or, at level 0, in stored blocks."""
    # A 4 KiB window suffices for headers and makes the compressor ~15x cheaper to set up.
    first = zlib.compressobj(head_level, zlib.DEFLATED, -12, 6)
    crc = zlib.crc32(tail, zlib.crc32(head))
    size = (len(head) + len(tail)) & 0xFFFFFFFF
    parts: tuple[bytes, ...]
    if tail_level == 0:
        parts = (first.compress(head), first.flush(zlib.Z_SYNC_FLUSH), _stored(tail))
    elif len(tail) <= _SMALL:
        parts = (first.compress(head), first.compress(tail), first.flush(zlib.Z_FINISH))
    else:
        second = _deflater(tail_level)
        parts = (first.compress(head), first.flush(zlib.Z_SYNC_FLUSH),
                 second.compress(tail), second.flush(zlib.Z_FINISH))
    return b"".join((_GZIP_HEADER, *parts, struct.pack("<II", crc, size)))
