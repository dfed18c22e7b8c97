"""WarcWriter: exchanges written and read back with warcio, byte for byte."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipelines.warc import (
    ClosedWarc,
    Exchange,
    RecordLocation,
    WarcConfig,
    WarcWriter,
    verify_file,
    verify_record,
)

WHEN = datetime(2013, 6, 6, 9, 30, 15, 123456, tzinfo=UTC)
HTML = (
    b"<html><head><title>Qusayr liberated</title></head><body><p>DAMASCUS, (SANA)- "
    b"The army restored security and stability to al-Qusayr. H. Said</p></body></html>"
)
ARABIC_URL = "https://sana.sy/?p=1&q=معركة القصير"


def make_exchange(**changes: object) -> Exchange:
    """A plausible article exchange; keyword arguments replace fields."""
    fields: dict[str, object] = dict(
        url="https://sana.sy/en/?p=1", method="GET",
        request_headers=[("Host", "sana.sy"), ("User-Agent", "newsvault-test"),
                         ("Accept-Encoding", "gzip, deflate")],
        request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
        response_headers=[("Content-Type", "text/html; charset=UTF-8")],
        body=HTML, ip_address="127.0.0.1", fetched_at=WHEN)
    fields.update(changes)
    return Exchange(**fields)  # type: ignore[arg-type]


EXCHANGES = {
    "binary": make_exchange(
        url="https://sana.sy/wp-content/uploads/photo.jpg",
        response_headers=[("Content-Type", "image/jpeg"), ("Content-Length", "4096")],
        body=bytes(range(256)) * 16),
    "gzip": make_exchange(
        response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                          ("Vary", "Accept-Encoding")],
        body=gzip.compress(HTML, mtime=0)),
    "cookies": make_exchange(
        url="https://sana.sy/en/?p=2",
        response_headers=[("Set-Cookie", "a=1; Path=/"), ("Content-Type", "text/html"),
                          ("Set-Cookie", "b=2; Path=/"), ("X-Note", "caf\xe9 \xa9")]),
    "chunked": make_exchange(
        url="https://sana.sy/en/?p=3",
        response_headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]),
    "truncated": make_exchange(
        url="https://sana.sy/en/?p=4", body=HTML[:40], truncated="length"),
    "arabic": make_exchange(url=ARABIC_URL, fetched_at=WHEN.replace(microsecond=0)),
    "post": make_exchange(
        url="https://sana.sy/wp-admin/admin-ajax.php", method="POST",
        request_headers=[("Host", "sana.sy"), ("Authorization", "Basic c2VjcmV0"),
                         ("Proxy-Authorization", "Basic cHJveHk="),
                         ("Content-Type", "application/x-www-form-urlencoded")],
        request_body=b"action=load_more&page=2", status=599, reason=None,
        ip_address="2001:db8::1",
        fetched_at=datetime(2013, 6, 6, 12, 30, tzinfo=timezone(timedelta(hours=3)))),
}


@pytest.fixture()
def written(tmp_path: Path) -> tuple[Path, dict[str, tuple[RecordLocation, RecordLocation]],
                                     list[ClosedWarc]]:
    """All EXCHANGES written to one file."""
    closed: list[ClosedWarc] = []
    writer = WarcWriter(WarcConfig(tmp_path, "sana", hostname="test host_1", operator="tests",
                                   robots="obey", user_agent="newsvault-test", run_id="run-1",
                                   warcinfo={"description": "unit test"}),
                        on_close=closed.append)
    locations = {name: writer.write_exchange(ex) for name, ex in EXCHANGES.items()}
    writer.close()
    return closed[0].path, locations, closed


def _records(path: Path) -> dict[str, tuple[Any, bytes]]:
    """Record id -> (record, raw payload after the HTTP headers), digests checked."""
    out = {}
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            payload = record.raw_stream.read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            out[record.rec_headers.get_header("WARC-Record-ID")] = (record, payload)
    return out


def _member(path: Path, loc: RecordLocation) -> bytes:
    with open(path, "rb") as stream:
        stream.seek(loc.offset)
        data = stream.read(loc.length)
    inflater = zlib.decompressobj(31)
    raw = inflater.decompress(data)
    assert inflater.eof and not inflater.unused_data, "location is not exactly one gzip member"
    return raw


def _block(raw: bytes) -> bytes:
    head, _, rest = raw.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
    assert rest[length:] == b"\r\n\r\n"
    return rest[:length]


def test_records_round_trip_through_warcio(written) -> None:
    path, locations, _ = written
    records = _records(path)
    for name, ex in EXCHANGES.items():
        request_loc, response_loc = locations[name]
        response, body = records[response_loc.record_id]
        request, request_body = records[request_loc.record_id]
        assert body == ex.body, name
        assert request_body == ex.request_body, name
        assert response.rec_headers.get_header("WARC-Type") == "response"
        assert request.rec_headers.get_header("WARC-Type") == "request"
        assert request.rec_headers.get_header("WARC-Concurrent-To") == response_loc.record_id
        assert response.rec_headers.get_header("WARC-Concurrent-To") == request_loc.record_id
        for record in (request, response):
            get = record.rec_headers.get_header
            assert get("WARC-Date") == ex.fetched_at.astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%S.%fZ")
            assert get("WARC-IP-Address") == ex.ip_address
            assert record.digest_checker.passed is True
        msgtype = response.rec_headers.get_header("Content-Type")
        assert msgtype == "application/http;msgtype=response"
        assert request.rec_headers.get_header("Content-Type") == "application/http;msgtype=request"
        assert response.rec_headers.get_header("WARC-Truncated") == ex.truncated


def test_digests_are_sha256_hex_of_block_and_payload(written) -> None:
    path, locations, _ = written
    for name, ex in EXCHANGES.items():
        _, response_loc = locations[name]
        block = _block(_member(path, response_loc))
        assert response_loc.block_digest == "sha256:" + hashlib.sha256(block).hexdigest()
        assert response_loc.payload_digest == "sha256:" + hashlib.sha256(ex.body).hexdigest()
        assert block.endswith(ex.body)


def test_response_header_block_is_rebuilt_byte_exact(written) -> None:
    path, locations, _ = written
    block = _block(_member(path, locations["cookies"][1]))
    assert block.startswith(
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\nContent-Type: text/html\r\n"
        b"Set-Cookie: b=2; Path=/\r\nX-Note: caf\xe9 \xa9\r\n\r\n<html>")
    chunked = _block(_member(path, locations["chunked"][1]))
    assert b"\r\nX-Archive-Orig-Transfer-Encoding: chunked\r\n" in chunked
    assert b"\r\nTransfer-Encoding" not in chunked
    assert b"Content-Length" not in chunked  # none added when the server sent none
    unknown = _block(_member(path, locations["post"][1]))
    assert unknown.startswith(b"HTTP/1.1 599 \r\n")


def test_request_line_headers_and_redaction(written) -> None:
    path, locations, _ = written
    block = _block(_member(path, locations["post"][0]))
    assert block == (
        b"POST /wp-admin/admin-ajax.php HTTP/1.1\r\nHost: sana.sy\r\n"
        b"Authorization: [redacted]\r\nProxy-Authorization: [redacted]\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n\r\naction=load_more&page=2")
    get_block = _block(_member(path, locations["gzip"][0]))
    assert get_block.startswith(b"GET /en/?p=1 HTTP/1.1\r\nHost: sana.sy\r\n")


def test_arabic_url_is_percent_encoded_on_the_wire(written) -> None:
    path, locations, _ = written
    request_loc, response_loc = locations["arabic"]
    expected = ("https://sana.sy/?p=1&q=%D9%85%D8%B9%D8%B1%D9%83%D8%A9%20"
                "%D8%A7%D9%84%D9%82%D8%B5%D9%8A%D8%B1")
    assert response_loc.target_uri == expected
    assert request_loc.target_uri == expected
    assert response_loc.date == "2013-06-06T09:30:15.000000Z"
    block = _block(_member(path, request_loc))
    assert block.startswith(b"GET /?p=1&q=%D9%85%D8%B9%D8%B1%D9%83%D8%A9%20")


def test_http_headers_parse_in_order_with_warcio(written) -> None:
    path, locations, _ = written
    records = _records(path)
    response, _ = records[locations["cookies"][1].record_id]
    assert response.http_headers.statusline == "200 OK"
    names = [name for name, _ in response.http_headers.headers]
    assert names == ["Set-Cookie", "Content-Type", "Set-Cookie", "X-Note"]
    gzipped, _ = records[locations["gzip"][1].record_id]
    assert gzipped.http_headers.get_header("Content-Encoding") == "gzip"
    with open(path, "rb") as stream:  # warcio decodes the stored Content-Encoding itself
        stream.seek(locations["gzip"][1].offset)
        record = next(iter(ArchiveIterator(stream)))
        assert record.content_stream().read() == HTML


def test_locations_point_at_exact_members(written) -> None:
    path, locations, _ = written
    for request_loc, response_loc in locations.values():
        for loc in (request_loc, response_loc):
            raw = _member(path, loc)
            assert f"WARC-Record-ID: {loc.record_id}".encode() in raw
            assert loc.filename == path.name
            check = verify_record(path, loc.offset, loc.length, loc.payload_digest)
            assert check.ok, check.errors
            assert check.record_id == loc.record_id


def test_warcio_check_cli_accepts_the_file(written) -> None:
    path, _, _ = written
    result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("digest pass") == 1 + 2 * len(EXCHANGES)
    assert verify_file(path).ok


def test_file_name_warcinfo_and_on_close(written, tmp_path: Path) -> None:
    path, _, closed = written
    assert re.fullmatch(r"sana-\d{14}-00000-test-host-1\.warc\.gz", path.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    data = path.read_bytes()
    assert closed == [ClosedWarc(path, path.name, len(data), hashlib.sha256(data).hexdigest(),
                                 1 + 2 * len(EXCHANGES), closed[0].first_date,
                                 closed[0].last_date)]
    assert closed[0].first_date == "2013-06-06T09:30:00.000000Z"  # the POST, 12:30+03:00
    with open(path, "rb") as stream:
        first = next(iter(ArchiveIterator(stream)))
        assert first.rec_headers.get_header("WARC-Type") == "warcinfo"
        assert first.rec_headers.get_header("WARC-Filename") == path.name
        assert first.rec_headers.protocol == "WARC/1.1"
        fields = dict(line.split(": ", 1) for line in
                      first.raw_stream.read().decode().splitlines())
    assert fields["format"] == "WARC File Format 1.1"
    assert fields["conformsTo"].endswith("/warc-1.1/")
    assert fields["software"].startswith("newsvault/") and "warcio/" in fields["software"]
    assert {k: fields[k] for k in ("hostname", "operator", "robots", "http-header-user-agent",
                                   "isPartOf", "run-id", "description")} == {
        "hostname": "test host_1", "operator": "tests", "robots": "obey",
        "http-header-user-agent": "newsvault-test", "isPartOf": "sana", "run-id": "run-1",
        "description": "unit test"}


def test_file_is_open_until_closed(tmp_path: Path) -> None:
    writer = WarcWriter(WarcConfig(tmp_path, "sana"))
    assert writer.current_path is None and not list(tmp_path.iterdir())
    writer.write_exchange(make_exchange())
    open_path = writer.current_path
    assert open_path is not None and open_path.name.endswith(".warc.gz.open")
    writer.close()
    writer.close()
    assert not open_path.exists() and open_path.with_suffix("").exists()


@pytest.mark.parametrize(("changes", "message"), [
    ({"fetched_at": datetime(2013, 6, 6)}, "timezone"),
    ({"truncated": "partly"}, "truncated"),
    ({"extra_warc_headers": [("WARC-Date", "x")]}, "set by the writer"),
    ({"response_headers": [("X-Evil", "a\r\nInjected: 1")]}, "CR or LF"),
    ({"protocol": "HTTP/one"}, "protocol"),
    ({"url": "/relative"}, "absolute"),
])
def test_bad_input_is_refused_with_a_fix(tmp_path: Path, changes, message: str) -> None:
    writer = WarcWriter(WarcConfig(tmp_path, "sana"))
    with pytest.raises(ValueError, match=message):
        writer.write_exchange(make_exchange(**changes))
    writer.close()
    assert not list(tmp_path.iterdir())  # nothing was opened for a refused record


def test_bad_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outlet"):
        WarcWriter(WarcConfig(tmp_path, "Sana News"))
    with pytest.raises(ValueError, match="gzip_level"):
        WarcWriter(WarcConfig(tmp_path, "sana", gzip_level=10))


def test_http2_and_non_latin1_header_values(tmp_path: Path) -> None:
    ex = make_exchange(protocol="HTTP/2", reason="",
                       response_headers=[("content-type", "text/html"), ("x-title", "نص")])
    with WarcWriter(WarcConfig(tmp_path, "sana")) as writer:
        _, loc = writer.write_exchange(ex)
    path = tmp_path / loc.filename
    block = _block(_member(path, loc))
    assert block.startswith("HTTP/2 200 \r\ncontent-type: text/html\r\nx-title: نص\r\n".encode())
    assert verify_file(path).ok


def test_userinfo_password_and_fragment_are_not_archived(tmp_path: Path) -> None:
    with WarcWriter(WarcConfig(tmp_path, "sana")) as writer:
        request_loc, _ = writer.write_exchange(
            make_exchange(url="https://user:secret@sana.sy/en/?p=1#comments"))
    assert request_loc.target_uri == "https://user@sana.sy/en/?p=1"


def test_cdxj_indexer_indexes_responses_at_their_locations(written) -> None:
    path, locations, _ = written
    result = subprocess.run(
        [sys.executable, "-c", "from cdxj_indexer.main import main; main()", str(path)],
        capture_output=True, text=True, check=True)
    entries = {}
    for line in result.stdout.splitlines():
        urlkey, timestamp, data = line.split(" ", 2)
        entries[json.loads(data)["url"]] = (urlkey, timestamp, json.loads(data))
    for name, ex in EXCHANGES.items():
        _, loc = locations[name]
        assert loc.target_uri is not None
        urlkey, timestamp, entry = entries[loc.target_uri]
        assert timestamp == ex.fetched_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        assert (int(entry["offset"]), int(entry["length"])) == (loc.offset, loc.length)
        assert entry["digest"] == loc.payload_digest
        assert entry["status"] == str(ex.status)
        assert entry["filename"] == path.name
    assert entries["https://sana.sy/en/?p=1"][0] == "sy,sana)/en?p=1"


def test_writer_has_no_scrapy_import() -> None:
    code = ("import sys, pipelines.warc, pipelines.warcfile.recover; "
            "assert not any(m == 'scrapy' or m.startswith('scrapy.') for m in sys.modules)"
            "; assert 'twisted.internet.reactor' not in sys.modules")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get(
        "PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
