"""Local digests that an upload is confirmed against.

S3 reports a SHA-256 checksum of a single-part object as the base64 digest of the whole
object, and of a multipart object as a *composite*: the digest of the concatenated part
digests, followed by ``-<parts>`` (the same scheme as a multipart ETag, with MD5). So the
full-file digest (what the catalog records) and the part digests (what the server reports)
are computed together, in one read of the file.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from s3transfer.utils import ChunksizeAdjuster

READ = 1 << 20
_MD5_ETAG = re.compile(r"^[0-9a-f]{32}(-\d+)?$")


def b64(digest: bytes) -> str:
    """A raw digest in the base64 form S3 uses in checksum headers."""
    return base64.b64encode(digest).decode("ascii")


def part_size(size: int, multipart_bytes: int) -> int | None:
    """The part size boto3's transfer manager will use for a file of ``size`` bytes, or
    None when it uploads the file in one request (below the multipart threshold)."""
    if size < multipart_bytes:
        return None
    return int(ChunksizeAdjuster().adjust_chunksize(multipart_bytes, size))


@dataclass(frozen=True)
class LocalDigest:
    """A file's size and SHA-256, with the SHA-256 of each upload part when multipart."""

    size: int
    sha256: str  # hex of the whole file
    parts: tuple[bytes, ...] = ()  # raw SHA-256 of each part; empty for a single PUT

    @property
    def sha256_b64(self) -> str:
        """The whole-file digest as base64 (S3's ``ChecksumSHA256`` of a single PUT)."""
        return b64(bytes.fromhex(self.sha256))

    @property
    def s3_checksum(self) -> str:
        """What S3 reports as ``ChecksumSHA256`` for this file uploaded the same way."""
        if not self.parts:
            return self.sha256_b64
        return f"{b64(hashlib.sha256(b''.join(self.parts)).digest())}-{len(self.parts)}"


def _chunks(path: Path, size: int) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while block := fh.read(size):
            yield block


def digest_bytes(data: bytes) -> LocalDigest:
    """The digest of a document uploaded in one request."""
    return LocalDigest(len(data), hashlib.sha256(data).hexdigest())


def digest_file(path: Path, part: int | None) -> LocalDigest:
    """Whole-file SHA-256, and each part's SHA-256 when ``part`` is a part size."""
    whole, parts, size = hashlib.sha256(), [], 0
    for block in _chunks(path, part or READ):
        whole.update(block)
        size += len(block)
        if part:
            parts.append(hashlib.sha256(block).digest())
    return LocalDigest(size, whole.hexdigest(), tuple(parts))


def is_md5_etag(etag: str | None) -> bool:
    """An ETag that is an MD5 (single PUT) or an MD5 of part MD5s (multipart). Encrypted
    objects (SSE-KMS, SSE-C) and some services use opaque ETags instead."""
    return bool(etag) and bool(_MD5_ETAG.match(etag.strip('"')))  # type: ignore[union-attr]


def md5_etag(source: Path | bytes, part: int | None) -> str:
    """The ETag S3 computes for these bytes uploaded with this part size."""
    if isinstance(source, bytes):
        return hashlib.md5(source, usedforsecurity=False).hexdigest()
    if not part:
        whole = hashlib.md5(usedforsecurity=False)
        for block in _chunks(source, READ):
            whole.update(block)
        return whole.hexdigest()
    parts = [hashlib.md5(b, usedforsecurity=False).digest() for b in _chunks(source, part)]
    return f"{hashlib.md5(b''.join(parts), usedforsecurity=False).hexdigest()}-{len(parts)}"
