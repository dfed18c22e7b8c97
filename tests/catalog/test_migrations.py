"""The Alembic chain on both backends: every downgrade, and 0005's search vectors."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from catalog.db import upgrade
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
