"""The audit behind ``newsvault verify``: every object the catalog lists, re-read and proved.

For each object (in the store, or still in the spool):

- it must be there, with the size and SHA-256 that every catalog claim gives it
  (`catalog.expected`): a one-byte change anywhere changes the SHA-256;
- a WARC file is walked member by member (`verify_file`, which also checks the gzip framing
  and every record's block and payload digests), and each record the catalog lists must start
  at its recorded offset, with its length, record id and payload digest;
- a text document must hash to what its capture and its provenance say;
- a provenance document must hold the provenance the catalog has.

Keys in the store that the catalog does not list are reported as unexpected.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from catalog import objects
from catalog.expected import Expect, captures_in, expectations
from pipelines.storage import LocalStore, Store
from pipelines.warcfile.records import digest_bytes
from pipelines.warcfile.verify import Report, verify_file

PROBLEMS = ("missing", "corrupt", "unexpected", "quarantined", "unreadable")


@dataclass
class Finding:
    """One object's verdict: ok, spooled (intact, waiting for its upload), or a problem."""

    key: str
    kind: str
    outlet: str
    status: str
    problems: list[str] = field(default_factory=list)
    size: int | None = None
    sha256: str | None = None

    @property
    def ok(self) -> bool:
        return self.status not in PROBLEMS

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _same_digest(a: str | None, b: str | None) -> bool:
    try:
        return a is not None and b is not None and digest_bytes(a) == digest_bytes(b)
    except ValueError:
        return False


def _bare(record_id: str | None) -> str:
    return (record_id or "").strip("<>").removeprefix("urn:uuid:")


def record_problems(report: Report, rows: list[Any]) -> list[str]:
    """Each catalogued record must be the record at its recorded offset."""
    at = {r.offset: r for r in report.records}
    problems = []
    for row in rows:
        rec = at.get(row.offset)
        where = f"record {row.record_id} at offset {row.offset}"
        if rec is None:
            problems.append(f"{where}: no record starts there")
        elif _bare(rec.record_id) != row.record_id or rec.length != row.length:
            problems.append(f"{where}: found record {_bare(rec.record_id)} of {rec.length} "
                            f"bytes, the catalog says {row.length}")
        elif row.payload_digest and not _same_digest(rec.payload_digest, row.payload_digest):
            problems.append(f"{where}: payload digest {rec.payload_digest}, the catalog says "
                            f"{row.payload_digest}")
    return problems


def _digest_problems(exp: Expect, size: int, sha256: str) -> list[str]:
    problems = [f"SHA-256 is {sha256}, {source} says {want}"
                for source, want in exp.digests.items() if want != sha256]
    if exp.size is not None and exp.size != size:
        problems.insert(0, f"size is {size} bytes, the catalog says {exp.size}")
    return problems


class Auditor:
    """Checks objects in ``store`` (and in the spool directory) against the catalog."""

    def __init__(self, engine: Engine, store: Store, spool: Path | None = None,
                 workers: int = 8) -> None:
        self.engine, self.store, self.spool, self.workers = engine, store, spool, workers

    def run(self, outlet: str | None = None) -> list[Finding]:
        """Every finding, in key order: listed objects first checked, then the unexpected."""
        expected = expectations(self.engine, outlet)
        with ThreadPoolExecutor(self.workers, thread_name_prefix="newsvault-verify") as pool:
            found = list(pool.map(self.check, [expected[k] for k in sorted(expected)]))
        prefixes = [f"warc/{outlet}/", f"text/{outlet}/"] if outlet else [""]
        for prefix in prefixes:
            found += self.unexpected(prefix, expected)
        return found

    def unexpected(self, prefix: str, expected: dict[str, Expect]) -> list[Finding]:
        """Keys under ``prefix`` in the store that the catalog does not list."""
        try:
            return [Finding(key, objects.kind_of(key), objects.outlet_of(key), "unexpected",
                            ["in the store, but the catalog does not list it"])
                    for key in self.store.keys(prefix) if key not in expected]
        except Exception as exc:  # the listing failed: say so, as a finding
            return [Finding(f"{prefix}*", "listing", objects.outlet_of(prefix + "x/x"),
                            "unreadable", [f"listing {self.store.uri}/{prefix} failed: "
                                           f"{type(exc).__name__}: {exc}"])]

    def check(self, exp: Expect) -> Finding:
        """The verdict on one listed object."""
        finding = Finding(exp.key, exp.kind, exp.outlet, "ok")
        if exp.status == "quarantined":
            finding.status, finding.problems = "quarantined", [exp.error or "set aside"]
            return finding
        try:
            with self._local(exp.key) as (where, path):
                if path is None:
                    finding.status = "missing"
                    finding.problems = [f"not in {self.store.uri}"
                                        + (" nor in the spool" if self.spool else "")]
                    return finding
                finding.problems = self._problems(exp, path, finding)
                if where == "spool":
                    finding.status = "spooled"
        except Exception as exc:  # a store that fails to answer is a finding, not a crash
            finding.status, finding.problems = "unreadable", [f"{type(exc).__name__}: {exc}"]
            return finding
        if finding.problems:
            finding.status = "corrupt"
        return finding

    @contextmanager
    def _local(self, key: str) -> Iterator[tuple[str, Path | None]]:
        """A local file holding the object: the spooled copy, the local store's file, or a
        download; (where, None) if it is nowhere."""
        spooled = self.spool / key if self.spool else None
        if spooled is not None and spooled.is_file():
            yield "spool", spooled
        elif isinstance(self.store, LocalStore):
            path = self.store.path(key)
            yield "store", path if path.is_file() else None
        else:
            with tempfile.TemporaryDirectory(prefix="newsvault-verify-") as tmp:
                path = Path(tmp) / "object"
                try:
                    self.store.download(key, path)
                except FileNotFoundError:
                    yield "store", None
                    return
                yield "store", path

    def _problems(self, exp: Expect, path: Path, finding: Finding) -> list[str]:
        if exp.kind == "warc":
            report = verify_file(path, exp.digests.get("objects")
                                 or exp.digests.get("warc_files"))
            finding.size, finding.sha256 = report.size, report.sha256
            problems = _digest_problems(exp, report.size, report.sha256)
            problems += [e for e in report.errors if not e.startswith("file SHA-256")]
            if exp.filename and report.members:
                problems += record_problems(report, captures_in(self.engine, exp.filename))
            return problems
        data = path.read_bytes()
        finding.size, finding.sha256 = len(data), hashlib.sha256(data).hexdigest()
        problems = _digest_problems(exp, finding.size, finding.sha256)
        if exp.kind == "provenance" and exp.provenance is not None and not problems:
            try:
                same = json.loads(data) == exp.provenance
            except ValueError:
                same = False
            if not same:
                problems.append("differs from the provenance in the catalog")
        return problems


def summary(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each status."""
    counts = dict.fromkeys(("ok", "spooled", *PROBLEMS), 0)
    for f in findings:
        counts[f.status] += 1
    return counts
