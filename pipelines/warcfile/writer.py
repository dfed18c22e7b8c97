"""WarcWriter: appends gzip members to ``<name>.open``, rotates by size, closes atomically.

Crash safety: every record (or request/response pair) goes to the file in one ``write`` of
whole gzip members, so a killed process leaves at most one partial member at the end of a
``.open`` file, and `recover` cuts it off. A file gets its final name only after it has been
fsynced and closed, so a file under a final name is always complete. A failed write (disk full)
is cut back to the last whole member before the error is raised. Records are not fsynced one by
one: a process crash loses nothing that was returned, a power cut may (as with any page cache).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from pipelines.warcfile.model import (
    ClosedWarc,
    Exchange,
    GenericRecord,
    RecordLocation,
    RevisitTarget,
    WarcConfig,
)
from pipelines.warcfile.records import Builder, Built, RecordSpec, build
from pipelines.warcfile.specs import (
    IDENTICAL,
    exchange_specs,
    generic_spec,
    revisit_specs,
    warcinfo_spec,
)

OPEN_SUFFIX = ".open"
_OUTLET_RX = re.compile(r"[a-z0-9][a-z0-9_]*")


def sanitize_host(host: str) -> str:
    """The host part of a WARC file name: ``[A-Za-z0-9.-]`` only."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", host).strip(".-") or "localhost"


def warc_filename(outlet: str, when: datetime, serial: int, host: str) -> str:
    """``<outlet>-<UTC yyyymmddHHMMSS>-<serial:05d>-<host>.warc.gz``."""
    stamp = when.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    return f"{outlet}-{stamp}-{serial:05d}-{sanitize_host(host)}.warc.gz"


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class _OpenWarc:
    fd: int
    directory: Path
    filename: str
    size: int = 0
    records: int = 0
    sha256: hashlib._Hash = field(default_factory=hashlib.sha256)
    dates: list[str] = field(default_factory=list)

    @property
    def open_path(self) -> Path:
        return self.directory / (self.filename + OPEN_SUFFIX)


class WarcWriter:
    """Writes WARC/1.1 records for one outlet, one gzip member per record.

    Every ``write_*`` returns the `RecordLocation` of each record once its bytes are in the file.
    Files rotate by ``config.max_size``; ``on_close(ClosedWarc)`` is called after each file got
    its final name (``close()`` finishes the current one). Safe to call from several threads.
    """

    def __init__(self, config: WarcConfig,
                 on_close: Callable[[ClosedWarc], None] | None = None) -> None:
        if not _OUTLET_RX.fullmatch(config.outlet):
            raise ValueError(f"outlet {config.outlet!r}: use the outlet id ([a-z0-9_]+)")
        if not 0 <= config.gzip_level <= 9:
            raise ValueError(f"gzip_level {config.gzip_level}: use 0 to 9 (1 is the default)")
        self.config = config
        self.directory = Path(config.directory)
        self._on_close = on_close
        self._builder = Builder()
        self._lock = threading.Lock()
        self._file: _OpenWarc | None = None
        self._serial = config.serial_start

    def write_exchange(self, ex: Exchange) -> tuple[RecordLocation, RecordLocation]:
        """Write the response then the request record; return (request, response)."""
        request, response = exchange_specs(ex, self.config.redact_request_headers)
        written = self._write([self._build(response), self._build(request)])
        return written[1], written[0]

    def write_revisit(self, ex: Exchange, original: RevisitTarget, profile: str = IDENTICAL
                      ) -> tuple[RecordLocation, RecordLocation]:
        """Write a WARC/1.1 revisit and its request.

        With the identical-payload-digest profile (default), ``ex.body`` must have the
        original's payload digest (checked); with server-not-modified, ``ex`` is a 304. The
        revisit keeps this response's status line and headers, and refers to ``original`` by
        WARC-Refers-To, WARC-Refers-To-Target-URI and WARC-Refers-To-Date.
        Returns (request, revisit).
        """
        request, revisit = revisit_specs(ex, self.config.redact_request_headers, original,
                                         profile)
        built = build(self._builder, revisit, self.config.gzip_level, revisit_of=original)
        written = self._write([built, self._build(request)])
        return written[1], written[0]

    def write_record(self, rec: GenericRecord) -> RecordLocation:
        """Write a resource, metadata or conversion record."""
        return self._write([self._build(generic_spec(rec))])[0]

    def write_metadata(self, target_uri: str, payload: bytes, content_type: str,
                       concurrent_to: str | None, refers_to: str | None = None) -> RecordLocation:
        """Write a metadata record about ``target_uri`` (e.g. application/warc-fields)."""
        return self.write_record(GenericRecord(
            "metadata", target_uri, payload, content_type,
            concurrent_to=concurrent_to, refers_to=refers_to))

    def write_resource(self, target_uri: str, payload: bytes, content_type: str,
                       concurrent_to: str | None = None) -> RecordLocation:
        """Write a resource record (e.g. a screenshot, or ``urn:text:`` extracted text)."""
        return self.write_record(GenericRecord(
            "resource", target_uri, payload, content_type, concurrent_to=concurrent_to))

    def write_conversion(self, target_uri: str, payload: bytes, content_type: str,
                         refers_to: str) -> RecordLocation:
        """Write a conversion record: ``payload`` derived from the record ``refers_to``."""
        return self.write_record(GenericRecord(
            "conversion", target_uri, payload, content_type, refers_to=refers_to))

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, if any."""
        return self._file.open_path if self._file else None

    def close(self) -> None:
        """Finish the current file (fsync, close, rename, ``on_close``). Safe to call twice."""
        with self._lock:
            self._finish()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _build(self, spec: RecordSpec) -> Built:
        return build(self._builder, spec, self.config.gzip_level)

    def _write(self, records: Sequence[Built]) -> list[RecordLocation]:
        data = b"".join(r.member for r in records)
        with self._lock:
            warc = self._file_for(len(data))
            offset = warc.size
            _write_all(warc, data)
            locations = []
            for rec in records:
                locations.append(RecordLocation(
                    warc.filename, offset, len(rec.member), rec.record_id, rec.warc_type,
                    rec.date, rec.target_uri, rec.block_digest, rec.payload_digest))
                offset += len(rec.member)
                warc.dates.append(rec.date)
            warc.records += len(records)
            return locations

    def _file_for(self, size: int) -> _OpenWarc:
        if self._file and self._file.records > 1 and self._file.size + size > self.config.max_size:
            self._finish()
        if self._file is None:
            self._file = self._start()
        return self._file

    def _start(self) -> _OpenWarc:
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.config
        filename = warc_filename(config.outlet, datetime.now(UTC), self._serial, config.hostname)
        if (self.directory / filename).exists():
            raise FileExistsError(f"{self.directory / filename} exists; raise serial_start")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self.directory / (filename + OPEN_SUFFIX), flags, 0o644)
        except FileExistsError as exc:
            raise FileExistsError(f"{exc.filename} exists: run recover() on {self.directory} "
                                  "first, or raise serial_start") from exc
        # Held until the file is closed (the kernel drops it if we are killed): recover()
        # skips a locked .open file, so a crawl never "rescues" another live crawl's file.
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._serial += 1
        warc = _OpenWarc(fd, self.directory, filename)
        info = build(self._builder, warcinfo_spec(config, filename), config.gzip_level)
        _write_all(warc, info.member)
        warc.records, warc.dates = 1, [info.date]
        return warc

    def _finish(self) -> None:
        warc, self._file = self._file, None
        if warc is None:
            return
        os.fsync(warc.fd)
        os.close(warc.fd)
        final = warc.directory / warc.filename
        if final.exists():
            raise FileExistsError(f"{final} appeared while writing; {warc.open_path} is kept")
        os.rename(warc.open_path, final)
        fsync_directory(warc.directory)
        closed = ClosedWarc(final, warc.filename, warc.size, warc.sha256.hexdigest(),
                            warc.records, min(warc.dates), max(warc.dates))
        if self._on_close:
            self._on_close(closed)


def _write_all(warc: _OpenWarc, data: bytes) -> None:
    """Append ``data``; on error cut the file back to its last whole member, then raise."""
    view, offset = memoryview(data), warc.size
    try:
        while view:
            written = os.pwrite(warc.fd, view, offset)
            view, offset = view[written:], offset + written
    except BaseException:
        os.ftruncate(warc.fd, warc.size)
        raise
    warc.size += len(data)
    warc.sha256.update(data)
