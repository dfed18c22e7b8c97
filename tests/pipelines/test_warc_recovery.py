"""recover(): what a killed writer leaves becomes valid WARCs, and no byte is deleted."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.warc import (
    QUARANTINE,
    ClosedWarc,
    Exchange,
    RecordLocation,
    WarcConfig,
    WarcWriter,
    recover,
    verify_file,
    verify_record,
    walk_members,
)

ROOT = Path(__file__).resolve().parents[2]

# Writes exchanges until killed, printing each location once write_exchange has returned.
# os.pwrite is cut down to 64 KiB per call; "MID" is printed while a record is half written,
# so the test can kill the writer there, or just after a record was returned.
CHILD = r"""
import json, os, random, sys, time
from dataclasses import asdict
from datetime import UTC, datetime
from pipelines.warc import Exchange, WarcConfig, WarcWriter

real_pwrite = os.pwrite
def slow_pwrite(fd, data, offset):
    written = real_pwrite(fd, data[:65536], offset)
    if written < len(data):
        print("MID", flush=True)
        time.sleep(0.05)
    return written
os.pwrite = slow_pwrite

directory, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
writer = WarcWriter(WarcConfig(directory, "sana", hostname="h", max_size=2_000_000))
n = 0
while True:
    size = rng.choice([300, 20_000, 400_000, 900_000])
    kind = rng.choice(["image/jpeg", "image/jpeg", "image/jpeg", "text/html"])
    ex = Exchange(
        url=f"https://sana.sy/en/?p={n}", method="GET", request_headers=[("Host", "sana.sy")],
        request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
        response_headers=[("Content-Type", kind)], body=rng.randbytes(size),
        ip_address="127.0.0.1", fetched_at=datetime.now(UTC))
    pair = writer.write_exchange(ex)
    print(json.dumps([asdict(loc) for loc in pair]), flush=True)
    n += 1
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _warcio_check(paths: list[Path]) -> None:
    if paths:
        result = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, paths)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def _run_and_kill(directory: Path, seed: int, wait_for: int, marker: bytes
                  ) -> list[RecordLocation]:
    """Kill the writer at the ``wait_for``-th line starting with ``marker``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(directory), str(seed)],
                             stdout=subprocess.PIPE, env=env)
    assert child.stdout is not None
    lines: list[bytes] = []
    while sum(line.startswith(marker) for line in lines) < wait_for:
        lines.append(child.stdout.readline())
        assert lines[-1], "the writer died before it was killed"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    lines += child.stdout.read().splitlines(keepends=True)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    complete = [line for line in lines if line.startswith(b"[") and line.endswith(b"\n")]
    return [RecordLocation(**fields) for line in complete for fields in json.loads(line)]


# (seed, n, marker): kill at the n-th record returned ("[") or the n-th half-written one.
KILLS = [(0, 1, b"MID"), (1, 2, b"["), (2, 3, b"MID"), (3, 9, b"["), (4, 7, b"MID"),
         (5, 12, b"MID")]


@pytest.mark.slow
def test_sigkill_at_any_point_loses_no_returned_record(tmp_path: Path) -> None:
    cut_inside_a_record = 0
    for seed, wait_for, marker in KILLS:
        directory = tmp_path / f"run{seed}"
        returned = _run_and_kill(directory, seed, wait_for, marker)
        finals = sorted(directory.glob("*.warc.gz"))
        _warcio_check(finals)  # files under a final name are whole even right after the kill
        assert all(verify_file(path).ok for path in finals)
        before = {p.name: _sha256(p) for p in directory.glob("*.open")}
        recoveries = recover(directory)
        assert {r.source.name for r in recoveries} == set(before)
        assert not list(directory.glob("*.open"))
        for recovery in recoveries:
            if recovery.bytes_set_aside:
                cut_inside_a_record += 1
                assert recovery.quarantined is not None
                assert recovery.quarantined.parent.name == QUARANTINE
                assert _sha256(recovery.quarantined) == before[recovery.source.name]
        finals = sorted(directory.glob("*.warc.gz"))
        _warcio_check(finals)
        for path in finals:
            report = verify_file(path)
            assert report.ok and report.starts_with_warcinfo, report.errors
        for loc in returned:
            check = verify_record(directory / loc.filename, loc.offset, loc.length,
                                  loc.payload_digest)
            assert check.ok and check.record_id == loc.record_id, check.errors
    assert cut_inside_a_record >= sum(marker == b"MID" for _, _, marker in KILLS)


@pytest.fixture()
def closed_file(tmp_path: Path) -> tuple[bytes, str]:
    """The bytes and name of a whole file of 1 warcinfo + 6 records."""
    closed: list[ClosedWarc] = []
    with WarcWriter(WarcConfig(tmp_path / "src", "sana"), on_close=closed.append) as writer:
        for n in range(3):
            writer.write_exchange(Exchange(
                url=f"https://sana.sy/en/?p={n}", method="GET", request_headers=[],
                request_body=b"", protocol="HTTP/1.1", status=200, reason=None,
                response_headers=[("Content-Type", "text/html")], body=b"<p>x</p>" * 50 * n,
                ip_address=None, fetched_at=datetime(2025, 8, 1, tzinfo=UTC)))
    return closed[0].path.read_bytes(), closed[0].filename


def _leave_open(directory: Path, name: str, data: bytes) -> Path:
    directory.mkdir(parents=True)
    path = directory / (name + ".open")
    path.write_bytes(data)
    return path


def test_recover_keeps_the_whole_prefix_at_every_cut(closed_file, tmp_path: Path) -> None:
    data, name = closed_file
    src = tmp_path / "full.warc.gz"
    src.write_bytes(data)
    ends = [m.offset + m.length for m in walk_members(src)]
    cuts = sorted({0, *ends, *(e + 1 for e in ends[:-1]), *(e - 1 for e in ends),
                   *(e - 200 for e in ends if e > 200)})
    for cut in cuts:
        directory = tmp_path / f"cut{cut}"
        _leave_open(directory, name, data[:cut])
        calls: list[ClosedWarc] = []
        (recovery,) = recover(directory, on_close=calls.append)
        kept = max((e for e in ends if e <= cut), default=0)
        assert (recovery.bytes_kept, recovery.bytes_set_aside) == (kept, cut - kept)
        assert recovery.records_kept == (ends.index(kept) + 1 if kept else 0)
        if kept == 0:
            assert recovery.recovered is None and not (directory / name).exists()
            assert recovery.quarantined == directory / QUARANTINE / (name + ".corrupt")
            assert recovery.quarantined is not None  # for mypy
            assert recovery.quarantined.read_bytes() == data[:cut]
            continue
        assert (directory / name).read_bytes() == data[:kept]
        assert recovery.recovered is not None and calls == [recovery.recovered]
        assert recovery.recovered.sha256 == hashlib.sha256(data[:kept]).hexdigest()
        if cut == kept:  # whole: renamed as it was, nothing to set aside
            assert recovery.quarantined is None and recovery.problem is None
        else:
            assert recovery.quarantined == directory / QUARANTINE / (name + ".open")
            assert recovery.quarantined is not None  # for mypy
            assert recovery.quarantined.read_bytes() == data[:cut]
            assert recovery.problem and "truncated" in recovery.problem
    _warcio_check(sorted(tmp_path.glob("cut*/*.warc.gz")))


def test_a_corrupt_member_sets_aside_everything_after_it(closed_file, tmp_path: Path) -> None:
    data, name = closed_file
    src = tmp_path / "full.warc.gz"
    src.write_bytes(data)
    members = list(walk_members(src))
    third = members[3]
    broken = bytearray(data)
    broken[third.offset + third.length // 2] ^= 0xFF
    (recovery,) = recover(_leave_open(tmp_path / "d", name, bytes(broken)).parent)
    assert recovery.bytes_kept == third.offset and recovery.records_kept == 3
    assert recovery.problem and recovery.problem.startswith(f"offset {third.offset}:")
    assert recovery.quarantined and recovery.quarantined.read_bytes() == bytes(broken)


def test_an_existing_final_name_is_never_replaced(closed_file, tmp_path: Path) -> None:
    data, name = closed_file
    directory = tmp_path / "d"
    _leave_open(directory, name, data[:100])
    (directory / name).write_bytes(data)
    (recovery,) = recover(directory)
    assert recovery.recovered is None and "exists" in (recovery.problem or "")
    assert (directory / name).read_bytes() == data
    assert recovery.quarantined and recovery.quarantined.read_bytes() == data[:100]


def test_recover_leaves_a_live_writers_file_alone(tmp_path: Path) -> None:
    """Two crawls share the spool: one starting must never 'rescue' the other's open file."""
    from datetime import UTC, datetime

    from pipelines.warc import Exchange, WarcConfig, WarcWriter, recover

    live = WarcWriter(WarcConfig(tmp_path, "sana"))
    live.write_exchange(Exchange(
        url="https://sana.sy/en/", method="GET", request_headers=[("Host", "sana.sy")],
        request_body=b"", protocol="HTTP/1.1", status=200, reason=None,
        response_headers=[("Content-Type", "text/html")], body=b"<html></html>",
        ip_address="127.0.0.1", fetched_at=datetime.now(UTC)))
    (open_file,) = tmp_path.glob("*.open")
    assert recover(tmp_path) == []
    assert open_file.exists()
    live.close()
    assert not list(tmp_path.glob("*.open")) and len(list(tmp_path.glob("*.warc.gz"))) == 1
