"""S3Store: archived objects in an S3-compatible bucket (AWS S3, MinIO, SeaweedFS, Ceph, R2).

boto3 finds the endpoint, credentials and region itself (``AWS_ENDPOINT_URL``, ``AWS_PROFILE``,
``AWS_ACCESS_KEY_ID``, ``~/.aws/config``), so any S3-compatible service works unchanged.

Every upload is confirmed before the caller may delete its local copy:

- Documents below the multipart size go up in one ``PutObject`` with ``If-None-Match: *``
  (write-once without a race) and our own SHA-256 as ``ChecksumSHA256``: the server refuses
  bytes that do not match it.
- Larger files (closed WARCs) go through boto3's transfer manager, multipart and concurrent,
  with ``ChecksumAlgorithm=SHA256``: the server checks each part's SHA-256 as it arrives.
  The local digests are computed in a second thread while the upload runs.
- Then a HEAD compares the server's checksum with the local one (the composite of the part
  digests for a multipart object). A service that reports no checksum is checked by size and
  MD5 ETag; one with opaque ETags (SSE-KMS) is read back and re-hashed. (A document whose
  ``PutObject`` answer already echoes our SHA-256 needs no HEAD, unless a retention or
  ``verify=readback`` must be confirmed too.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.storage import ObjectInfo, SpoolCorrupt, StoredObject, StoreError, check_key
from pipelines.store.digest import (
    LocalDigest,
    digest_bytes,
    digest_file,
    is_md5_etag,
    md5_etag,
    part_size,
)
from pipelines.store.options import S3Options

_CONFLICT = {"PreconditionFailed", "ConditionalRequestConflict"}
_CONTENT_TYPES = {".gz": "application/warc", ".json": "application/json"}


class Mismatch(StoreError):
    """The stored object does not hold the bytes that were uploaded."""


def make_client(options: S3Options) -> Any:
    """A boto3 S3 client configured from the options; everything else from boto3's sources."""
    import boto3
    from botocore.config import Config

    # "when_required" stops boto3 adding CRC32 checksums that some older services reject.
    checksums = "when_required" if options.checksum == "none" else "when_supported"
    config = Config(s3={"addressing_style": options.addressing_style},
                    retries={"mode": "standard", "total_max_attempts": 3},
                    connect_timeout=10, read_timeout=120,
                    max_pool_connections=max(16, options.concurrency * 4),
                    request_checksum_calculation=checksums,
                    response_checksum_validation=checksums)
    return boto3.session.Session().client("s3", config=config)


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _status(exc: Exception) -> int:
    meta = getattr(exc, "response", {}).get("ResponseMetadata", {})
    return int(meta.get("HTTPStatusCode") or 0)


class S3Store:
    """A bucket (and optional key prefix) as a write-once store."""

    def __init__(self, bucket: str, prefix: str = "", options: S3Options | None = None,
                 client: Any = None) -> None:
        from boto3.s3.transfer import TransferConfig

        self.bucket, self.prefix = bucket, prefix.strip("/")
        if self.prefix:
            check_key(self.prefix)
        self.options = options or S3Options()
        self.uri = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self.client = client or make_client(self.options)
        mb = self.options.multipart_mb << 20
        self.transfer = TransferConfig(multipart_threshold=mb, multipart_chunksize=mb,
                                       max_concurrency=self.options.concurrency)
        self._conditional = True  # If-None-Match: * until the service says it lacks it
        self._lock_ok = False

    def full_key(self, key: str) -> str:
        """The key in the bucket: the prefix, then the (checked) store key."""
        return f"{self.prefix}/{check_key(key)}" if self.prefix else check_key(key)

    # -- writing ------------------------------------------------------------------------

    def put_bytes(self, key: str, data: bytes) -> StoredObject:
        """Upload one document (idempotent for the same bytes, an error for others)."""
        return self._put_small(key, data, digest_bytes(data))

    def put_file(self, key: str, path: Path, sha256: str | None = None) -> StoredObject:
        """Upload a closed file, confirm the stored copy, then delete the file."""
        part = part_size(path.stat().st_size, self.transfer.multipart_threshold)
        if part is None:
            data = path.read_bytes()
            digest = digest_bytes(data)
            _expect(path, digest, sha256)
            stored = self._put_small(key, data, digest)
        else:
            stored = self._put_large(key, path, part, sha256)
        path.unlink()
        return stored

    def _put_small(self, key: str, data: bytes, digest: LocalDigest) -> StoredObject:
        args = {"Bucket": self.bucket, "Key": self.full_key(key), "Body": data,
                **self._object_args(key, digest.sha256), **self._checksum_args(digest)}
        if not self._conditional and self.exists(key):
            return self._existing(key, digest, data)
        try:
            answer = self.client.put_object(
                **args, **({"IfNoneMatch": "*"} if self._conditional else {}))
        except Exception as exc:
            if _code(exc) in _CONFLICT or _status(exc) == 412:
                return self._existing(key, digest, data)
            if _code(exc) == "NotImplemented" and self._conditional:
                self._conditional = False  # the service has no conditional writes: HEAD first
                return self._put_small(key, data, digest)
            raise
        if (answer.get("ChecksumSHA256") == digest.sha256_b64 and self.options.verify == "auto"
                and not self.options.retention_mode):
            # The server checked our SHA-256 against the bytes it stored, and says so: a
            # HEAD would add a request per document and nothing else.
            return StoredObject(key, digest.size, digest.sha256,
                                (answer.get("ETag") or "").strip('"') or None,
                                datetime.now(UTC), "sha256")
        return self._confirm(key, digest, data)

    def _put_large(self, key: str, path: Path, part: int, sha256: str | None) -> StoredObject:
        if sha256 is None:
            sha256 = digest_file(path, None).sha256
        if self.exists(key):
            digest = digest_file(path, part)
            _expect(path, digest, sha256)
            return self._existing(key, digest, path)
        extra = self._object_args(key, sha256)
        if self.options.checksum != "none":
            extra["ChecksumAlgorithm"] = self.options.checksum
        # The local digests are read in a second thread while the transfer manager uploads.
        with ThreadPoolExecutor(1, thread_name_prefix="newsvault-digest") as pool:
            pending = pool.submit(digest_file, path, part)
            self.client.upload_file(str(path), self.bucket, self.full_key(key),
                                    ExtraArgs=extra, Config=self.transfer)
            digest = pending.result()
        _expect(path, digest, sha256)
        return self._confirm(key, digest, path)

    def _object_args(self, key: str, sha256: str) -> dict[str, Any]:
        suffix = key[key.rfind("."):]
        args: dict[str, Any] = {
            "Metadata": {"sha256": sha256},
            "ContentType": _CONTENT_TYPES.get(suffix, "application/octet-stream")}
        if self.options.retention_mode:
            self._check_object_lock()
            args["ObjectLockMode"] = self.options.retention_mode
            args["ObjectLockRetainUntilDate"] = (
                datetime.now(UTC) + timedelta(days=self.options.retention_days))
        return args

    def _checksum_args(self, digest: LocalDigest) -> dict[str, str]:
        if self.options.checksum == "SHA256":
            return {"ChecksumSHA256": digest.sha256_b64}  # ours: the server must match it
        if self.options.checksum == "none":
            return {}
        return {"ChecksumAlgorithm": self.options.checksum}

    def _check_object_lock(self) -> None:
        if self._lock_ok:
            return
        try:
            conf = self.client.get_object_lock_configuration(Bucket=self.bucket)
            enabled = conf["ObjectLockConfiguration"].get("ObjectLockEnabled") == "Enabled"
        except Exception as exc:
            if _status(exc) not in (400, 404):
                raise
            enabled = False
        if not enabled:
            raise StoreError(
                f"bucket {self.bucket} has no Object Lock, so the retention set by "
                "NEWSVAULT_S3_RETENTION_MODE cannot be applied: create the bucket with "
                "Object Lock enabled (docs/storage.md) or unset the retention settings")
        self._lock_ok = True

    # -- confirming ---------------------------------------------------------------------

    def _existing(self, key: str, digest: LocalDigest, source: Path | bytes) -> StoredObject:
        """The key exists already: fine if it holds these bytes (a retried upload whose
        answer was lost), an error otherwise."""
        try:
            return self._confirm(key, digest, source)
        except Mismatch as exc:
            raise StoreError(f"{self.uri}/{key} exists with other bytes ({exc}); archived "
                             "objects are never overwritten") from None

    def _confirm(self, key: str, digest: LocalDigest, source: Path | bytes) -> StoredObject:
        head = self._head(key)
        if head is None:
            raise StoreError(f"{self.uri}/{key} is not in the bucket after its upload")
        info = self._info(key, head)
        if info.size != digest.size:
            raise Mismatch(f"stored size {info.size}, local size {digest.size}")
        how = self._compare(key, info, digest, source)
        if self.options.verify == "readback" and how != "readback":
            self._readback(key, digest)
            how += "+readback"
        retain = head.get("ObjectLockRetainUntilDate")
        if self.options.retention_mode and retain is None:
            raise StoreError(f"{self.uri}/{key} was stored without its Object Lock retention: "
                             "does this service support Object Lock? (docs/storage.md)")
        return StoredObject(key, info.size, digest.sha256, info.etag, datetime.now(UTC),
                            how, retain)

    def _compare(self, key: str, info: ObjectInfo, digest: LocalDigest,
                 source: Path | bytes) -> str:
        """How the stored copy was confirmed. A checksum or ETag that disagrees may come
        from another part size (an upload by another tool), so a read-back decides."""
        part = None
        if digest.parts:
            part = part_size(digest.size, self.transfer.multipart_threshold)
        if info.checksum_sha256 and info.checksum_sha256 == digest.s3_checksum:
            return "sha256"
        if not info.checksum_sha256 and is_md5_etag(info.etag) and \
                info.etag == md5_etag(source, part):
            return "etag"
        self._readback(key, digest)
        return "readback"

    def _readback(self, key: str, digest: LocalDigest) -> None:
        body = self.client.get_object(Bucket=self.bucket, Key=self.full_key(key))["Body"]
        got, size = hashlib.sha256(), 0
        for chunk in body.iter_chunks(1 << 20):
            got.update(chunk)
            size += len(chunk)
        if (size, got.hexdigest()) != (digest.size, digest.sha256):
            raise Mismatch(f"read back {size} bytes with SHA-256 {got.hexdigest()}, "
                           f"uploaded {digest.size} bytes with SHA-256 {digest.sha256}")

    # -- reading ------------------------------------------------------------------------

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return dict(self.client.head_object(Bucket=self.bucket, Key=self.full_key(key),
                                                ChecksumMode="ENABLED"))
        except Exception as exc:
            if _status(exc) == 404:
                return None
            raise

    def _info(self, key: str, head: dict[str, Any]) -> ObjectInfo:
        return ObjectInfo(key, int(head["ContentLength"]), (head.get("ETag") or "").strip('"'),
                          (head.get("Metadata") or {}).get("sha256"),
                          head.get("ChecksumSHA256"))

    def stat(self, key: str) -> ObjectInfo | None:
        """Size, ETag, recorded SHA-256 and server checksum, or None if absent."""
        head = self._head(key)
        return None if head is None else self._info(key, head)

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def _body(self, key: str) -> Any:
        """The object's streaming body (one GET; FileNotFoundError if it is absent)."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.full_key(key))["Body"]
        except Exception as exc:
            if _status(exc) == 404:
                raise FileNotFoundError(f"{key} is not in {self.uri}") from None
            raise

    def get_bytes(self, key: str) -> bytes:
        return bytes(self._body(key).read())

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        if length <= 0:
            return b""
        body = self.client.get_object(Bucket=self.bucket, Key=self.full_key(key),
                                      Range=f"bytes={offset}-{offset + length - 1}")["Body"]
        return bytes(body.read())

    def download(self, key: str, path: Path) -> None:
        """Copy the object to a local file (one GET; FileNotFoundError if it is absent)."""
        body = self._body(key)
        with path.open("wb") as out:
            for chunk in body.iter_chunks(1 << 20):
                out.write(chunk)

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every key under ``prefix`` (relative to the store's prefix), in key order."""
        base = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=base + prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                yield item["Key"][len(base):]


def _expect(path: Path, digest: LocalDigest, sha256: str | None) -> None:
    if sha256 is not None and digest.sha256 != sha256:
        raise SpoolCorrupt(f"{path} has SHA-256 {digest.sha256}, recorded {sha256}: it "
                           "changed on disk after it was written")
