"""The spool: nothing lost when the store fails, nothing deleted before it is confirmed."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from catalog import objects
from catalog.db import connect
from pipelines.storage import LocalStore, SpoolCorrupt, StoredObject, StoreError
from pipelines.store import spool
from pipelines.store.options import SpoolSettings
from pipelines.store.spool import SpooledStore
from pipelines.store.uploader import Breaker, backoff

KEYS = [f"text/sana/2026/11/c{i}.json" for i in range(8)]


class Flaky:
    """A LocalStore whose uploads fail while ``down`` (or for the first ``fail`` calls)."""

    def __init__(self, root: Path, fail: int = 0, delay: float = 0.0) -> None:
        self.inner, self.fail, self.delay = LocalStore(root), fail, delay
        self.down = False
        self.uri = self.inner.uri
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def put_file(self, key: str, path: Path, sha256: str | None = None) -> StoredObject:
        with self.lock:
            self.calls[key] += 1
            failing = self.down or self.fail > 0
            self.fail -= 1
        time.sleep(self.delay)
        if failing:
            raise ConnectionError("connection refused (the store is down)")
        return self.inner.put_file(key, path, sha256)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return connect(f"sqlite:///{tmp_path / 'catalog.sqlite'}")


@pytest.fixture
def settings(tmp_path: Path) -> SpoolSettings:
    return SpoolSettings(tmp_path / "spool" / "upload", attempts=3, backoff=0.01,
                         max_backoff=0.02, workers=2, trip_after=2, cooldown=60)


def test_objects_are_spooled_then_uploaded_and_recorded(tmp_path: Path, engine: Engine,
                                                        settings: SpoolSettings) -> None:
    store = SpooledStore(LocalStore(tmp_path / "store"), settings, engine)
    obj = store.put_bytes(KEYS[0], b'{"a": 1}')
    assert obj.verified_by == "spooled" and obj.sha256 == hashlib.sha256(b'{"a": 1}').hexdigest()
    assert store.get_bytes(KEYS[0]) == b'{"a": 1}'  # readable at once, wherever it is
    warc = tmp_path / "w.warc.gz"
    warc.write_bytes(b"w" * 5000)
    store.put_file("warc/sana/2026/11/w.warc.gz", warc, hashlib.sha256(b"w" * 5000).hexdigest())
    assert not warc.exists()
    stats = store.close()
    assert stats == {"newsvault/storage/uploaded": 2, "newsvault/storage/retries": 0,
                     "newsvault/storage/failed": 0, "newsvault/storage/spooled": 0}
    assert (tmp_path / "store" / KEYS[0]).read_bytes() == b'{"a": 1}'
    assert store.pending() == []
    rows = {r["key"]: r for r in objects.listing(engine)}
    assert set(rows) == {KEYS[0], "warc/sana/2026/11/w.warc.gz"}
    for row in rows.values():
        assert row["status"] == "stored" and row["verified_by"] == "local"
        assert row["stored_at"] >= row["spooled_at"] and row["store"] == store.uri
    assert rows["warc/sana/2026/11/w.warc.gz"]["size"] == 5000
    assert rows[KEYS[0]]["kind"] == "text" and rows[KEYS[0]]["outlet"] == "sana"


def test_failed_uploads_are_retried_with_backoff(tmp_path: Path, engine: Engine,
                                                 settings: SpoolSettings) -> None:
    remote = Flaky(tmp_path / "store", fail=2)
    policy = replace(settings, backoff=1.0, max_backoff=8.0, trip_after=5)
    store = SpooledStore(remote, policy, engine)
    waits: list[float] = []
    store.uploader.sleep = waits.append
    store.put_bytes(KEYS[0], b"{}")
    stats = store.close()
    assert remote.calls[KEYS[0]] == 3
    assert len(waits) == 2 and 0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0
    assert stats["newsvault/storage/uploaded"] == 1 and stats["newsvault/storage/retries"] == 2
    assert stats["newsvault/storage/spooled"] == 0


def test_an_outage_leaves_everything_spooled_then_sync_uploads_it(
        tmp_path: Path, engine: Engine, settings: SpoolSettings) -> None:
    remote = Flaky(tmp_path / "store", delay=0.05)
    remote.down = True
    store = SpooledStore(remote, settings, engine)
    for i, key in enumerate(KEYS):
        store.put_bytes(key, f'{{"n": {i}}}'.encode())
    stats = store.close()
    assert stats["newsvault/storage/spooled"] == len(KEYS)
    assert stats["newsvault/storage/uploaded"] == 0
    # two tries failed, then uploads paused: most objects were not even tried
    assert sum(remote.calls.values()) <= settings.trip_after + settings.workers
    assert store.pending() == sorted(KEYS)
    assert objects.counts(engine)["spooled"] == len(KEYS)
    assert not list((tmp_path / "store").rglob("*.json"))

    remote.down = False  # the store is back: `newsvault sync` is resume() then close()
    sync = SpooledStore(remote, settings, engine)
    assert sync.resume() == len(KEYS)
    stats = sync.close()
    assert stats["newsvault/storage/uploaded"] == len(KEYS)
    assert stats["newsvault/storage/spooled"] == 0 and sync.pending() == []
    for i, key in enumerate(KEYS):
        assert (tmp_path / "store" / key).read_bytes() == f'{{"n": {i}}}'.encode()
    assert objects.counts(engine) == {"spooled": 0, "stored": len(KEYS), "quarantined": 0}


def test_a_spooled_copy_that_changed_is_set_aside_not_uploaded(
        tmp_path: Path, engine: Engine, settings: SpoolSettings) -> None:
    remote = Flaky(tmp_path / "store")
    remote.down = True
    store = SpooledStore(remote, settings, engine)
    store.put_bytes(KEYS[0], b'{"text": "original"}')
    store.close()
    spooled = store.path(KEYS[0])
    spooled.chmod(0o644)
    spooled.write_bytes(b'{"text": "originaL"}')  # bit rot while S3 was away
    remote.down = False
    sync = SpooledStore(remote, settings, engine)
    sync.resume()
    stats = sync.close()
    assert stats["newsvault/storage/failed"] == 1 and stats["newsvault/storage/uploaded"] == 0
    assert not (tmp_path / "store" / KEYS[0]).exists()
    assert (sync.quarantine / KEYS[0]).read_bytes() == b'{"text": "originaL"}'
    row = objects.get(engine, KEYS[0])
    assert row is not None and row["status"] == "quarantined" and "changed" in row["error"]


def test_a_key_is_never_given_other_bytes(tmp_path: Path, engine: Engine,
                                          settings: SpoolSettings) -> None:
    store = SpooledStore(LocalStore(tmp_path / "store"), settings, engine)
    store.put_bytes(KEYS[0], b"one")
    assert store.put_bytes(KEYS[0], b"one").sha256 == hashlib.sha256(b"one").hexdigest()
    with pytest.raises(StoreError, match="never overwritten"):
        store.put_bytes(KEYS[0], b"two")
    store.close()
    assert store.get_bytes(KEYS[0]) == b"one"


def test_two_processes_syncing_one_spool_upload_each_object_once(
        tmp_path: Path, engine: Engine, settings: SpoolSettings) -> None:
    remote = Flaky(tmp_path / "store")
    remote.down = True
    first = SpooledStore(remote, settings, engine)
    for key in KEYS:
        first.put_bytes(key, key.encode())
    first.close()
    remote.down, remote.delay = False, 0.05
    remote.calls.clear()
    a, b = SpooledStore(remote, settings, engine), SpooledStore(remote, settings, engine)
    a.resume()
    b.resume()  # same keys, while a is uploading them
    a.close()
    b.close()
    assert remote.calls == Counter(KEYS)  # each object uploaded exactly once
    assert a.pending() == [] and objects.counts(engine)["stored"] == len(KEYS)
    assert all((tmp_path / "store" / k).read_bytes() == k.encode() for k in KEYS)


def test_a_crash_between_upload_and_catalog_write_is_settled(
        tmp_path: Path, engine: Engine, settings: SpoolSettings) -> None:
    remote = LocalStore(tmp_path / "store")
    digest = hashlib.sha256(b"{}").hexdigest()
    objects.add_spooled(engine, KEYS[0], 2, digest)  # recorded, uploaded, then the crash
    remote.put_bytes(KEYS[0], b"{}")
    store = SpooledStore(remote, settings, engine)
    store.resume()
    store.close()
    row = objects.get(engine, KEYS[0])
    assert row is not None and row["status"] == "stored" and row["verified_by"] == "head"


def test_stored_marks_are_batched_and_a_lost_batch_is_settled_by_the_next_run(
        tmp_path: Path, engine: Engine, settings: SpoolSettings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool, "MARK_AGE", 3600)  # however slow the machine
    remote = Flaky(tmp_path / "store")  # uploaded by the upload threads, not linked
    store = SpooledStore(remote, settings, engine)
    store.queue(store.spool([(key, b"[%d]" % i) for i, key in enumerate(KEYS[:3])]))
    store.uploader.drain()
    # uploaded, spool copies deleted, marks still in memory: the process dies here
    assert store.pending() == [] and all(remote.exists(k) for k in KEYS[:3])
    assert {r["status"] for r in objects.listing(engine)} == {"spooled"}
    store.uploader.close()
    again = SpooledStore(remote, settings, engine)
    assert again.resume() == 0
    again.close()
    rows = objects.listing(engine)
    assert [r["status"] for r in rows] == ["stored"] * 3
    assert {r["verified_by"] for r in rows} == {"head"}  # settled from the store's copy


def test_a_local_store_on_the_spools_file_system_takes_documents_by_hard_links(
        tmp_path: Path, engine: Engine, settings: SpoolSettings) -> None:
    store = SpooledStore(LocalStore(tmp_path / "store"), settings, engine)
    assert store.linkable
    docs = [(key, b"[%d]" % i) for i, key in enumerate(KEYS[:3])]
    stored = store.spool(docs)
    spooled_inodes = [store.path(key).stat().st_ino for key, _ in docs]
    store.queue(stored)  # stored at once, in this thread: no upload was queued
    assert store.pending() == [] and not store.uploader.futures
    assert [(tmp_path / "store" / k).stat().st_ino for k, _ in docs] == spooled_inodes
    rows = objects.listing(engine)
    assert [(r["status"], r["verified_by"]) for r in rows] == [("stored", "local")] * 3
    assert store.close()["newsvault/storage/uploaded"] == 3
    # an object the store holds with other bytes is refused, and stays spooled
    (other,) = store.spool([(KEYS[4], b"[4]")])
    (tmp_path / "store" / KEYS[4]).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "store" / KEYS[4]).write_bytes(b"[other]")
    store.queue([other])
    assert store.pending() == [KEYS[4]] and objects.get(engine, KEYS[4])["status"] == "spooled"


def test_a_spooled_file_without_a_catalog_row_is_recorded_and_uploaded(
        tmp_path: Path, engine: Engine, settings: SpoolSettings) -> None:
    orphan = settings.directory / KEYS[1]  # spooled, then the process died
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"[1]")
    store = SpooledStore(LocalStore(tmp_path / "store"), settings, engine)
    assert store.resume() == 1
    store.close()
    row = objects.get(engine, KEYS[1])
    assert row is not None and row["status"] == "stored"
    assert row["sha256"] == hashlib.sha256(b"[1]").hexdigest()


def test_put_file_refuses_a_source_that_changed(tmp_path: Path) -> None:
    src = tmp_path / "f"
    src.write_bytes(b"abc")
    with pytest.raises(SpoolCorrupt):
        LocalStore(tmp_path / "store").put_file("warc/x/f.warc.gz", src, "0" * 64)
    assert src.exists()


def test_backoff_doubles_up_to_its_cap_with_jitter(settings: SpoolSettings) -> None:
    policy = SpoolSettings(settings.directory, backoff=0.5, max_backoff=4.0)
    for attempt, full in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (7, 4.0)]:
        waits = [backoff(policy, attempt) for _ in range(50)]
        assert all(full / 2 <= w <= full for w in waits)
        assert max(waits) - min(waits) > 0  # jittered, so workers do not retry in step


def test_breaker_pauses_after_consecutive_failures() -> None:
    now = [0.0]
    breaker = Breaker(trip_after=2, cooldown=30, clock=lambda: now[0])
    breaker.failure()
    assert breaker.allow()
    breaker.failure()
    assert not breaker.allow()
    now[0] = 29.9
    assert not breaker.allow()
    now[0] = 30.0
    assert breaker.allow()  # one more try after the cooldown
    breaker.success()
    breaker.failure()
    assert breaker.allow()  # a success resets the count
