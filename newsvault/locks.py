"""Named exclusive locks: one crawl per outlet at a time, one scheduler per archive.

Whoever starts a crawl (the scheduler, cron, systemd or a person) goes through
``run_crawl``, which takes the outlet's lock before Scrapy starts. The kind of lock
follows the catalog, because the catalog says how far "the archive" reaches:

- SQLite catalog (one machine): ``flock(2)`` on ``<NEWSVAULT_HOME>/locks/<name>.lock``.
- PostgreSQL catalog (crawls may run on several machines): a session-level advisory lock
  (``pg_try_advisory_lock``) on a connection of its own, held for as long as the lock is.

Both are released by the operating system or the server when the holder dies, even by
SIGKILL, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from newsvault.config import Config


class AlreadyHeld(Exception):
    """The lock is held by someone else; ``holder`` says who, as far as is known."""

    def __init__(self, name: str, holder: dict[str, Any]) -> None:
        self.name = name
        self.holder = holder
        super().__init__(f"{name} is locked by {describe(holder)}")


def describe(holder: dict[str, Any]) -> str:
    """``run R (trigger schedule, pid 123 on host h, since ...)`` from what is known."""
    where = " ".join(part for part in (
        f"pid {holder['pid']}" if holder.get("pid") else "",
        f"on host {holder['host']}" if holder.get("host") else "") if part)
    details = ", ".join(part for part in (
        f"trigger {holder['trigger']}" if holder.get("trigger") else "", where,
        f"since {holder['since']}" if holder.get("since") else "") if part)
    if holder.get("run_id"):
        return f"run {holder['run_id']}" + (f" ({details})" if details else "")
    return details or "another process"


def holder_info(**extra: Any) -> dict[str, Any]:
    """Who takes a lock: this process and host, now, plus ``extra`` (run_id, trigger...)."""
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"), **extra}


class FileLock(AbstractContextManager["FileLock"]):
    """``flock`` on a file; the file keeps the holder's details (JSON) for the next comer."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        self._fd: int | None = None

    def acquire(self) -> FileLock:
        """Take the lock at once, or raise AlreadyHeld naming the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Never deleted: unlinking a lock file lets two processes lock different inodes.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by children
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyHeld(self.path.stem, _read_holder(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(self.holder).encode())
        self._fd = fd
        return self

    def probe(self) -> dict[str, Any] | None:
        """Who holds the lock, without trying to take it (None: no live process does).

        Taking a lock only to look would make a starting holder fail to take it."""
        holder = _read_holder(self.path)
        pid = holder.get("pid")
        if not isinstance(pid, int) or (holder.get("host") == socket.gethostname()
                                        and not process_alive(pid)):
            return None  # released, or its holder was killed (SIGKILL leaves the details)
        return holder

    def release(self) -> None:
        """Let go (safe to call twice); the details are cleared so they never mislead."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.ftruncate(fd, 0)
            os.close(fd)  # closing the descriptor drops the flock

    def __enter__(self) -> FileLock:
        return self if self._fd is not None else self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


def _read_holder(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def process_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host (signal 0 probes, sends nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL advisory locks take a bigint)."""
    digest = hashlib.sha256(f"newsvault:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLock(AbstractContextManager["AdvisoryLock"]):
    """A PostgreSQL session-level advisory lock on a dedicated connection.

    The connection is in autocommit mode so it never sits "idle in transaction" (which
    ``idle_in_transaction_session_timeout`` would end, silently dropping the lock).
    """

    def __init__(self, url: str, name: str, holder: dict[str, Any]) -> None:
        self.url = url
        self.name = name
        self.holder = holder
        self.key = advisory_key(name)
        self._conn: Connection | None = None

    def acquire(self) -> AdvisoryLock:
        """Take the lock at once, or raise AlreadyHeld naming the holder."""
        # What the next comer learns about the holder (pg_stat_activity; 63 characters).
        label = (f"newsvault {self.holder.get('run_id') or self.name} "
                 f"{self.holder.get('trigger') or '-'} {os.getpid()}")[:63]
        engine = create_engine(self.url, poolclass=NullPool,
                               connect_args={"application_name": label})
        conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}).scalar()
        if not got:
            holder = self._holder(conn)
            conn.close()
            engine.dispose()
            raise AlreadyHeld(self.name, holder)
        self._conn = conn
        return self

    def _holder(self, conn: Connection) -> dict[str, Any]:
        # An advisory lock on a bigint shows in pg_locks as classid (high 32 bits) and
        # objid (low 32 bits), objsubid 1.
        unsigned = self.key & 0xFFFFFFFFFFFFFFFF
        row = conn.execute(text(
            "SELECT a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.granted AND l.classid = :hi AND l.objid = :lo AND l.objsubid = 1"),
            {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}).first()
        if row is None:
            return {}
        parts = str(row.application_name or "").split()
        holder: dict[str, Any] = {"host": str(row.client_addr or "") or None,
                                  "since": row.backend_start.isoformat(timespec="seconds")}
        if len(parts) == 4 and parts[0] == "newsvault":
            holder.update(run_id=parts[1], trigger=None if parts[2] == "-" else parts[2],
                          pid=int(parts[3]) if parts[3].isdigit() else None)
        return holder

    def probe(self) -> dict[str, Any] | None:
        """Who holds the lock, without trying to take it (None: nobody does)."""
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                return self._holder(conn) or None
        finally:
            engine.dispose()

    def release(self) -> None:
        """Let go (safe to call twice)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            finally:
                conn.close()
                conn.engine.dispose()

    def __enter__(self) -> AdvisoryLock:
        return self if self._conn is not None else self.acquire()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()


Lock = FileLock | AdvisoryLock


def lock_for(config: Config, name: str, **holder: Any) -> Lock:
    """The lock called ``name`` for this archive (not yet taken: call ``acquire()``)."""
    info = holder_info(**holder)
    if make_url(config.catalog_url).get_backend_name() == "postgresql":
        return AdvisoryLock(config.catalog_url, name, info)
    return FileLock(config.home / "locks" / f"{name}.lock", info)


def crawl_lock(config: Config, outlet: str, run_id: str, trigger: str) -> Lock:
    """Take the outlet's crawl lock now, or raise AlreadyHeld (one crawl per outlet)."""
    return lock_for(config, f"crawl-{outlet}", run_id=run_id, trigger=trigger).acquire()
