"""Where the catalog batches (`pipelines.batch`) are written: a process of their own, or a
thread of the crawl process.

In a thread, the writer shares the crawl process's interpreter lock with the reactor. Its
work is many short system calls (files created, linked and synced, SQLite pages written),
and after each one it must win the lock back from the reactor: measured on a 2,000-page
crawl, the crawl process was then one saturated core while the second core was half idle.
In a process of its own (the default on a machine with a spare core) the writer has its
own interpreter, catalog connection and spool uploader, and the reactor only pickles each
batch across a pipe.

The writer process dies with the crawl process (``PR_SET_PDEATHSIG`` on Linux): a batch
cut short by a kill is rolled back by the database, its documents stay in the spool, and
the next run enters them (`pipelines.batch.replay_spooled`), exactly as when the crawl
process itself is killed mid-batch.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalog.db import connect
from newsvault.config import Config
from pipelines.batch import Job, write_job, write_rows
from pipelines.helpers import die_with_parent, spawn_context
from pipelines.storage import store_from_uri
from pipelines.store.spool import SpooledStore

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from crawler.run import Run

MODES = ("auto", "process", "thread")


def use_process(mode: str) -> bool:
    """Whether batches are written in a process of their own (``auto``: if there is a
    spare core)."""
    if mode not in MODES:
        raise ValueError(f"NEWSVAULT_CATALOG_WRITER={mode!r}: use one of {', '.join(MODES)}")
    return mode == "process" or (mode == "auto" and (os.cpu_count() or 1) > 1)


def _written(job: Job, written: list[Any]) -> list[int]:
    """Positions of the written entries in the job: what crosses back to the reactor."""
    ids = {id(entry) for entry in written}
    return [i for i, entry in enumerate(job.entries) if id(entry) in ids]


class ThreadWriter:
    """Batches written on one thread of the crawl process, with the run's own store."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="newsvault-catalog")

    def submit(self, job: Job) -> Future[list[int]]:
        return self.pool.submit(lambda: _written(job, write_job(self.run, job)))

    def close(self) -> dict[str, int]:
        """Wait for the batches; the run's store counts the uploads."""
        self.pool.shutdown(wait=True)
        return {}


@dataclass
class _Target:
    """What `write_job` needs of a run, rebuilt in the writer process."""

    config: Config
    engine: Engine
    store: SpooledStore

    def write_captures(self, rows: list[dict[str, Any]]) -> None:
        write_rows(self.engine, rows)


_TARGET: _Target | None = None  # the writer process's, made by _start


def _start(config: Config, log: dict[str, Any]) -> None:
    """The writer process's start: die with the crawl, log where it logs, open the catalog
    and the store."""
    global _TARGET
    die_with_parent()
    handler = (logging.FileHandler(log["file"], encoding="utf-8") if log.get("file")
               else logging.StreamHandler())
    handler.setFormatter(logging.Formatter(log["format"], log["datefmt"]))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(log["level"])
    engine = connect(config.catalog_url, migrate=False)  # the crawl migrated it
    store = SpooledStore(store_from_uri(config.storage_uri, config.s3_options),
                         config.spool_settings, engine)
    _TARGET = _Target(config, engine, store)


def _write(job: Job) -> list[int]:
    assert _TARGET is not None
    return _written(job, write_job(_TARGET, job))


def _close() -> dict[str, int]:
    assert _TARGET is not None
    return _TARGET.store.close()


class ProcessWriter:
    """Batches written in a process of its own, with its own catalog engine and store."""

    def __init__(self, config: Config, log: dict[str, Any]) -> None:
        self.pool = ProcessPoolExecutor(1, mp_context=spawn_context(),
                                        initializer=_start, initargs=(config, log))
        self.pool.submit(os.getpid)  # the process starts on a first job: start it now

    def submit(self, job: Job) -> Future[list[int]]:
        return self.pool.submit(_write, job)

    def close(self) -> dict[str, int]:
        """Wait for the batches and the process's uploads; their counts, but for
        ``spooled``, which the run's own store counts last, over the whole spool."""
        try:
            stats = self.pool.submit(_close).result()
        finally:
            self.pool.shutdown(wait=True)
        stats.pop("newsvault/storage/spooled", None)
        return stats
