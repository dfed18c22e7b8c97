"""The catalog writes of many captures at once: one fsync pass and one transaction per batch.

Written per article, the catalog cost the crawl three quarters of its reactor thread
(statement building, a commit, two fsyncs and the journal rows of two spool objects, for
each article). A batch does the same work in a few executemany statements.

Order, so that the catalog never points at something that is not archived:

1. the capture rows queued by the run (their WARC records are written already);
2. the text and provenance documents: written, fsynced, placed in the spool, journalled
   in ``objects`` (`SpooledStore.spool`);
3. one transaction: articles, captures of articles, versions, events, search index,
   near-duplicate links, re-checks;
4. only then are the documents queued for upload, so a crash before step 3 commits
   leaves them in the spool, where `replay_spooled` finds them at the next start.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, select

from catalog import schema
from catalog.history import Check, record_checks, record_pages
from catalog.minhash import signature
from catalog.similar import Signed, index_and_match_many
from catalog.writer import ArticleCapture, add_captures

if TYPE_CHECKING:
    from crawler.run import Run
    from newsvault.config import Config
    from pipelines.store.spool import SpooledStore

logger = logging.getLogger(__name__)
PROVENANCE_SUFFIX = ".provenance.json"  # pipelines.storage.provenance_key


@dataclass(frozen=True)
class PageEntry:
    """An article capture with new text, ready to be written."""

    capture: ArticleCapture
    outlet: str
    docs: tuple[tuple[str, bytes], ...]  # (key, bytes): the text and its provenance
    signature: bytes | None = None
    url: str = ""  # for the log, if it fails


@dataclass(frozen=True)
class CheckEntry:
    """A re-check without new text (revisit, deletion, miss)."""

    check: Check
    url: str = ""


Entry = PageEntry | CheckEntry


@dataclass
class Batch:
    """Entries waiting for their catalog transaction; one per article (its key)."""

    entries: list[Entry] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, key: tuple[str, str], entry: Entry) -> None:
        self.entries.append(entry)
        self.keys.add(key)


@dataclass(frozen=True)
class Job:
    """One batch for the writer thread: capture rows taken off the run's queue, then the
    entries that refer to them."""

    captures: list[dict[str, Any]]
    entries: list[Entry]


class Target(Protocol):
    """What a batch is written with: the run itself (`crawler.run.Run`), or its stand-in
    in the writer process (`pipelines.batchwriter`)."""

    @property
    def config(self) -> Config: ...
    @property
    def engine(self) -> Engine: ...
    @property
    def store(self) -> SpooledStore: ...
    def write_captures(self, rows: list[dict[str, Any]]) -> None: ...


def write_rows(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Write capture rows (each record of the run's WARC files), in one transaction."""
    if rows:
        with engine.begin() as conn:
            add_captures(conn, rows)


def write(run: Target, entries: Sequence[Entry]) -> None:
    """Archive the entries' documents and write their catalog rows (steps 2 to 4)."""
    pages = [e for e in entries if isinstance(e, PageEntry)]
    stored = run.store.spool([doc for e in pages for doc in e.docs])
    with run.engine.begin() as conn:
        ids = record_pages(conn, [e.capture for e in pages]) if pages else []
        index_and_match_many(conn, [Signed(i, e.outlet, e.signature)
                                    for i, e in zip(ids, pages, strict=True) if e.signature])
        checks = [e.check for e in entries if isinstance(e, CheckEntry)]
        if checks:
            record_checks(conn, checks, run.config.deletion_misses)
    run.store.queue(stored)


def write_job(run: Target, job: Job) -> list[Entry]:
    """Runs on the writer thread: the capture rows, then the entries (`write_each`).
    Returns the entries written."""
    try:
        run.write_captures(job.captures)
    except Exception:  # the entries do not depend on them: go on, and say so
        logger.exception("could not write %d capture rows", len(job.captures))
    return write_each(run, job.entries)


def write_each(run: Target, entries: Sequence[Entry]) -> list[Entry]:
    """`write` the batch; if it fails, each entry on its own, so that one bad capture
    costs only its own catalog rows. Returns the entries written."""
    try:
        write(run, entries)
        return list(entries)
    except Exception:
        if len(entries) == 1:
            logger.exception("catalog write failed for %s", entries[0].url)
            return []
        logger.warning("a catalog batch of %d failed; writing its entries one by one",
                       len(entries), exc_info=True)
    return [e for e in entries if write_each(run, [e])]


def replay_spooled(run: Run) -> int:
    """Enter the article captures a killed run archived but never entered in the catalog;
    returns how many. Their documents are still in the spool (uploads are queued only
    after the catalog commit), and the provenance document says everything the catalog
    row needs, but for the response's ETag and Last-Modified (the next re-check of such
    an article is not conditional; it still compares payload digests)."""
    docs = _orphans(run)
    if not docs:
        return 0
    entries: list[Entry] = []
    for prov in sorted(docs, key=lambda p: p["response"]["fetched_at"]):
        entry = _replayed(run, prov)
        if entry is not None:
            entries.append(entry)
    written = []
    for group in _groups(entries, 100):
        written += write_each(run, group)
    logger.warning("entered %d captures that an interrupted run archived but had not "
                   "catalogued yet", len(written))
    return len(written)


def _orphans(run: Run) -> list[dict[str, Any]]:
    """Provenance documents in the spool whose capture the catalog does not have, of runs
    that are over. Only those are read: a key ends in ``<capture_id>.provenance.json``."""
    keys = {k.rsplit("/", 1)[-1].removesuffix(PROVENANCE_SUFFIX): k
            for k in run.store.pending() if k.endswith(PROVENANCE_SUFFIX)}
    AC, R = schema.article_captures, schema.runs
    with run.engine.connect() as conn:
        ids = list(keys)
        for start in range(0, len(ids), 500):
            for known in conn.execute(select(AC.c.capture_id).where(
                    AC.c.capture_id.in_(ids[start:start + 500]))).scalars():
                keys.pop(known, None)
        docs = [p for p in map(_read_json, (run.store.path(k) for k in keys.values()))
                if p and p.get("kind") == "page" and p.get("text")]
        # Only runs that are over: a live crawl (another outlet, another worker) may be
        # between its spool and its commit.
        live = set(conn.execute(select(R.c.id).where(
            R.c.id.in_({p["run_id"] for p in docs}) & (R.c.status == "running"))).scalars())
    return [p for p in docs if p["run_id"] not in live]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _replayed(run: Run, prov: dict[str, Any]) -> PageEntry | None:
    """The entry of an orphaned capture, rebuilt from its provenance and text documents."""
    text_key = prov["text"]["key"]
    article = _read_json(run.store.path(text_key))
    if not isinstance(article, dict):
        logger.error("capture %s: its text %s is not in the spool; run `newsvault reextract`",
                     prov["capture_id"], text_key)
        return None
    C = schema.captures
    with run.engine.connect() as conn:
        metadata_record = conn.execute(select(C.c.record_id).where(
            (C.c.concurrent_to == prov["capture_id"]) & (C.c.warc_type == "metadata"))
        ).scalar()
    fetched_at = datetime.fromisoformat(prov["response"]["fetched_at"].replace("Z", "+00:00"))
    published = to_utc(article.get("published"))
    return PageEntry(ArticleCapture(
        article=article, capture_id=prov["capture_id"], run_id=prov["run_id"],
        fetched_at=fetched_at, status=prov["response"]["status"], text_key=text_key,
        text_sha256=prov["text"]["sha256"], payload_sha256=prov["payload_sha256"],
        metadata_record=metadata_record, provenance=prov, published_utc=published),
        prov["outlet"], (), signature(article.get("body") or []), prov["response"]["url"])


def _groups(entries: list[Entry], size: int) -> list[list[Entry]]:
    """Consecutive batches of at most ``size``, each with one capture per article."""
    groups: list[list[Entry]] = [[]]
    keys: set[tuple[str, str]] = set()
    for e in entries:
        key = (e.capture.article["outlet"], e.capture.article["canonical_url"]) \
            if isinstance(e, PageEntry) else (e.check.outlet, e.check.canonical_url)
        if key in keys or len(groups[-1]) >= size:
            groups.append([])
            keys = set()
        groups[-1].append(e)
        keys.add(key)
    return [g for g in groups if g]


def to_utc(value: str | None) -> datetime | None:
    """An extracted ISO 8601 date as UTC, for sorting and filtering (None if unparsable)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
