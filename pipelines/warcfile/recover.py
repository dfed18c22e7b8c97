"""Recover the ``.open`` WARC files that a killed writer left behind.

For each ``<name>.open``: walk its gzip members (not trusting warcio's iterator alone), keep the
longest prefix of whole records that inflate, parse and pass their digests, and write it under
``<name>``. No byte is ever deleted: the original file moves to ``quarantine/<name>.open``
(or ``quarantine/<name>.corrupt`` when not one record was whole). A file that is whole is
simply fsynced and renamed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.warcfile.model import ClosedWarc
from pipelines.warcfile.verify import CHUNK, RecordCheck, check_record, iter_members
from pipelines.warcfile.writer import OPEN_SUFFIX, fsync_directory

QUARANTINE = "quarantine"


@dataclass(frozen=True)
class Recovery:
    """What `recover` did with one ``.open`` file.

    ``recovered`` is the file now under the final name (None if nothing was whole);
    ``quarantined`` is where the original bytes are kept (None when the file was whole and was
    renamed as it was); ``problem`` says why the tail was set aside.
    """

    source: Path
    recovered: ClosedWarc | None
    quarantined: Path | None
    records_kept: int
    bytes_kept: int
    bytes_set_aside: int
    problem: str | None


def recover(directory: str | os.PathLike[str],
            on_close: Callable[[ClosedWarc], None] | None = None) -> list[Recovery]:
    """Recover every ``*.warc.gz.open`` in ``directory``; call ``on_close`` for each file kept.

    Run it before a new writer starts in the same directory (a writer refuses to reuse a name).
    """
    found = sorted(Path(directory).glob("*.warc.gz" + OPEN_SUFFIX))
    return [_recover_one(path, on_close) for path in found if not _in_use(path)]


def _in_use(path: Path) -> bool:
    """Whether a live writer holds the file (it keeps an exclusive flock while writing)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True  # closed and renamed by its writer a moment ago: nothing to recover
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _valid_prefix(path: Path) -> tuple[int, list[RecordCheck], str | None]:
    kept: list[RecordCheck] = []
    end, problem = 0, None
    with open(path, "rb") as raw, open(path, "rb") as seeker:
        for member in iter_members(raw):
            check = check_record(seeker, member.offset, member.length) if member.ok else None
            if check is None or not check.ok:
                reason = member.error or "; ".join(check.errors if check else ())
                problem = f"offset {member.offset}: {reason}"
                break
            kept.append(check)
            end = member.offset + member.length
    return end, kept, problem


def _free_name(path: Path) -> Path:
    candidate, n = path, 0
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate


def _quarantine(path: Path, name: str) -> Path:
    directory = path.parent / QUARANTINE
    directory.mkdir(exist_ok=True)
    target = _free_name(directory / name)
    os.rename(path, target)
    fsync_directory(directory)
    fsync_directory(path.parent)
    return target


def _copy_prefix(source: Path, target: Path, end: int) -> str:
    """Copy ``source[:end]`` to ``target`` atomically; return its SHA-256."""
    sha = hashlib.sha256()
    temp = target.with_name(target.name + ".recovering")
    with open(source, "rb") as src, open(temp, "wb") as dst:
        remaining = end
        while remaining:
            data = src.read(min(CHUNK * 16, remaining))
            if not data:
                raise OSError(f"{source} shrank while being recovered")
            dst.write(data)
            sha.update(data)
            remaining -= len(data)
        dst.flush()
        os.fsync(dst.fileno())
    os.rename(temp, target)
    return sha.hexdigest()


def _sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as src, open(path, "rb+") as sync:
        os.fsync(sync.fileno())
        for data in iter(lambda: src.read(CHUNK * 16), b""):
            sha.update(data)
    return sha.hexdigest()


def _recover_one(path: Path, on_close: Callable[[ClosedWarc], None] | None) -> Recovery:
    name = path.name[: -len(OPEN_SUFFIX)]
    final = path.with_name(name)
    size = path.stat().st_size
    if final.exists():
        aside = _quarantine(path, path.name)
        return Recovery(path, None, aside, 0, 0, size, f"{name} exists already; not replaced")
    end, kept, problem = _valid_prefix(path)
    if not kept:
        aside = _quarantine(path, name + ".corrupt")
        return Recovery(path, None, aside, 0, 0, size, problem or "empty file")
    moved: Path | None = None
    if end == size:
        digest = _sha256_of(path)
        os.rename(path, final)
        fsync_directory(path.parent)
    else:
        digest = _copy_prefix(path, final, end)
        moved = _quarantine(path, path.name)
    dates = [check.date or "" for check in kept]
    closed = ClosedWarc(final, name, end, digest, len(kept), min(dates), max(dates))
    if on_close:
        on_close(closed)
    return Recovery(path, closed, moved, len(kept), end, size - end, problem)
