"""Object storage behind one small interface: a local directory or an S3 bucket.

Keys follow DESIGN.md: ``warc/<outlet>/<yyyy>/<mm>/<file>`` and
``text/<outlet>/<yyyy>/<mm>/<capture_id>.json`` (with ``<capture_id>.provenance.json``
beside it). Stores are write-once: putting a key that exists with other bytes is an error,
never an overwrite, because archived bytes are evidence.

The crawl never writes to a store directly: `pipelines.store.spool.SpooledStore` writes to
a local spool first and uploads from there (see that module).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from pipelines.store.options import S3Options

MAX_KEY_LENGTH = 512
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class StoreError(Exception):
    """A store refused or failed an operation; the message names the key and the fix."""


class SpoolCorrupt(StoreError):
    """The local copy no longer has the SHA-256 recorded when it was written."""


@dataclass(frozen=True)
class StoredObject:
    """An object confirmed in a store. ``verified_by`` says how the store's copy was
    confirmed: ``local`` (re-hashed on disk), ``sha256`` (the server's SHA-256 checksum),
    ``etag`` (size and MD5 ETag) or ``readback`` (downloaded and re-hashed)."""

    key: str
    size: int
    sha256: str  # lowercase hex
    etag: str | None
    stored_at: datetime
    verified_by: str | None = None
    retain_until: datetime | None = None  # S3 Object Lock retention, when configured


@dataclass(frozen=True)
class ObjectInfo:
    """What a store says about an object without reading it (a HEAD or a stat)."""

    key: str
    size: int
    etag: str | None = None
    sha256: str | None = None  # hex, from the object's metadata when the store keeps it
    checksum_sha256: str | None = None  # the server's own checksum (base64, "-N" if composite)


class Store(Protocol):
    """Where archived bytes live. Implementations: LocalStore and S3Store
    (`pipelines.store.s3`); `pipelines.store.spool.SpooledStore` wraps either."""

    uri: str

    def put_file(self, key: str, path: Path, sha256: str | None = None) -> StoredObject:
        """Store a closed file and remove it once the stored copy is confirmed. With
        ``sha256`` (hex), a source that no longer has that digest raises SpoolCorrupt."""
        ...

    def put_bytes(self, key: str, data: bytes) -> StoredObject: ...
    def get_bytes(self, key: str) -> bytes: ...
    def read_range(self, key: str, offset: int, length: int) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def keys(self, prefix: str = "") -> Iterator[str]: ...
    def stat(self, key: str) -> ObjectInfo | None: ...
    def download(self, key: str, path: Path) -> None: ...


def key_segment(value: str, limit: int = 120) -> str:
    """One safe path segment: no separators, dots-only names or control characters."""
    cleaned = _UNSAFE.sub("_", value).strip("._") or "_"
    return cleaned[:limit]


def safe_key(*segments: str) -> str:
    """Join sanitised segments; the result cannot escape its prefix and is bounded."""
    key = "/".join(key_segment(s) for s in segments)
    if len(key) > MAX_KEY_LENGTH:
        raise StoreError(f"key too long ({len(key)} > {MAX_KEY_LENGTH}): {key[:80]}...")
    return key


def warc_key(outlet: str, filename: str) -> str:
    """``warc/<outlet>/<yyyy>/<mm>/<file>``; the month comes from the file's name
    (``<outlet>-<yyyymmddHHMMSS>-<serial>-<host>.warc.gz``), so the key is known from the
    moment the file is opened."""
    stamp = re.search(r"-(\d{4})(\d{2})\d{8}-\d+-", filename)
    if stamp is None:
        raise StoreError(f"not a newsvault WARC file name: {filename!r}")
    return safe_key("warc", outlet, stamp.group(1), stamp.group(2), filename)


def text_key(outlet: str, capture_id: str, when: datetime) -> str:
    """``text/<outlet>/<yyyy>/<mm>/<capture_id>.json``: the cleaned text document."""
    return safe_key("text", outlet, f"{when:%Y}", f"{when:%m}", f"{capture_id}.json")


def provenance_key(text: str) -> str:
    """The provenance document stored beside a text document: ``<capture_id>.provenance.json``."""
    if not text.endswith(".json") or text.endswith(".provenance.json"):
        raise StoreError(f"not a text document key: {text!r}")
    return text.removesuffix(".json") + ".provenance.json"


def check_key(key: str) -> str:
    """A key as given to a store: relative, no empty, ``.`` or ``..`` segments, no control
    characters, bounded. Keys built by `safe_key` always pass."""
    parts = key.split("/")
    if (not key or len(key) > MAX_KEY_LENGTH or any(p in ("", ".", "..") for p in parts)
            or not key.isprintable()):
        raise StoreError(f"unsafe key {key[:80]!r}: keys are relative, printable, at most "
                         f"{MAX_KEY_LENGTH} characters and never contain '..'; build them "
                         "with pipelines.storage.safe_key")
    return key


def link_into(source: Path, target: Path) -> None:
    """``os.link``, making the target's directories when they are missing. Tried first and
    not checked before: a store links thousands of documents into a few directories a
    crawl, and the first failure of a month's directory costs less than a check each."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        if not source.exists():
            raise
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class LocalStore:
    """A directory tree. Objects are written to a temporary name, fsynced, then linked into
    place (``os.link`` fails if the key exists, so nothing is ever overwritten), and made
    read-only."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uri = root.resolve().as_uri()
        root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put_file(self, key: str, path: Path, sha256: str | None = None, *,
                 reread: bool = True) -> StoredObject:
        """Store a closed file; the source is removed only once the copy is verified.
        ``reread=False``: ``sha256`` was computed in this process from the bytes as they
        were written, moments ago, so the file is not read again to check it."""
        target = self.path(key)
        if sha256 is None or reread:
            digest = sha256_file(path)
            if sha256 is not None and digest != sha256:
                raise SpoolCorrupt(f"{path} has SHA-256 {digest}, recorded {sha256}: it "
                                   "changed on disk after it was written")
        else:
            digest = sha256
        source = os.stat(path)
        try:
            link_into(path, target)  # the same inode, whose bytes were hashed
        except FileExistsError:  # os.link never overwrites: compare instead
            if not self._same_existing(target, digest):  # gone since: link it again
                return self.put_file(key, path, digest, reread=False)
            path.unlink()
            return self._stat(key, digest)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            return self._copy_in(key, path, digest)
        if stat.S_IMODE(source.st_mode) != 0o444:
            os.chmod(target, 0o444)
        path.unlink()
        return StoredObject(key, source.st_size, digest, None,
                            datetime.fromtimestamp(source.st_mtime, UTC), "local")

    def _copy_in(self, key: str, path: Path, digest: str) -> StoredObject:
        """put_file from another file system: a verified copy."""
        target = self.path(key)
        if not self._same_existing(target, digest):
            target.parent.mkdir(parents=True, exist_ok=True)
            self._write_new(target, lambda fh: _copy_into(path, fh))
            if sha256_file(target) != digest:
                raise StoreError(f"verification failed for {key}: the stored copy differs")
            os.chmod(target, 0o444)
        path.unlink()
        return self._stat(key, digest)

    def stat(self, key: str) -> ObjectInfo | None:
        """Size of the object, or None if it is not there (its digest is not known)."""
        try:
            return ObjectInfo(key, self.path(key).stat().st_size)
        except FileNotFoundError:
            return None

    def download(self, key: str, path: Path) -> None:
        _copy_file(self.path(key), path)

    def put_bytes(self, key: str, data: bytes) -> StoredObject:
        target = self.path(key)
        digest = hashlib.sha256(data).hexdigest()
        if not self._same_existing(target, digest):
            target.parent.mkdir(parents=True, exist_ok=True)
            self._write_new(target, lambda fh: fh.write(data))
            os.chmod(target, 0o444)
        return self._stat(key, digest)

    def get_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        with self.path(key).open("rb") as fh:
            fh.seek(offset)
            return fh.read(length)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def keys(self, prefix: str = "") -> Iterator[str]:
        base = self.root / prefix if prefix else self.root
        if base.is_file():
            yield prefix
            return
        for p in sorted(base.rglob("*")):
            if p.is_file() and not p.name.startswith(".tmp-"):
                yield p.relative_to(self.root).as_posix()

    def _same_existing(self, target: Path, digest: str) -> bool:
        if not target.exists():
            return False
        if sha256_file(target) == digest:
            return True
        raise StoreError(f"{target.relative_to(self.root)} exists with other bytes; "
                         "archived objects are never overwritten")

    def _write_new(self, target: Path, write: object) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)  # type: ignore[operator]
                fh.flush()
                os.fsync(fh.fileno())
            os.link(tmp, target)
        finally:
            os.unlink(tmp)

    def _stat(self, key: str, digest: str) -> StoredObject:
        st = self.path(key).stat()
        return StoredObject(key, st.st_size, digest, None,
                            datetime.fromtimestamp(st.st_mtime, UTC), "local")


def _copy_into(src: Path, fh: object) -> None:
    with src.open("rb") as source:
        shutil.copyfileobj(source, fh)  # type: ignore[arg-type]


def _copy_file(src: Path, dst: Path) -> None:
    with dst.open("wb") as out:
        _copy_into(src, out)


def store_from_uri(uri: str, s3: S3Options | None = None) -> Store:
    """``file:///path`` (or a bare path) -> LocalStore; ``s3://bucket/prefix`` -> S3Store."""
    parts = urlsplit(uri)
    if parts.scheme in ("", "file"):
        return LocalStore(Path(unquote(parts.path) if parts.scheme else uri))
    if parts.scheme == "s3" and parts.netloc:
        from pipelines.store.s3 import S3Store  # boto3 is imported only when S3 is used

        return S3Store(parts.netloc, unquote(parts.path).strip("/"), s3 or S3Options())
    raise StoreError(f"unsupported storage URI {uri!r}: use file:///path or "
                     "s3://bucket/prefix")
