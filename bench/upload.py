"""``python -m bench.upload``: newsvault's S3 uploads against plain boto3, on the same files.

    python -m bench.upload [--files 6] [--mb 64] [--rounds 3] [--workers 1]

Starts SeaweedFS on loopback (the test suite's ``tests/support/seaweed.py``), writes
``--files`` incompressible files of ``--mb`` MiB (closed WARC files are gzip, so random bytes
are the honest stand-in), then runs each contender once per round, in rotating order:

- ``boto3``: ``client.upload_file(path, bucket, key)`` for each file, one after the other,
  with boto3's defaults (8 MiB parts, 10 threads, CRC32 checksums): the baseline;
- ``boto3+sha256``: the same with ``ChecksumAlgorithm=SHA256``: what SHA-256 alone costs;
- ``newsvault``: each file handed to ``SpooledStore.put_file`` (moved into the spool, catalog
  row), then ``close()``: the transfer manager's multipart upload with server-checked SHA-256
  parts, the local digests read alongside, a HEAD confirming the composite checksum, the
  catalog row updated and the spool copy deleted. ``--workers`` objects at a time (default 1,
  like the baseline's loop).

Prints MB/s per contender (median over rounds) and newsvault's throughput as a ratio to
``boto3`` (target: at least 0.80), and writes ``bench/results/upload-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
CONTENDERS = ("boto3", "boto3+sha256", "newsvault")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=6, help="files per round (default 6)")
    parser.add_argument("--mb", type=int, default=64, help="MiB per file (default 64)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds (default 3)")
    parser.add_argument("--workers", type=int, default=1,
                        help="objects newsvault uploads at once (default 1)")
    parser.add_argument("--quiet-wait", type=float, default=60, metavar="S",
                        help="before each round, wait up to S seconds for other load on this "
                             "shared machine to drop below 0.3 cores (default 60; 0: never)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if min(args.files, args.mb, args.rounds, args.workers) < 1:
        parser.error("--files, --mb, --rounds and --workers must be at least 1")
    return args


def make_files(directory: Path, count: int, mib: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        path = directory / f"bench-20261122000000-{i:05d}-h.warc.gz"
        with path.open("wb") as out:
            for _ in range(mib):
                out.write(os.urandom(1 << 20))
        files.append(path)
    return files


def plain(client: Any, bucket: str, extra: dict[str, str]) -> Callable[[list[Path], str], None]:
    def run(files: list[Path], prefix: str) -> None:
        for path in files:
            client.upload_file(str(path), bucket, f"{prefix}/{path.name}", ExtraArgs=extra)
    return run


def newsvault(bucket: str, work: Path, workers: int) -> Callable[[list[Path], str], None]:
    from catalog.db import connect
    from pipelines.storage import sha256_file
    from pipelines.store.options import S3Options, SpoolSettings
    from pipelines.store.s3 import S3Store
    from pipelines.store.spool import SpooledStore

    engine = connect(f"sqlite:///{work / 'catalog.sqlite'}")
    digests: dict[Path, str] = {}

    def run(files: list[Path], prefix: str) -> None:
        remote = S3Store(bucket, prefix, S3Options(addressing_style="path"))
        store = SpooledStore(remote, SpoolSettings(work / prefix / "upload", workers=workers),
                             engine)
        staged = []
        for path in files:  # the writer's closed files, as hard links (not timed)
            digests.setdefault(path, sha256_file(path))  # the writer knows it: not timed
            staged.append(work / prefix / path.name)
            os.link(path, staged[-1])
        started = time.perf_counter()
        for path, original in zip(staged, files, strict=True):
            store.put_file(f"warc/{prefix}/2026/11/{path.name}", path, digests[original])
        stats = store.close()
        run.seconds = time.perf_counter() - started  # type: ignore[attr-defined]
        if stats["newsvault/storage/uploaded"] != len(files) or stats["newsvault/storage/spooled"]:
            raise RuntimeError(f"newsvault did not upload every file: {stats}")
    return run


def measure(runs: dict[str, Callable[[list[Path], str], None]], files: list[Path],
            rounds: int, quiet_wait: float) -> dict[str, list[float]]:
    """Seconds per contender per round; the order rotates so no one always goes first."""
    from bench.procmon import wait_for_quiet

    times: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for r in range(rounds + 1):  # round 0 warms up the server and the bucket
        if quiet_wait and r:
            waited, load = wait_for_quiet(quiet_wait)
            print(f"round {r}: waited {waited:.0f} s for quiet (other load {load:.2f} cores)",
                  file=sys.stderr)
        for name in names[r % len(names):] + names[:r % len(names)]:
            started = time.perf_counter()
            runs[name](files, f"r{r}-{name.replace('+', '-')}")
            took = getattr(runs[name], "seconds", time.perf_counter() - started)
            if r:
                times[name].append(took)
            print(f"round {r}{' (warm-up)' if not r else ''}: {name:<13} {took:6.2f} s",
                  file=sys.stderr)
    return times


def report(times: dict[str, list[float]], total_mb: float, args: argparse.Namespace
           ) -> dict[str, Any]:
    median = {name: statistics.median(ts) for name, ts in times.items()}
    ratios = [b / n for b, n in zip(times["boto3"], times["newsvault"], strict=True)]
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": args.files, "mib_per_file": args.mb, "rounds": args.rounds,
        "workers": args.workers, "cpus": os.cpu_count(),
        "mb_per_s": {name: round(total_mb / s, 1) for name, s in median.items()},
        "seconds": times,
        "ratio_to_boto3": {name: round(median["boto3"] / s, 3) for name, s in median.items()},
        "newsvault_ratio_per_round": [round(r, 3) for r in ratios],
    }


def bench(args: argparse.Namespace, server: Any, work: Path) -> dict[str, Any]:
    """Run the rounds against a running SeaweedFS (``tests.support.seaweed.Seaweed``)."""
    saved = dict(os.environ)
    try:  # newsvault's client finds the server the standard way: AWS_ENDPOINT_URL
        os.environ.update({k: v for k, v in server.env().items() if k.startswith("AWS_")})
        bucket, client = server.bucket(), server.client()
        files = make_files(work / "files", args.files, args.mb)
        runs = {"boto3": plain(client, bucket, {}),
                "boto3+sha256": plain(client, bucket, {"ChecksumAlgorithm": "SHA256"}),
                "newsvault": newsvault(bucket, work, args.workers)}
        times = measure(runs, files, args.rounds, args.quiet_wait)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return report(times, args.files * args.mb * (1 << 20) / 1e6, args)


def main(argv: list[str] | None = None, server: Any = None) -> int:
    """Run the benchmark (on ``server`` if given, else on a SeaweedFS of its own)."""
    args = parse_args(argv)
    from tests.support.seaweed import Seaweed

    with tempfile.TemporaryDirectory(prefix="newsvault-upload-bench-") as tmp:
        work = Path(tmp)
        own = server is None
        if own:
            server = Seaweed(work / "weed")
            server.start()
        try:
            result = bench(args, server, work)
        finally:
            if own:
                server.stop()
    for name in CONTENDERS:
        print(f"{name:<13} {result['mb_per_s'][name]:7.1f} MB/s   "
              f"{result['ratio_to_boto3'][name]:.2f} x boto3")
    ok = result["ratio_to_boto3"]["newsvault"] >= 0.8
    print(f"newsvault / boto3 upload throughput: {result['ratio_to_boto3']['newsvault']:.2f} "
          f"(target 0.80: {'met' if ok else 'NOT met'})")
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"upload-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=1))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
