"""The Alembic chain on both backends: every downgrade, 0005's search vectors, 0006's
MinHash signatures and 0007's integer LSH buckets, and the schema it ends at."""

from __future__ import annotations

import random
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text

from catalog import schema
from catalog.db import upgrade
from catalog.minhash import signature
from catalog.search import SearchQuery, search_articles
from tests.catalog.conftest import migrate

ROWS = 1_234  # more than two of the backfill's batches of 500


def columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_down_to_nothing_and_up_again(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    migrate(empty_engine, "base", down=True)
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_engine)
    assert {"articles", "objects", "article_versions"} <= set(
        inspect(empty_engine).get_table_names())


def test_0005_backfills_search_vectors(empty_engine: Engine) -> None:
    engine = empty_engine
    migrate(engine, "0004")
    bodies = [{"id": i, "url": f"https://sana.sy/?p={i}", "title": f"Item {i}",
               "body": "نص عادي" if i != ROWS else "دخل الجيش مدينة القُصَيْر"}
              for i in range(1, ROWS + 1)]
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO articles (id, outlet, canonical_url, url, title, body, status, "
            "first_seen, last_seen) VALUES (:id, 'sana', :url, :url, :title, :body, 'live', "
            "'2026-11-22', '2026-11-22')"), bodies)
    migrate(engine, "0005")
    if engine.dialect.name == "sqlite":  # a no-op: FTS5 (0001) is SQLite's index
        assert "search_vector" not in columns(engine, "articles")
        migrate(engine, "0004", down=True)
        return
    assert "search_vector" in columns(engine, "articles")
    assert "ix_articles_search" in {i["name"] for i in inspect(engine).get_indexes("articles")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles WHERE search_vector IS NULL")
                            ).scalar_one() == 0
        weights = conn.execute(text("SELECT search_vector::text FROM articles WHERE id = 1")
                               ).scalar_one()
    assert weights == "'1':2A 'item':1A 'عادي':4 'نص':3"  # title A; body D (shown bare)
    page = search_articles(engine, SearchQuery("القصير"))  # folded at backfill, as at write
    assert [h.article["id"] for h in page.hits] == [ROWS] and page.total == 1
    assert search_articles(engine, SearchQuery("item 17")).total == 1
    migrate(engine, "0004", down=True)
    assert "search_vector" not in columns(engine, "articles")
    assert "ix_articles_search" not in {i["name"] for i in inspect(engine).get_indexes(
        "articles")}


def test_0006_signs_and_links_every_article_again(empty_engine: Engine) -> None:
    engine = empty_engine
    migrate(engine, "0005")
    rnd = random.Random(5)
    story = [" ".join(f"w{rnd.randrange(5_000)}" for _ in range(60)) for _ in range(4)]
    texts = {1: story, 2: [*story[:3], "one paragraph of the copy rewritten " * 5],
             3: [" ".join(f"v{rnd.randrange(5_000)}" for _ in range(240))], 4: ["too short"]}
    outlets = {1: "sana", 2: "prensa_latina", 3: "sana", 4: "sana"}
    with engine.begin() as conn:
        add_articles(conn, texts, outlets)
        # 0005's signatures: stale values, and a link 0006 must not keep.
        conn.execute(text("INSERT INTO article_signatures VALUES (:id, :sig)"),
                     [{"id": i, "sig": bytes(8 * 128)} for i in (1, 2, 3)])
        conn.execute(text("INSERT INTO article_similar VALUES (1, 3, 1.0), (3, 1, 1.0)"))
    migrate(engine, "0006")
    assert similar_state(engine)[0] == {i: signature(texts[i]) for i in (1, 2, 3)}
    assert similar_state(engine)[1:] == (set(), 0)  # the bands and links are 0007's
    migrate(engine, "0007")
    sigs, links, bands = similar_state(engine)
    assert sigs == {i: signature(texts[i]) for i in (1, 2, 3)}
    assert links == {(1, 2), (2, 1)}  # the copy across outlets, found again
    assert bands == 3 * 32


def add_articles(conn: Connection, texts: dict[int, list[str]], outlets: dict[int, str]
                 ) -> None:
    """Articles by id, each with its outlet and its paragraphs as the body."""
    conn.execute(text(
        "INSERT INTO articles (id, outlet, canonical_url, url, title, body, status, "
        "first_seen, last_seen) VALUES (:id, :outlet, :url, :url, 't', :body, 'live', "
        "'2026-11-22', '2026-11-22')"),
        [{"id": i, "outlet": outlets[i], "url": f"https://x/{i}", "body": "\n\n".join(t)}
         for i, t in texts.items()])


def similar_state(engine: Engine) -> tuple[dict[int, bytes], set[tuple[int, int]], int]:
    """Signatures, near-duplicate links and the number of LSH rows."""
    with engine.connect() as conn:
        sigs = {r[0]: bytes(r[1]) for r in conn.execute(
            text("SELECT article_id, minhash FROM article_signatures"))}
        links = {(r[0], r[1]) for r in conn.execute(
            text("SELECT article_id, other_id FROM article_similar"))}
        bands = conn.execute(text("SELECT count(*) FROM article_lsh")).scalar_one()
    return sigs, links, bands


def test_0007_indexes_the_stored_signatures_again_as_integer_buckets(
        empty_engine: Engine) -> None:
    engine = empty_engine
    migrate(engine, "0006")
    rnd = random.Random(7)
    story = [" ".join(f"w{rnd.randrange(5_000)}" for _ in range(80)) for _ in range(3)]
    bodies = {1: story, 2: story, 3: [" ".join(f"v{rnd.randrange(5_000)}" for _ in range(200))]}
    outlets = {1: "sana", 2: "prensa_latina", 3: "sana"}
    with engine.begin() as conn:
        add_articles(conn, bodies, outlets)
        conn.execute(text("INSERT INTO article_signatures VALUES (:id, :sig)"),
                     [{"id": i, "sig": signature(t)} for i, t in bodies.items()])
        # 0006's (band, hex) rows and a stale link: 0007 replaces both.
        conn.execute(text("INSERT INTO article_lsh VALUES (0, 'ab', 1), (0, 'ab', 3)"))
        conn.execute(text("INSERT INTO article_similar VALUES (1, 3, 1.0), (3, 1, 1.0)"))
    migrate(engine, "0007")
    sigs, links, bands = similar_state(engine)
    assert sigs == {i: signature(t) for i, t in bodies.items()}  # kept as they were
    assert links == {(1, 2), (2, 1)}
    assert bands == 3 * 32
    assert columns(engine, "article_lsh") == {"bucket", "article_id"}
    migrate(engine, "0006", down=True)
    assert columns(engine, "article_lsh") == {"band", "bucket", "article_id"}
    assert similar_state(engine)[1:] == (set(), 0)
    migrate(engine, "0007")  # and up again: the signatures were kept
    assert similar_state(engine)[1:] == ({(1, 2), (2, 1)}, 3 * 32)


def test_the_migrated_schema_is_the_one_queries_are_written_against(
        empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    # Each backend's full-text index is deliberately outside the metadata (catalog.schema).
    assert [d for d in diff if not _full_text(d)] == []


def _full_text(diff: Any) -> bool:
    text_ = repr(diff)
    return "articles_fts" in text_ or "search_vector" in text_ or "ix_articles_search" in text_
