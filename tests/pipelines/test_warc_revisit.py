"""Revisit, metadata, resource and conversion records, read back with warcio."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipelines.warc import ClosedWarc, Exchange, WarcConfig, WarcWriter, verify_file

BODY = b"<html><head><title>Same</title></head><body>unchanged</body></html>"
PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


def make_exchange(when: datetime, date_header: str, body: bytes = BODY) -> Exchange:
    """The same article fetched at ``when``."""
    return Exchange(
        url="https://sana.sy/en/?p=7", method="GET", request_headers=[("Host", "sana.sy")],
        request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
        response_headers=[("Date", date_header), ("Content-Type", "text/html")], body=body,
        ip_address="127.0.0.1", fetched_at=when)


@pytest.fixture()
def file_with_revisit(tmp_path: Path):
    """A response, a revisit of it a day later, and generic records around them."""
    closed: list[ClosedWarc] = []
    with WarcWriter(WarcConfig(tmp_path, "sana"), on_close=closed.append) as writer:
        first = make_exchange(datetime(2025, 8, 1, tzinfo=UTC), "Fri, 01 Aug 2025 00:00:00 GMT")
        _, original = writer.write_exchange(first)
        second = make_exchange(datetime(2025, 8, 2, tzinfo=UTC), "Sat, 02 Aug 2025 00:00:00 GMT")
        request, revisit = writer.write_revisit(second, original)
        meta = writer.write_metadata(
            "https://sana.sy/en/?p=7", b"parser: V2\r\nfound-by: sitemap\r\n",
            "application/warc-fields", concurrent_to=revisit.record_id,
            refers_to=original.record_id)
        text = writer.write_resource("urn:text:https://sana.sy/en/?p=7", "نص".encode(),
                                     "text/plain; charset=utf-8", concurrent_to=original.record_id)
        conversion = writer.write_conversion("https://sana.sy/en/?p=7", b'{"title": "Same"}',
                                             "application/json", refers_to=original.record_id)
    return closed[0], dict(original=original, request=request, revisit=revisit, meta=meta,
                           text=text, conversion=conversion)


def _by_id(path: Path) -> dict[str, tuple[Any, bytes]]:
    with open(path, "rb") as stream:
        return {r.rec_headers.get_header("WARC-Record-ID"): (r, r.raw_stream.read())
                for r in ArchiveIterator(stream, check_digests=True)}


def test_revisit_headers(file_with_revisit) -> None:
    warc, locs = file_with_revisit
    records = _by_id(warc.path)
    revisit, rest = records[locs["revisit"].record_id]
    get = revisit.rec_headers.get_header
    assert get("WARC-Type") == "revisit"
    assert get("WARC-Profile") == PROFILE
    assert get("WARC-Refers-To") == locs["original"].record_id
    assert get("WARC-Refers-To-Target-URI") == "https://sana.sy/en/?p=7"
    assert get("WARC-Refers-To-Date") == "2025-08-01T00:00:00.000000Z"
    assert get("WARC-Date") == "2025-08-02T00:00:00.000000Z"
    assert get("WARC-Payload-Digest") == locs["original"].payload_digest
    assert get("WARC-Payload-Digest") == "sha256:" + hashlib.sha256(BODY).hexdigest()
    assert get("WARC-Concurrent-To") == locs["request"].record_id
    assert get("Content-Type") == "application/http;msgtype=response"
    assert revisit.http_headers.statusline == "200 OK"
    assert revisit.http_headers.get_header("Date") == "Sat, 02 Aug 2025 00:00:00 GMT"
    assert rest == b""  # status line and headers only
    block = (b"HTTP/1.1 200 OK\r\nDate: Sat, 02 Aug 2025 00:00:00 GMT\r\n"
             b"Content-Type: text/html\r\n\r\n")
    assert int(get("Content-Length")) == len(block)
    assert get("WARC-Block-Digest") == "sha256:" + hashlib.sha256(block).hexdigest()
    request, _ = records[locs["request"].record_id]
    assert request.rec_headers.get_header("WARC-Concurrent-To") == locs["revisit"].record_id


def test_generic_records(file_with_revisit) -> None:
    warc, locs = file_with_revisit
    records = _by_id(warc.path)
    meta, payload = records[locs["meta"].record_id]
    assert meta.rec_headers.get_header("WARC-Type") == "metadata"
    assert meta.rec_headers.get_header("Content-Type") == "application/warc-fields"
    assert meta.rec_headers.get_header("WARC-Concurrent-To") == locs["revisit"].record_id
    assert meta.rec_headers.get_header("WARC-Refers-To") == locs["original"].record_id
    assert payload == b"parser: V2\r\nfound-by: sitemap\r\n"
    assert meta.digest_checker.passed is True
    text, payload = records[locs["text"].record_id]
    assert text.rec_headers.get_header("WARC-Type") == "resource"
    assert text.rec_headers.get_header("WARC-Target-URI") == "urn:text:https://sana.sy/en/?p=7"
    assert payload.decode() == "نص"
    conversion, payload = records[locs["conversion"].record_id]
    assert conversion.rec_headers.get_header("WARC-Type") == "conversion"
    assert conversion.rec_headers.get_header("WARC-Refers-To") == locs["original"].record_id
    assert locs["conversion"].payload_digest == "sha256:" + hashlib.sha256(payload).hexdigest()


def test_file_with_revisit_passes_checks(file_with_revisit) -> None:
    warc, _ = file_with_revisit
    report = verify_file(warc.path, warc.sha256)
    assert report.ok, report.errors
    revisit = next(r for r in report.records if r.warc_type == "revisit")
    assert revisit.digests_checked  # warcio skips revisits: the block digest is checked by us
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc.path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_revisit_of_a_different_payload_is_refused(tmp_path: Path) -> None:
    with WarcWriter(WarcConfig(tmp_path, "sana")) as writer:
        _, original = writer.write_exchange(make_exchange(datetime(2025, 8, 1, tzinfo=UTC), "x"))
        changed = make_exchange(datetime(2025, 8, 2, tzinfo=UTC), "y", body=BODY + b" ")
        with pytest.raises(ValueError, match="write a response instead"):
            writer.write_revisit(changed, original)


def test_generic_record_type_is_checked(tmp_path: Path) -> None:
    from pipelines.warc import GenericRecord

    with WarcWriter(WarcConfig(tmp_path, "sana")) as writer, pytest.raises(ValueError):
        writer.write_record(GenericRecord("response", "https://x/", b"", "text/plain"))
