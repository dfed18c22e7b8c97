"""One crawl run: its id, WARC writer, store and catalog, shared by the crawl components.

The RunExtension opens it when the spider opens and closes it when the spider closes;
the capture middleware and the pipelines reach it with ``Run.of(crawler)``.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog import writer as catalog
from catalog.db import connect
from crawler.recordid import bare_id
from newsvault import __version__
from newsvault.config import Config
from newsvault.locks import process_alive
from pipelines.batch import replay_spooled, write_rows
from pipelines.storage import store_from_uri, warc_key
from pipelines.store.spool import SpooledStore
from pipelines.warc import ClosedWarc, RecordLocation, WarcConfig, WarcWriter, recover

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy import Engine

logger = logging.getLogger(__name__)
OPTIONAL_CAPTURE_COLUMNS = dict.fromkeys(("status", "content_type", "concurrent_to", "truncated"))


def new_run_id(when: datetime | None = None) -> str:
    """Sortable and unique: ``20261122T024400Z-3f9a1c``."""
    when = when or datetime.now(UTC)
    return f"{when:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass
class RunInfo:
    """What a run is: recorded in the catalog, warcinfo and every provenance document."""

    run_id: str
    outlet: str
    edition: str | None
    trigger: str
    args: dict[str, Any]
    spider_version: str
    robots: str  # "obey" | "ignore"
    user_agent: str
    proxy: str | None = None
    warc_host: str = ""  # the host part of WARC file names (default: the config's host)


@dataclass
class Run:
    """The live state of one run (single reactor thread; no locking needed)."""

    info: RunInfo
    config: Config
    store: SpooledStore
    engine: Engine
    writer: WarcWriter | None = None
    pending: list[dict[str, Any]] = field(default_factory=list)
    warc_files: list[str] = field(default_factory=list)
    status: str = "running"
    error: str | None = None
    storage_stats: dict[str, int] = field(default_factory=dict)
    # counts of the documents the catalog writer process stored (pipelines.batchwriter)
    writer_storage: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def of(crawler: Crawler) -> Run:
        run = getattr(crawler, "newsvault_run", None)
        if run is None:
            raise RuntimeError("no newsvault run on this crawler: is RunExtension enabled?")
        return run

    @classmethod
    def create(cls, info: RunInfo, config: Config) -> Run:
        engine = connect(config.catalog_url)
        # Every object goes to the local spool first and is uploaded from there.
        remote = store_from_uri(config.storage_uri, config.s3_options)
        return cls(info, config, SpooledStore(remote, config.spool_settings, engine), engine)

    @property
    def warc_dir(self) -> Path:
        return self.config.spool_dir / "warc"

    def open(self) -> None:
        """Record the run, rescue WARC files left by a killed run, start a new WARC file."""
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        catalog.mark_dead_runs(self.engine, self.config.host, process_alive)
        catalog.start_run(self.engine, {
            "id": self.info.run_id, "outlet": self.info.outlet, "edition": self.info.edition,
            "trigger": self.info.trigger, "host": self.config.host, "pid": os.getpid(),
            "args": self.info.args, "software": f"newsvault/{__version__}"})
        self.rescue_interrupted()
        # Captures a killed run archived but had not yet entered (pipelines.batch); before
        # the uploads start, while their documents are still in the spool.
        replay_spooled(self)
        # What earlier runs left in the spool is uploaded alongside this run (the sync that
        # starts every crawl).
        self.store.resume()
        self.writer = WarcWriter(self._warc_config(), on_close=self._stored)

    def _warc_config(self) -> WarcConfig:
        i = self.info
        return WarcConfig(
            directory=self.warc_dir, outlet=i.outlet, hostname=i.warc_host or self.config.host,
            max_size=self.config.warc_max_size,
            software=f"newsvault/{__version__} (spider {i.outlet} v{i.spider_version})",
            operator=self.config.operator, robots=i.robots, user_agent=i.user_agent,
            run_id=i.run_id, is_part_of=f"newsvault-{i.outlet}",
            warcinfo={"newsvault-trigger": i.trigger, **({"proxy": i.proxy} if i.proxy else {})})

    def rescue_interrupted(self) -> None:
        """Files a killed run left open are stored (see ``rescue_warcs``)."""
        self.warc_files.extend(rescue_warcs(self.warc_dir, self.engine, self.store))

    def record(self, loc: RecordLocation, **extra: Any) -> None:
        """Queue a catalog row for a written record (flushed in batches by ``flush``)."""
        self.pending.append({
            # Every row has every column: the batch is one executemany, which takes the
            # columns of its first row.
            **OPTIONAL_CAPTURE_COLUMNS,
            "record_id": bare_id(loc.record_id), "run_id": self.info.run_id,
            "outlet": self.info.outlet, "warc_type": loc.warc_type,
            "target_uri": loc.target_uri, "date": _parse_warc_date(loc.date),
            "filename": loc.filename, "offset": loc.offset, "length": loc.length,
            "block_digest": loc.block_digest, "payload_digest": loc.payload_digest, **extra})

    def flush(self) -> None:
        """Write the queued capture rows now."""
        self.write_captures(self.take_pending())

    def take_pending(self) -> list[dict[str, Any]]:
        """The queued capture rows, now off the queue (reactor thread only)."""
        rows, self.pending = self.pending, []
        return rows

    def write_captures(self, rows: list[dict[str, Any]]) -> None:
        """Write capture rows taken off the queue (any thread)."""
        write_rows(self.engine, rows)

    def close(self, status: str, stats: dict[str, Any], error: str | None) -> None:
        self.flush()
        if self.writer is not None:
            self.writer.close()
        # Wait for the uploads; what could not be uploaded stays spooled and is counted.
        self.storage_stats = self.store.close()
        for name, count in self.writer_storage.items():
            self.storage_stats[name] = self.storage_stats.get(name, 0) + count
        catalog.finish_run(self.engine, self.info.run_id, status,
                           {**stats, **self.storage_stats,
                            "warc_files": list(self.warc_files)}, error)

    def _stored(self, closed: ClosedWarc) -> None:
        self.flush()  # capture rows must exist before the file is registered as stored
        self._store_file(closed, status="stored", index=False)

    def _store_file(self, closed: ClosedWarc, status: str, index: bool) -> None:
        store_warc(self.engine, self.store, self.info.outlet, closed, status,
                   None if index else self.info.run_id)
        self.warc_files.append(closed.filename)


def store_warc(engine: Engine, store: SpooledStore, outlet: str, closed: ClosedWarc,
               status: str, run_id: str | None) -> None:
    """Store a closed WARC file and register it. ``run_id`` None: a rescued file, whose
    records are indexed from its bytes (the run that wrote them never recorded them all)."""
    key = warc_key(outlet, closed.filename)
    obj = store.put_file(key, closed.path, closed.sha256)
    if run_id is None:
        from catalog.indexer import index_warc_bytes

        _, run_id = index_warc_bytes(engine, store, key, closed.filename, outlet=outlet)
    catalog.add_warc_file(engine, {
        "filename": closed.filename, "key": key, "run_id": run_id, "outlet": outlet,
        "size": obj.size, "sha256": obj.sha256, "records": closed.records, "etag": obj.etag,
        "status": status, "stored_at": obj.stored_at})


def rescue_warcs(warc_dir: Path, engine: Engine, store: SpooledStore) -> list[str]:
    """Files a killed process left open are cut back to their last whole record and stored;
    what cannot be read is set aside in quarantine, never deleted. Returns the names kept.
    Run by every crawl as it starts, and by ``newsvault sync`` (a dead worker's machine)."""
    kept = []
    for rec in recover(warc_dir):
        logger.warning("interrupted WARC %s: kept %d records (%d bytes), set aside %d "
                       "bytes in %s%s", rec.source.name, rec.records_kept, rec.bytes_kept,
                       rec.bytes_set_aside, rec.quarantined,
                       f" ({rec.problem})" if rec.problem else "")
        if rec.recovered is not None:
            # <outlet>-<stamp>-<serial>-<host>.warc.gz: a spool may hold several outlets'.
            outlet = rec.recovered.filename.split("-", 1)[0]
            store_warc(engine, store, outlet, rec.recovered, "recovered", None)
            kept.append(rec.recovered.filename)
    return kept


def _parse_warc_date(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
