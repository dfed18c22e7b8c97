"""verify_file / verify_record / walk_members catch changed and missing bytes."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter as WarcioWriter

from pipelines.warc import (
    ClosedWarc,
    Exchange,
    RecordLocation,
    WarcConfig,
    WarcWriter,
    verify_file,
    verify_record,
    verify_record_bytes,
    walk_members,
)

HTML = b"<html><head><title>T</title></head><body>" + b"<p>DAMASCUS, (SANA)-</p>" * 20
STORED = gzip.compress(HTML, mtime=0)


def make_exchange(body: bytes, headers: list[tuple[str, str]]) -> Exchange:
    """An exchange with the given body and response headers."""
    return Exchange(
        url="https://sana.sy/en/?p=1", method="GET", request_headers=[("Host", "sana.sy")],
        request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
        response_headers=headers, body=body, ip_address="127.0.0.1",
        fetched_at=datetime(2025, 8, 1, tzinfo=UTC))


@pytest.fixture()
def small_warc(tmp_path: Path) -> tuple[ClosedWarc, list[RecordLocation]]:
    """warcinfo, a gzip-encoded (stored) and a plain (deflated) exchange, metadata, revisit."""
    closed: list[ClosedWarc] = []
    with WarcWriter(WarcConfig(tmp_path / "w", "sana"), on_close=closed.append) as writer:
        stored = writer.write_exchange(make_exchange(
            STORED, [("Content-Type", "text/html"),
                                           ("Content-Encoding", "gzip")]))
        plain = writer.write_exchange(make_exchange(HTML, [("Content-Type", "text/html")]))
        meta = writer.write_metadata("https://sana.sy/en/?p=1", b"k: v\r\n",
                                     "application/warc-fields", plain[1].record_id)
        revisit = writer.write_revisit(make_exchange(HTML, [("Content-Type", "text/html")]),
                                       plain[1])
    return closed[0], [*stored, *plain, meta, *revisit]


def _inflated(data: bytes) -> bytes:
    """Everything the gzip members of ``data`` hold, i.e. the archived bytes."""
    out = []
    while data:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(data))
        data = inflater.unused_data
    return b"".join(out)


def test_good_file_verifies(small_warc) -> None:
    warc, locations = small_warc
    report = verify_file(warc.path, warc.sha256)
    assert report.ok, report.errors
    assert report.starts_with_warcinfo and report.unchecked == 0
    assert report.members == len(locations) + 1 and report.size == warc.size
    members = list(walk_members(warc.path))
    assert all(m.ok for m in members)
    assert [(m.offset, m.length) for m in members[1:]] == sorted(
        (loc.offset, loc.length) for loc in locations)
    assert members[-1].offset + members[-1].length == warc.size


def test_every_changed_byte_is_caught(small_warc, tmp_path: Path) -> None:
    """Any flipped bit fails the file SHA-256; without it, every flip that changes an archived
    byte fails too. The flips that pass change no archived byte: a member's gzip MTIME, XFL or
    OS field, or padding bits of the deflate stream."""
    warc, _ = small_warc
    original = warc.path.read_bytes()
    archived = _inflated(original)
    target = tmp_path / "changed.warc.gz"
    silent = []
    for position in range(len(original)):
        changed = bytearray(original)
        changed[position] ^= 0x01 if position % 2 else 0x40
        target.write_bytes(changed)
        report = verify_file(target)
        assert report.sha256 != warc.sha256
        if report.ok:
            assert _inflated(bytes(changed)) == archived, position
            silent.append(position)
            assert not verify_file(target, warc.sha256).ok
    headers = {m.offset + i for m in walk_members(warc.path) for i in range(4, 10)}
    assert headers <= set(silent) and len(silent) < len(original) / 20


def _rewrite_member(data: bytes, loc: RecordLocation, old: bytes, new: bytes) -> bytes:
    """Change bytes inside one record and recompress it, as a careful forger would."""
    raw = zlib.decompress(data[loc.offset:loc.offset + loc.length], 31)
    assert old in raw
    member = gzip.compress(raw.replace(old, new, 1), mtime=0)
    return data[:loc.offset] + member + data[loc.offset + loc.length:]


@pytest.mark.parametrize(("index", "old", "new", "caught_without_sha"), [
    (1, STORED[20:24], bytes(b ^ 1 for b in STORED[20:24]), True),  # stored gzip payload
    (3, b"<title>T</title>", b"<title>X</title>", True),  # payload of the deflated response
    (3, b"HTTP/1.1 200 OK", b"HTTP/1.1 404 OK", True),    # HTTP headers (in the block)
    (4, b"k: v", b"k: w", True),                          # metadata payload
    (6, b"200 OK", b"201 OK", True),                      # revisit block (warcio skips it)
    (3, b"Content-Length: ", b"Content-Length: 1", True), # record framing
    (3, b"WARC-IP-Address: 127.0.0.1", b"WARC-IP-Address: 127.0.0.2", False),  # WARC header
])
def test_recompressed_forgeries(small_warc, tmp_path: Path, index: int, old: bytes, new: bytes,
                                caught_without_sha: bool) -> None:
    warc, locations = small_warc
    target = tmp_path / "forged.warc.gz"
    target.write_bytes(_rewrite_member(warc.path.read_bytes(), locations[index], old, new))
    assert verify_file(target).ok is not caught_without_sha
    assert not verify_file(target, warc.sha256).ok


def test_truncation(small_warc, tmp_path: Path) -> None:
    warc, _ = small_warc
    data = warc.path.read_bytes()
    target = tmp_path / "short.warc.gz"
    for member in list(walk_members(warc.path))[1:]:
        target.write_bytes(data[:member.offset])  # cut at a member boundary
        assert verify_file(target).ok  # structurally whole: only the file digest can tell
        assert not verify_file(target, warc.sha256).ok
        for cut in (member.offset + 1, member.offset + 10, member.offset + member.length - 1):
            target.write_bytes(data[:cut])
            report = verify_file(target)
            assert not report.ok and "truncated" in report.errors[-1]
    target.write_bytes(b"")
    assert not verify_file(target).ok


def test_trailing_garbage_is_caught(small_warc, tmp_path: Path) -> None:
    warc, _ = small_warc
    target = tmp_path / "garbage.warc.gz"
    for tail in (b"\n", b"\x00" * 512, b"\x1f\x8b\x08\x00garbage"):
        target.write_bytes(warc.path.read_bytes() + tail)
        assert not verify_file(target).ok


def test_verify_record_at_its_location(small_warc) -> None:
    warc, locations = small_warc
    loc = locations[1]
    assert verify_record(warc.path, loc.offset, loc.length, loc.payload_digest).ok
    assert verify_record(warc.path, loc.offset, loc.length).ok
    for offset, length in ((loc.offset, loc.length - 1), (loc.offset, loc.length + 1),
                           (loc.offset + 1, loc.length), (loc.offset, loc.length + 5000)):
        assert not verify_record(warc.path, offset, length, loc.payload_digest).ok
    wrong = "sha256:" + hashlib.sha256(b"other").hexdigest()
    result = verify_record(warc.path, loc.offset, loc.length, wrong)
    assert not result.ok and "expected" in result.errors[-1]
    member = warc.path.read_bytes()[loc.offset:loc.offset + loc.length]
    assert verify_record_bytes(member, loc.payload_digest).record_id == loc.record_id


def test_foreign_warc_with_sha1_base32_digests_verifies(tmp_path: Path) -> None:
    buffer = BytesIO()
    writer = WarcioWriter(buffer, gzip=True)
    writer.write_record(writer.create_warc_record(
        "https://example.org/", "resource", payload=BytesIO(b"hello"), length=5,
        warc_content_type="text/plain"))
    path = tmp_path / "foreign.warc.gz"
    path.write_bytes(buffer.getvalue())
    report = verify_file(path)
    assert report.ok and report.records[0].digests_checked
    assert not report.starts_with_warcinfo
