"""Verify WARC files member by member: gzip integrity, one whole record per member, digests.

warcio's ArchiveIterator stops quietly at a corrupt gzip member (and ``warcio check`` can exit 0),
so the gzip members are walked here with zlib first; each member is then parsed with warcio's
reader, which checks the block and payload digests. warcio skips revisit digests: a revisit's
block digest is checked here. A changed bit that alters no archived byte (a member's gzip MTIME,
XFL or OS field, padding bits in the deflate stream) is caught only by the file's SHA-256
(``expected_sha256``); so is a file cut exactly at a member boundary.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from io import BytesIO
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeadersParserException

from pipelines.warcfile.records import digest_bytes

CHUNK = 1 << 16  # compressed bytes per read; also bounds memory on hostile input (~1000:1)
_MANDATORY = ("WARC-Record-ID", "WARC-Type", "WARC-Date", "Content-Length")


@dataclass(frozen=True)
class Member:
    """One gzip member: where it is, and why it failed (``error`` is None when it inflated)."""

    offset: int
    length: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the member inflated and its CRC and size matched."""
        return self.error is None


@dataclass(frozen=True)
class RecordCheck:
    """The result of checking one record (one gzip member)."""

    offset: int
    length: int
    errors: tuple[str, ...] = ()
    record_id: str | None = None
    warc_type: str | None = None
    date: str | None = None
    target_uri: str | None = None
    payload_digest: str | None = None
    digests_checked: bool = False

    @property
    def ok(self) -> bool:
        """True when the record parsed completely and no digest failed."""
        return not self.errors


@dataclass(frozen=True)
class Report:
    """The result of `verify_file`. ``errors`` are ``"offset N: message"`` strings."""

    path: str
    size: int
    sha256: str
    members: int
    records: tuple[RecordCheck, ...] = ()
    errors: tuple[str, ...] = field(default=())
    unchecked: int = 0  # records that carried no digest to check

    @property
    def ok(self) -> bool:
        """True when every member and record passed (and the SHA-256, if one was expected)."""
        return not self.errors

    @property
    def starts_with_warcinfo(self) -> bool:
        """Whether the first record is a warcinfo record (every newsvault file's is)."""
        return bool(self.records) and self.records[0].warc_type == "warcinfo"


class _Hashing:
    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.sha256, self.size = stream, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _drain(stream: Any) -> int:
    """Read a stream to its end; return how many bytes that was."""
    total = 0
    while data := stream.read(CHUNK):
        total += len(data)
    return total


def iter_members(stream: Any) -> Iterator[Member]:
    """Walk the gzip members of a stream (anything with ``read``) from its current position.

    Stops after the first bad member, whose length then runs to the end of the stream.
    """
    offset, length = 0, 0
    inflater = zlib.decompressobj(31)
    data = stream.read(CHUNK)
    while data:
        try:
            inflater.decompress(data)
        except zlib.error as exc:
            yield Member(offset, length + len(data) + _drain(stream),
                         f"not a valid gzip member: {exc}")
            return
        if not inflater.eof:
            length += len(data)
            data = stream.read(CHUNK)
            continue
        tail: bytes = inflater.unused_data
        length += len(data) - len(tail)
        yield Member(offset, length)
        offset, length = offset + length, 0
        inflater = zlib.decompressobj(31)
        data = tail or stream.read(CHUNK)
    if length:
        yield Member(offset, length, "truncated gzip member: the data ends inside it")


def walk_members(path: str | os.PathLike[str]) -> Iterator[Member]:
    """Yield each gzip member of the file at ``path`` (offset, length, error or None)."""
    with open(path, "rb") as stream:
        yield from iter_members(stream)


def _revisit_block_error(stream: BinaryIO, offset: int, length: int, digest: str) -> str | None:
    stream.seek(offset)
    raw = zlib.decompress(stream.read(length), 31)
    head_end = raw.index(b"\r\n\r\n") + 4
    size = int(next(line.split(b":", 1)[1] for line in raw[:head_end].split(b"\r\n")
                    if line.lower().startswith(b"content-length:")))
    algo, expected = digest_bytes(digest)
    if hashlib.new(algo, raw[head_end:head_end + size]).digest() != expected:
        return f"block digest failed: {digest}"
    return None


def _record_errors(record: Any, read: int) -> list[str]:
    headers = record.rec_headers
    errors = [f"missing {name}" for name in _MANDATORY if not headers.get_header(name)]
    expected = record.payload_length if record.payload_length >= 0 else record.length
    if expected is not None and read != expected:
        errors.append(f"record has {read} bytes after its headers, Content-Length says {expected}")
    errors.extend(record.digest_checker.problems)
    return errors


def check_record(stream: BinaryIO, offset: int, length: int) -> RecordCheck:
    """Parse the record in the member at ``offset`` (already known to inflate) with warcio."""
    stream.seek(offset)
    found: list[tuple[Any, list[str], bool]] = []
    errors: list[str] = []
    iterator = ArchiveIterator(LimitReader(stream, length), check_digests=True)
    try:
        for record in iterator:
            read = _drain(record.raw_stream)
            found.append((record, _record_errors(record, read),
                          record.digest_checker.passed is True))
    except (ArchiveLoadFailed, StatusAndHeadersParserException, ValueError, zlib.error) as exc:
        errors.append(f"record does not parse: {exc}")
    if len(found) != 1 or iterator.err_count:
        errors.append(f"member holds {len(found)} records; expected exactly one")
    if not found:
        return RecordCheck(offset, length, tuple(errors))
    record, record_errors, checked = found[0]
    get = record.rec_headers.get_header
    if get("WARC-Type") == "revisit" and get("WARC-Block-Digest") and not record_errors:
        problem = _revisit_block_error(stream, offset, length, get("WARC-Block-Digest"))
        record_errors += [problem] if problem else []
        checked = problem is None
    return RecordCheck(
        offset, length, tuple(errors + record_errors), get("WARC-Record-ID"), get("WARC-Type"),
        get("WARC-Date"), get("WARC-Target-URI"), get("WARC-Payload-Digest"), checked)


def _same_digest(a: str, b: str) -> bool:
    try:
        return digest_bytes(a) == digest_bytes(b)
    except ValueError:
        return False


def verify_record_bytes(member: bytes, expected_payload_digest: str | None = None) -> RecordCheck:
    """Check one record given as the bytes of its gzip member (e.g. from an S3 range read)."""
    return _verify_window(BytesIO(member), 0, len(member), expected_payload_digest)


def verify_record(path: str | os.PathLike[str], offset: int, length: int,
                  expected_payload_digest: str | None = None) -> RecordCheck:
    """Check the record at its recorded location: exactly one gzip member of ``length`` bytes
    at ``offset``, one whole record inside, digests verified, payload digest as expected."""
    with open(path, "rb") as stream:
        return _verify_window(stream, offset, length, expected_payload_digest)


def _verify_window(stream: BinaryIO, offset: int, length: int, expected: str | None
                   ) -> RecordCheck:
    stream.seek(offset)
    members = list(iter_members(LimitReader(stream, length)))
    if not members or not members[0].ok or len(members) != 1 or members[0].length != length:
        found = members[0].error if members and members[0].error else "not one gzip member"
        return RecordCheck(offset, length, (f"bytes at offset {offset}+{length}: {found}",))
    result = check_record(stream, offset, length)
    if expected and not (result.payload_digest and _same_digest(result.payload_digest, expected)):
        problem = f"payload digest is {result.payload_digest}, expected {expected}"
        return replace(result, errors=(*result.errors, problem))
    return result


def verify_file(path: str | os.PathLike[str], expected_sha256: str | None = None) -> Report:
    """Check every member inflates, every record parses, every digest matches.

    With ``expected_sha256`` (hex, as in `ClosedWarc.sha256`), any changed byte and any
    truncation is caught, including at a member boundary, which is otherwise undetectable.
    """
    records: list[RecordCheck] = []
    errors: list[str] = []
    members = 0
    with open(path, "rb") as raw, open(path, "rb") as seeker:
        hashing = _Hashing(raw)
        for member in iter_members(hashing):
            members += 1
            if not member.ok:
                errors.append(f"offset {member.offset}: {member.error}")
                continue
            check = check_record(seeker, member.offset, member.length)
            records.append(check)
            errors.extend(f"offset {member.offset}: {e}" for e in check.errors)
        digest = hashing.sha256.hexdigest()
    if members == 0:
        errors.append("offset 0: no gzip member: empty file")
    if expected_sha256 and expected_sha256.lower() != digest:
        errors.append(f"file SHA-256 is {digest}, expected {expected_sha256}")
    unchecked = sum(1 for r in records if r.ok and not r.digests_checked)
    return Report(os.fspath(path), hashing.size, digest, members, tuple(records), tuple(errors),
                  unchecked)
