"""WarcWriter rotation: several files, each whole, each reported once to on_close."""

from __future__ import annotations

import hashlib
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

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

START = datetime(2025, 8, 1, 6, 0, tzinfo=UTC)


def make_exchange(n: int, size: int) -> Exchange:
    """Exchange number ``n`` with an incompressible body of ``size`` bytes."""
    body = random.Random(n).randbytes(size)
    return Exchange(
        url=f"https://sana.sy/en/?p={n}", method="GET", request_headers=[("Host", "sana.sy")],
        request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
        response_headers=[("Content-Type", "image/webp")], body=body, ip_address=None,
        fetched_at=START + timedelta(seconds=n))


def _write(tmp_path: Path, sizes: list[int], max_size: int
           ) -> tuple[list[ClosedWarc], list[tuple[RecordLocation, RecordLocation]]]:
    closed: list[ClosedWarc] = []
    config = WarcConfig(tmp_path, "sana", hostname="worker-1", max_size=max_size, serial_start=7)
    with WarcWriter(config, on_close=closed.append) as writer:
        locations = [writer.write_exchange(make_exchange(n, size)) for n, size in enumerate(sizes)]
    return closed, locations


def test_rotation_makes_whole_files_each_opening_with_warcinfo(tmp_path: Path) -> None:
    closed, locations = _write(tmp_path, [3000] * 30, max_size=20_000)
    assert len(closed) >= 4
    assert sorted(tmp_path.iterdir()) == sorted(c.path for c in closed)
    serials = [int(re.search(r"-(\d{5})-worker-1\.warc\.gz$", c.filename).group(1))  # type: ignore[union-attr]
               for c in closed]
    assert serials == list(range(7, 7 + len(closed)))
    total_records = 0
    for warc in closed:
        data = warc.path.read_bytes()
        assert warc.size == len(data) <= 20_000
        assert warc.sha256 == hashlib.sha256(data).hexdigest()
        with open(warc.path, "rb") as stream:
            records = list(ArchiveIterator(stream))
            types = [r.rec_headers.get_header("WARC-Type") for r in records]
            dates = [r.rec_headers.get_header("WARC-Date") for r in records]
        assert types[0] == "warcinfo" and "warcinfo" not in types[1:]
        assert warc.records == len(types)
        assert (warc.first_date, warc.last_date) == (min(dates), max(dates))
        assert verify_file(warc.path, warc.sha256).ok
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc.path)],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout
        total_records += len(types) - 1
    assert total_records == 60
    by_name = {c.filename: c.path for c in closed}
    for request_loc, response_loc in locations:
        assert request_loc.filename == response_loc.filename  # a pair never straddles files
        for loc in (request_loc, response_loc):
            assert verify_record(by_name[loc.filename], loc.offset, loc.length,
                                 loc.payload_digest).ok


def test_a_record_larger_than_max_size_gets_a_file_of_its_own(tmp_path: Path) -> None:
    closed, locations = _write(tmp_path, [100, 50_000, 100], max_size=10_000)
    assert [c.records for c in closed] == [3, 3, 3]
    assert closed[1].size > 10_000
    assert [loc[1].filename for loc in locations] == [c.filename for c in closed]


def test_writing_after_close_starts_the_next_serial(tmp_path: Path) -> None:
    closed: list[ClosedWarc] = []
    writer = WarcWriter(WarcConfig(tmp_path, "sana", hostname="h"), on_close=closed.append)
    writer.write_exchange(make_exchange(1, 10))
    writer.close()
    writer.write_exchange(make_exchange(2, 10))
    writer.close()
    assert [c.filename.split("-")[2] for c in closed] == ["00000", "00001"]
    assert all(verify_file(c.path).ok for c in closed)
