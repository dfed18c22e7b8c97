"""The catalog writer process: batches written there as on a thread, and a writer killed
mid-run costs no capture."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections import Counter
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from catalog import objects, schema
from catalog.minhash import signature
from crawler.run import Run
from pipelines.batch import Job, PageEntry
from pipelines.batchwriter import ProcessWriter, use_process
from pipelines.catalog import CatalogPipeline
from pipelines.extract.job import text_document
from pipelines.storage import provenance_key
from tests.pipelines.test_batch import cap, provenance, run_in, story

LOG = {"file": None, "level": "INFO", "format": "%(message)s", "datefmt": None}


def entries(prefix: str, count: int) -> list[PageEntry]:
    """Article captures with their text and provenance documents, ready for a batch."""
    made = []
    for n in range(count):
        c = cap(f"{prefix}{n}", "a", n, f"Title {prefix}{n}", story(n), n)
        doc = text_document(dict(c.article))
        prov = json.dumps(provenance(c, doc)).encode()
        made.append(PageEntry(c, "a", ((c.text_key, doc), (provenance_key(c.text_key), prov)),
                              signature(c.article["body"]), c.article["url"]))
    return made


def catalogued(run: Run) -> int:
    with run.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.article_captures))
                   .scalar_one())


def test_modes() -> None:
    assert use_process("process") and not use_process("thread")
    assert use_process("auto") == ((os.cpu_count() or 1) > 1)
    with pytest.raises(ValueError, match="NEWSVAULT_CATALOG_WRITER='fork'"):
        use_process("fork")


@pytest.mark.slow
def test_the_writer_process_writes_batches_and_stores_their_documents(tmp_path: Path) -> None:
    run = run_in(tmp_path / "home")
    batch = entries("p", 3)
    writer = ProcessWriter(run.config, LOG)
    assert writer.submit(Job([], batch)).result(timeout=60) == [0, 1, 2]
    stats = writer.close()
    assert stats == {"newsvault/storage/uploaded": 6, "newsvault/storage/retries": 0,
                     "newsvault/storage/failed": 0}  # "spooled" is the run's to count
    assert catalogued(run) == 3
    rows = objects.listing(run.engine)
    assert len(rows) == 6 and {r["status"] for r in rows} == {"stored"}
    for e in batch:
        for key, data in e.docs:
            assert run.store.remote.get_bytes(key) == data
    run.store.close()


class Stats(Counter[str]):
    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] += count


@pytest.mark.slow
def test_a_killed_writer_process_loses_no_capture(tmp_path: Path) -> None:
    run = run_in(tmp_path / "home")
    stats = Stats()
    settings = {"LOG_FILE": None, "LOG_LEVEL": "INFO", "LOG_FORMAT": "%(message)s",
                "LOG_DATEFORMAT": None}
    crawler = SimpleNamespace(stats=stats, newsvault_run=run,
                              settings=SimpleNamespace(get=settings.get))
    run.config = replace(run.config, catalog_writer="process")
    pipeline = CatalogPipeline(crawler)  # type: ignore[arg-type]

    async def write(batch: list[PageEntry]) -> None:
        for e in batch:
            pipeline.batch.add(("a", e.capture.article["canonical_url"]), e)
        pipeline.flush()
        while pipeline.writing is not None:
            await asyncio.wait([pipeline.writing])

    async def scenario() -> Any:
        await write(entries("x", 2))
        assert isinstance(pipeline.writer, ProcessWriter)
        (pid,) = pipeline.writer.pool._processes  # the writer process
        os.kill(pid, signal.SIGKILL)
        await write(entries("y", 2))  # refused by the dead process, written on a thread
        await pipeline.close_spider()

    asyncio.run(scenario())
    assert stats["newsvault/articles/stored"] == 4 and "newsvault/catalog/failed" not in stats
    assert catalogued(run) == 4
    run.store.close()
