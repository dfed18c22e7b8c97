"""Catalog writes in batches: the same catalog as one capture at a time, and nothing lost
when a crawl dies between archiving a batch and entering it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text

from catalog import schema
from catalog.db import connect
from catalog.history import Check, record_check, record_checks, record_page, record_pages
from catalog.minhash import signature
from catalog.similar import Signed, index_and_match, index_and_match_many
from catalog.writer import ArticleCapture, finish_run, start_run
from crawler.run import Run, RunInfo
from newsvault import config as nvconfig
from pipelines.batch import replay_spooled
from pipelines.extract.job import text_document
from pipelines.storage import provenance_key

T0 = datetime(2026, 11, 1, tzinfo=UTC)
WORDS = ("army", "enters", "city", "after", "weeks", "of", "fighting", "residents", "say",
         "the", "streets", "are", "quiet", "now", "and", "shops", "open", "again", "today")


def story(n: int, twist: str = "") -> list[str]:
    """A text long enough to be signed; ``n`` varies it a little, ``twist`` more."""
    words = [WORDS[(i * 7 + n) % len(WORDS)] if i % 13 else f"w{n}" for i in range(90)]
    return [" ".join(words[:45]) + twist, " ".join(words[45:])]


def cap(cid: str, outlet: str, n: int, title: str, body: list[str],
        minutes: int) -> ArticleCapture:
    url = f"https://{outlet}.example/a/{n}"
    article = {"url": url, "canonical_url": url, "outlet": outlet, "edition": "en",
               "language": "en", "title": title, "body": body,
               "published": "2026-10-31T10:00:00+03:00"}
    return ArticleCapture(article, cid, "run-1", T0 + timedelta(minutes=minutes), 200,
                          f"text/{outlet}/2026/11/{cid}.json", "t" * 64, "p" * 64, None,
                          {"capture_id": cid}, T0)


def fresh(tmp_path: Path, name: str) -> Engine:
    engine = connect(f"sqlite:///{tmp_path / name}.sqlite")
    start_run(engine, {"id": "run-1", "outlet": "a", "trigger": "manual"})
    return engine


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    tables = {
        "articles": "SELECT * FROM articles ORDER BY id",
        "captures": "SELECT * FROM article_captures ORDER BY capture_id",
        "versions": "SELECT * FROM article_versions ORDER BY article_id, version",
        "events": "SELECT article_id, kind, at, capture_id, detail FROM article_events "
                  "ORDER BY article_id, at, kind",
        "similar": "SELECT * FROM article_similar ORDER BY article_id, other_id",
        "lsh": "SELECT * FROM article_lsh ORDER BY bucket, article_id",
        "fts": "SELECT rowid, title, body FROM articles_fts ORDER BY rowid",
    }
    with engine.connect() as conn:
        return {k: [tuple(r) for r in conn.execute(text(q))] for k, q in tables.items()}


def test_a_batch_writes_what_one_capture_at_a_time_writes(tmp_path: Path) -> None:
    first = [cap(f"c{n}", "a", n, f"Title {n}", story(n), n) for n in range(6)]
    # Outlet b syndicates two of a's stories (matches), one of them among b's own batch.
    first += [cap("b0", "b", 0, "Title 0", story(0), 10), cap("b1", "b", 1, "Other", story(1), 11)]
    second = [cap("c0x", "a", 0, "Title 0", story(0), 60),  # unchanged: confirms version 1
              cap("c1x", "a", 1, "Title 1 (updated)", story(1, " more"), 61),  # edited
              cap("c2x", "a", 2, "Title 2", story(2, " again"), 62),  # deleted, reappears
              cap("c9", "a", 9, "Title 9", story(9), 63)]  # new
    gone = Check(outlet="a", canonical_url="https://a.example/a/2", kind="gone",
                 at=T0 + timedelta(minutes=30), run_id="run-1", detail={"status": 410})
    one, many = fresh(tmp_path, "one"), fresh(tmp_path, "many")
    for engine, in_batches in ((one, False), (many, True)):
        for batch in (first, second):
            with engine.begin() as conn:
                if in_batches:
                    ids = record_pages(conn, batch)
                    index_and_match_many(conn, [
                        Signed(i, c.article["outlet"], s) for i, c in zip(ids, batch, strict=True)
                        if (s := signature(c.article["body"]))])
                else:
                    for c in batch:
                        i = record_page(conn, c)
                        if s := signature(c.article["body"]):
                            index_and_match(conn, i, c.article["outlet"], s)
                if batch is first:
                    record_check(conn, gone, 3)
    written = dump(many)
    assert written == dump(one)
    assert len(written["articles"]) == 9 and len(written["versions"]) == 11
    assert {e[1] for e in written["events"]} == {"edited", "deleted", "reappeared"}
    assert written["similar"], "the syndicated copies are linked"


def test_checks_in_a_batch_write_what_one_check_at_a_time_writes(tmp_path: Path) -> None:
    def check(n: int, kind: str, minutes: int, capture: bool = True) -> Check:
        url = f"https://a.example/a/{n}"
        return Check(outlet="a", canonical_url=url, kind=kind, run_id="run-1",
                     at=T0 + timedelta(minutes=minutes), url=url, status=304,
                     capture_id=f"r{n}-{minutes}" if capture else None,
                     provenance={"capture_id": f"r{n}-{minutes}"} if capture else None,
                     metadata_record=f"m{n}-{minutes}" if capture else None,
                     detail={"status": 410} if kind == "gone" else None)

    checks = [check(0, "revisit", 60), check(1, "revisit", 61),
              check(2, "revisit", 62),  # deleted before: it reappears
              check(3, "gone", 63), check(4, "miss", 64, capture=False),  # no answer
              check(99, "revisit", 65)]
    one, many = fresh(tmp_path, "one"), fresh(tmp_path, "many")
    results = []
    for engine, batched in ((one, False), (many, True)):
        with engine.begin() as conn:
            record_pages(conn, [cap(f"c{n}", "a", n, f"Title {n}", story(n), n)
                                for n in range(5)])
            record_check(conn, check(2, "gone", 30), 3)
        with engine.begin() as conn:
            results.append(record_checks(conn, checks, 3) if batched
                           else [record_check(conn, c, 3) for c in checks])
    assert results[0] == results[1] and results[0][-1] is None
    written = dump(many)
    assert written == dump(one)
    assert sorted(e[1] for e in written["events"]) == ["deleted", "deleted", "reappeared"]
    with many.connect() as conn:
        rows = {r.canonical_url[-1]: r for r in conn.execute(select(schema.articles))}
    assert rows["0"].status == "live" and rows["0"].last_seen == T0 + timedelta(minutes=60)
    assert rows["4"].misses == 1 and rows["3"].status == "deleted"


def run_in(home: Path) -> Run:
    config = nvconfig.load({"NEWSVAULT_HOME": str(home)})
    info = RunInfo(run_id="run-1", outlet="a", edition="en", trigger="manual", args={},
                   spider_version="1", robots="obey", user_agent="test")
    run = Run.create(info, config)
    start_run(run.engine, {"id": "run-1", "outlet": "a", "trigger": "manual"})
    return run


def provenance(c: ArticleCapture, doc: bytes) -> dict[str, Any]:
    import hashlib

    return {"capture_id": c.capture_id, "kind": "page", "run_id": c.run_id, "outlet": "a",
            "response": {"url": c.article["url"], "status": 200,
                         "fetched_at": c.fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")},
            "payload_sha256": "p" * 64,
            "text": {"key": c.text_key, "sha256": hashlib.sha256(doc).hexdigest()}}


def test_captures_archived_but_not_entered_are_entered_at_the_next_start(
        tmp_path: Path) -> None:
    run = run_in(tmp_path / "home")
    start_run(run.engine, {"id": "run-0", "outlet": "a", "trigger": "manual"})
    caps = [replace(cap(f"k{n}", "a", n, f"Title {n}", story(n), n), run_id="run-0")
            for n in range(3)]
    docs = []
    for c in caps:  # what a batch archives before its catalog transaction
        doc = text_document(dict(c.article))
        prov = json.dumps(provenance(c, doc)).encode()
        docs += [(c.text_key, doc), (provenance_key(c.text_key), prov)]
    run.store.spool(docs)
    with run.engine.begin() as conn:  # the first capture made it; the process died then
        record_page(conn, caps[0])

    assert replay_spooled(run) == 0  # run-0 may still be writing them (another worker)
    finish_run(run.engine, "run-0", "interrupted", {})
    assert replay_spooled(run) == 2
    with run.engine.connect() as conn:
        entered = conn.execute(select(schema.article_captures.c.capture_id, schema.articles.c.title)
                               .join(schema.articles)).all()
        assert sorted(entered) == [("k0", "Title 0"), ("k1", "Title 1"), ("k2", "Title 2")]
        prov = conn.execute(select(schema.article_captures.c.provenance).where(
            schema.article_captures.c.capture_id == "k2")).scalar_one()
    assert prov["text"]["key"] == caps[2].text_key
    assert replay_spooled(run) == 0  # entered once
    assert len(run.store.pending()) == 6  # still spooled: the uploads take them from here
    run.store.close()
