"""SpooledStore: every object goes to a local spool first, and is uploaded from there.

Nothing is lost when the store fails: an object is durable on local disk before the crawl
moves on, and its local copy is deleted only after the store's copy is confirmed.

Layout, under ``<home>/spool/``::

    upload/<key>              objects waiting for their upload (read-only files)
    upload/.tmp/              documents being written (renamed into place when complete)
    upload-quarantine/<key>   spooled copies whose SHA-256 changed on disk: never uploaded
                              again, kept for inspection

The catalog's ``objects`` table is the journal: a row with the SHA-256 computed when the
bytes were made is written before the upload is queued; the upload is checked against it,
and the row becomes ``stored`` (with ETag, upload time and how the copy was confirmed)
after the store confirms its copy. Uploads hold an exclusive ``flock`` on the spooled file,
so several processes can sync one spool without uploading anything twice.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import logging
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, RowMapping, insert, select
from sqlalchemy.exc import IntegrityError

from catalog import objects
from catalog.schema import objects as OBJ
from pipelines.storage import (
    LocalStore,
    ObjectInfo,
    SpoolCorrupt,
    Store,
    StoredObject,
    StoreError,
    check_key,
    link_into,
    sha256_file,
)
from pipelines.store.options import SpoolSettings
from pipelines.store.uploader import Uploader

logger = logging.getLogger(__name__)
TMP = ".tmp"
# "stored" marks are written in batches: one transaction per upload cost a crawl about a
# millisecond per document. A mark lost to a crash is harmless: `resume` finds the row
# still "spooled" with its spool copy gone, and settles it from the store.
MARK_BATCH = 100
MARK_AGE = 1.0  # seconds the first mark of a batch may wait for others


def _libc_syncfs() -> Callable[[int], int] | None:
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    except OSError:
        return None


_SYNCFS = _libc_syncfs() if sys.platform.startswith("linux") else None


def sync_files(paths: Sequence[Path]) -> None:
    """Make written files durable. On Linux one syncfs(2) of their file system: an fsync
    per file forces a journal commit each, about 4 ms apiece while a crawl writes its WARC
    (two documents per article), where one syncfs costs about one commit. Elsewhere, an
    fsync per file. The paths must all be on one file system (the spool's)."""
    if not paths:
        return
    if _SYNCFS is not None:
        fd = os.open(paths[0], os.O_RDONLY)
        try:
            if _SYNCFS(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _same_device(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


class SpooledStore:
    """A `Store` that writes to the spool and uploads to ``remote`` in the background."""

    def __init__(self, remote: Store, settings: SpoolSettings, engine: Engine) -> None:
        self.remote, self.settings, self.engine = remote, settings, engine
        self.uri = remote.uri
        self.dir = settings.directory
        self.quarantine = self.dir.parent / f"{self.dir.name}-quarantine"
        (self.dir / TMP).mkdir(parents=True, exist_ok=True)
        self.uploader = Uploader(self.upload, settings)
        self.journalled: dict[str, str] = {}  # key -> SHA-256 of a queued, journalled object
        self._marks: list[dict[str, Any]] = []  # "stored" marks not yet written
        self._marks_since = 0.0
        self._marks_lock = threading.Lock()
        # A local store on the spool's file system takes documents by a hard link, done
        # at once by `queue` (no upload thread, no second read of the bytes).
        self.linkable = isinstance(remote, LocalStore) and _same_device(self.dir, remote.root)
        self.linked = 0

    def path(self, key: str) -> Path:
        """Where ``key`` is (or would be) spooled."""
        return self.dir / check_key(key)

    # -- writing: spool, record, queue ---------------------------------------------------

    def put_bytes(self, key: str, data: bytes) -> StoredObject:
        """Spool a document and queue its upload; returns once it is durable locally."""
        (stored,) = self.spool([(key, data)])
        self.queue([stored])
        return stored

    def spool(self, docs: Sequence[tuple[str, bytes]]) -> list[StoredObject]:
        """Make documents durable in the spool and record them, as a batch: each file is
        written, then all are synced (`sync_files`), then placed, then their rows are
        written in one transaction. Their uploads wait for `queue`, so that a caller can
        first commit what refers to them (a crash in between leaves them in the spool,
        where `pipelines.batch.replay_spooled` finds them)."""
        digests = [hashlib.sha256(data).hexdigest() for _, data in docs]
        rows = self._rows([key for key, _ in docs])
        written = []
        for (key, data), digest in zip(docs, digests, strict=True):
            row = rows.get(key)
            if row is not None and row["status"] != "quarantined" and row["sha256"] != digest:
                raise StoreError(f"{key} is archived already with SHA-256 {row['sha256']}, "
                                 f"not {digest}; archived objects are never overwritten")
            if row is None or row["status"] != "stored":  # (a spooled copy: _place compares)
                written.append((self._write_tmp(data), self.path(key)))
        sync_files([tmp for tmp, _ in written])
        for tmp, target in written:
            self._place(tmp, target)
        self._record_spooled([(key, len(data), digest) for (key, data), digest
                              in zip(docs, digests, strict=True) if key not in rows])
        rows |= self._rows([key for key, _ in docs if key not in rows])
        return [self._object(key, len(data), digest, rows[key])
                for (key, data), digest in zip(docs, digests, strict=True)]

    def queue(self, stored: Sequence[StoredObject]) -> None:
        """Queue the uploads of documents `spool` put in the spool (for a `linkable`
        store: link them into it now). Never raises: what is not stored stays spooled."""
        waiting = [obj for obj in stored if obj.verified_by == "spooled"]
        if self.linkable:
            self._link(waiting)
            return
        for obj in waiting:
            # Its journal row holds this digest (`spool` checked): the upload need
            # not read the row again.
            self.journalled[obj.key] = obj.sha256
            self.uploader.submit(obj.key)

    def _link(self, waiting: Sequence[StoredObject]) -> None:
        """Store documents in a local store on the spool's file system: a hard link each
        (the bytes were hashed from memory as `spool` wrote them), one catalog transaction
        for their marks. A failure leaves the object spooled, for the next `resume`."""
        local = self.remote
        assert isinstance(local, LocalStore)
        for obj in waiting:
            try:
                self._record(local.put_file(obj.key, self.path(obj.key), obj.sha256,
                                            reread=False))
                self.linked += 1
            except Exception:
                logger.exception("%s stays in the spool: it could not be stored", obj.key)
        try:
            self.flush_marks()
        except Exception:
            logger.exception("stored objects could not be marked yet; the next start does")

    def _write_tmp(self, data: bytes) -> Path:
        tmp = self.dir / TMP / f"{os.getpid()}-{uuid.uuid4().hex}"
        # Read-only from its creation (this descriptor may still write it): spooled and
        # stored documents are never modified, and no chmod per document is needed.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        return tmp

    def _rows(self, keys: list[str]) -> dict[str, RowMapping]:
        """The ``objects`` rows of these keys, in a query per 500 keys."""
        found: dict[str, RowMapping] = {}
        if not keys:
            return found
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                found.update({r["key"]: r for r in conn.execute(select(OBJ).where(
                    OBJ.c.key.in_(keys[start:start + 500]))).mappings()})
        return found

    def _record_spooled(self, rows: list[tuple[str, int, str]]) -> None:
        """Journal rows for new objects, in one transaction (one at a time if another
        process recorded one of them meanwhile: the digests are then compared)."""
        if not rows:
            return
        at = datetime.now(UTC)
        values = [{"key": key, "kind": objects.kind_of(key), "outlet": objects.outlet_of(key),
                   "size": size, "sha256": digest, "status": "spooled", "spooled_at": at}
                  for key, size, digest in rows]
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(OBJ), values)
        except IntegrityError:
            for key, size, digest in rows:
                objects.add_spooled(self.engine, key, size, digest)

    def _object(self, key: str, size: int, digest: str, row: RowMapping) -> StoredObject:
        if row["sha256"] != digest:
            raise StoreError(f"{key} is archived already with SHA-256 {row['sha256']}, not "
                             f"{digest}; archived objects are never overwritten")
        if row["status"] == "stored":
            return StoredObject(key, size, digest, row["etag"], row["stored_at"],
                                row["verified_by"], row["retain_until"])
        return StoredObject(key, size, digest, None, row["spooled_at"], "spooled")

    def put_file(self, key: str, path: Path, sha256: str | None = None) -> StoredObject:
        """Move a closed file into the spool and queue its upload. ``sha256`` (known when the
        file was written) saves a read of the file."""
        digest = sha256 or sha256_file(path)
        size = path.stat().st_size
        if self._known(key, digest, size) is not None:
            path.unlink()  # stored already, with these bytes
            return self._spooled(key, digest, size)
        os.chmod(path, 0o444)
        self._place(path, self.path(key))
        return self._spooled(key, digest, size)

    def _known(self, key: str, digest: str, size: int) -> StoredObject | None:
        """The stored object if ``key`` was uploaded before with these bytes; an error if it
        is known with other bytes; None if it still has to be spooled."""
        row = objects.get(self.engine, key)
        if row is None or row["status"] == "quarantined":
            return None
        if row["sha256"] != digest:
            raise StoreError(f"{key} is archived already with SHA-256 {row['sha256']}, not "
                             f"{digest}; archived objects are never overwritten")
        if row["status"] != "stored":
            return None
        return StoredObject(key, size, digest, row["etag"], row["stored_at"],
                            row["verified_by"], row["retain_until"])

    def _place(self, source: Path, target: Path) -> None:
        """Link a read-only file (as `_write_tmp` makes them) to its key, and unlink it."""
        try:
            link_into(source, target)  # fails if the key is spooled already: never overwrite
        except FileExistsError:
            if sha256_file(target) != sha256_file(source):
                raise StoreError(f"{target} is spooled already with other bytes; archived "
                                 "objects are never overwritten") from None
        except OSError as exc:  # another file system: copy, then link the complete copy
            if exc.errno != errno.EXDEV:
                raise
            tmp = self.dir / TMP / f"{os.getpid()}-{uuid.uuid4().hex}"
            shutil.copyfile(source, tmp)
            os.chmod(tmp, 0o444)
            self._place(tmp, target)
        source.unlink()

    def _spooled(self, key: str, digest: str, size: int) -> StoredObject:
        row = objects.add_spooled(self.engine, key, size, digest)
        stored = self._object(key, size, digest, row)  # refuses a different digest
        if row["status"] != "stored":
            self.uploader.submit(key)
        return stored

    # -- uploading -----------------------------------------------------------------------

    @contextmanager
    def claim(self, key: str) -> Iterator[Path | None]:
        """The spooled file, locked against other uploaders; None if it is gone or taken."""
        path = self.path(key)
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            yield None
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield None
                return
            try:  # still the file at that path (not one uploaded and deleted meanwhile)?
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            yield path if same else None
        finally:
            os.close(fd)

    def upload(self, key: str) -> StoredObject | None:
        """Upload one spooled object, confirm it, record it, delete the local copy."""
        with self.claim(key) as path:
            if path is None:
                return None
            digest = self.journalled.pop(key, None)
            if digest is None:
                row = objects.get(self.engine, key)
                if row is None:  # spooled, then the process died before the catalog write
                    row = objects.add_spooled(self.engine, key, path.stat().st_size,
                                              sha256_file(path))
                digest = row["sha256"]
            try:
                stored = self.remote.put_file(key, path, digest)
            except SpoolCorrupt as exc:
                self._set_aside(key, path, str(exc))
                raise
            self._record(stored)
            return stored

    def _record(self, stored: StoredObject) -> None:
        """Mark the object stored: written with the next batch of marks (`flush_marks`)."""
        mark = {"key": stored.key, "size": stored.size, "etag": stored.etag,
                "store": self.remote.uri, "verified_by": stored.verified_by,
                # the upload time is when the store's copy was confirmed, which is now
                "stored_at": datetime.now(UTC), "retain_until": stored.retain_until}
        now = time.monotonic()
        with self._marks_lock:
            if not self._marks:
                self._marks_since = now
            self._marks.append(mark)
            due = len(self._marks) >= MARK_BATCH or now - self._marks_since >= MARK_AGE
        if due:
            self.flush_marks()

    def flush_marks(self) -> None:
        """Write the "stored" marks waiting in memory, in one transaction."""
        with self._marks_lock:
            marks, self._marks = self._marks, []
        try:
            objects.mark_stored_many(self.engine, marks)
        except Exception:
            with self._marks_lock:  # kept for the next try (or `resume`, after a crash)
                self._marks[:0] = marks
            raise

    def _set_aside(self, key: str, path: Path, error: str) -> None:
        target = self.quarantine / key
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        objects.mark_quarantined(self.engine, key, error)
        logger.error("%s: %s; set aside in %s", key, error, target)

    def pending(self) -> list[str]:
        """Keys of the objects in the spool."""
        if not self.dir.is_dir():
            return []
        return sorted(p.relative_to(self.dir).as_posix() for p in self.dir.rglob("*")
                      if p.is_file() and p.relative_to(self.dir).parts[0] != TMP)

    def resume(self) -> int:
        """Queue everything left in the spool by earlier runs; returns how many. Catalog
        rows left ``spooled`` whose file is gone (the process died between the upload and
        the catalog write) are settled from the store."""
        keys = self.pending()
        for key in keys:
            self.uploader.submit(key)
        waiting = set(keys)
        for row in objects.spooled(self.engine):
            if row["key"] not in waiting and not self.path(row["key"]).exists():
                self._settle(row["key"], row["sha256"])
        self.flush_marks()
        return len(keys)

    def _settle(self, key: str, sha256: str) -> None:
        info = self.remote.stat(key)
        if info is not None and info.sha256 is None:  # a store that keeps no digest: read it
            tmp = self.dir / TMP / f"{os.getpid()}-{uuid.uuid4().hex}"
            try:
                self.remote.download(key, tmp)
                info = replace(info, sha256=sha256_file(tmp))
            finally:
                tmp.unlink(missing_ok=True)
        if info is None or info.sha256 != sha256:
            logger.error("%s is in the catalog as spooled but neither in the spool nor in %s: "
                         "run `newsvault verify`", key, self.uri)
            return
        self._record(StoredObject(key, info.size, sha256, info.etag, datetime.now(UTC),
                                  "head"))

    def close(self) -> dict[str, int]:
        """Finish the uploads; the counts for the run's stats (``spooled``: objects still
        waiting in the spool, to be uploaded by the next crawl or ``newsvault sync``)."""
        report = self.uploader.close()
        self.flush_marks()
        left = len(self.pending())
        if left:
            logger.warning("%d objects could not be uploaded to %s and stay in the spool %s: "
                           "the next crawl or `newsvault sync` uploads them", left, self.uri,
                           self.dir)
        return {"newsvault/storage/uploaded": report.uploaded + self.linked,
                "newsvault/storage/retries": report.retries,
                "newsvault/storage/failed": len(report.failed),
                "newsvault/storage/spooled": left}

    # -- reading: the spool first, then the store ----------------------------------------

    def get_bytes(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return self.remote.get_bytes(key)

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        try:
            with self.path(key).open("rb") as fh:
                fh.seek(offset)
                return fh.read(length)
        except FileNotFoundError:
            return self.remote.read_range(key, offset, length)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file() or self.remote.exists(key)

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            return ObjectInfo(key, self.path(key).stat().st_size)
        except FileNotFoundError:
            return self.remote.stat(key)

    def download(self, key: str, path: Path) -> None:
        try:
            shutil.copyfile(self.path(key), path)
        except FileNotFoundError:
            self.remote.download(key, path)

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Keys in the store and in the spool, each once."""
        spooled = [k for k in self.pending() if k.startswith(prefix)]
        yield from sorted(set(self.remote.keys(prefix)) | set(spooled))
