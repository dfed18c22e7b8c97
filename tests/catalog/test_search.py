"""Full-text search on both backends: FTS5 on SQLite, the stored tsvector on PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from catalog import search
from catalog.search import SearchQuery, search_articles
from catalog.tsvector import search_form
from catalog.writer import ArticleCapture, index_text, start_run, upsert_article

WHEN = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
CAPTURES = itertools.count(1)


def add(engine: Engine, n: int, title: str, body: list[str], outlet: str = "sana",
        language: str = "en") -> int:
    url = f"https://{outlet}.example/{n}"
    article = {"url": url, "canonical_url": url, "outlet": outlet, "edition": language,
               "language": language, "title": title, "body": body}
    with engine.begin() as conn:
        return upsert_article(conn, ArticleCapture(
            article, f"capture-{next(CAPTURES)}", "run-1", WHEN, 200, f"text/{n}.json", "t" * 64,
            "p" * 64, None, {}, WHEN))


def found(engine: Engine, query: str, **filters: str) -> list[int]:
    return [h.article["id"] for h in search_articles(engine, SearchQuery(query, **filters)).hits]


def test_search_form() -> None:
    assert search_form("الجيش يستعيد القُصَيْر،") == "الجيش يستعيد القصير"
    assert search_form("Café in al-Qusayr, ٢٠١٣") == "cafe in al qusayr 2013"
    assert search_form("إسرائيل وأمريكا") == "اسراييل وامريكا"


def test_arabic_is_folded_on_both_sides(engine: Engine) -> None:
    start_run(engine, {"id": "run-1", "outlet": "sana", "trigger": "manual"})
    harakat = add(engine, 1, "الجيش يستعيد القُصَيْر", ["دخل الجيش مدينة القُصَيْر، اليوم."],
                  language="ar")
    hamza = add(engine, 2, "زيارة", ["وصل وفد من إسرائيل وأمريكا إلى المنطقة."], language="ar")
    plain = add(engine, 3, "حمص", ["عاد الأهالي إلى القصير في ريف حمص"], language="ar")
    assert sorted(found(engine, "القصير")) == [harakat, plain]  # query without harakat
    assert sorted(found(engine, "القُصَيْر")) == [harakat, plain]  # query with them
    assert found(engine, "اسرائيل وامريكا") == [hamza]  # no hamza in the query
    assert found(engine, "حمص") == [plain]  # the Arabic comma is no part of a word
    assert found(engine, "اليوم") == [harakat]  # nor is it in "القُصَيْر،"
    assert found(engine, "٢٠١٣") == []


def test_words_case_accents_and_ranking(engine: Engine) -> None:
    start_run(engine, {"id": "run-1", "outlet": "sana", "trigger": "manual"})
    body_hit = add(engine, 1, "Weather", ["Cooler on Monday; QUSAYR mentioned."])
    title_hit = add(engine, 2, "Qusayr offensive", ["Troops pressed on."])
    cafe = add(engine, 3, "Le Café de la Paix", ["Reopened in 2013."], outlet="prensa_latina",
               language="es")
    assert found(engine, "qusayr") == [title_hit, body_hit]  # the title weighs more
    assert found(engine, "Qusayr Monday") == [body_hit]  # every word is required
    assert found(engine, "qusayr or nothing") == []  # "or" is a word, not an operator
    assert found(engine, "cafe") == [cafe] and found(engine, "CAFÉ 2013") == [cafe]
    assert found(engine, "qusayr", outlet="prensa_latina") == []
    assert found(engine, "qusayr", language="en") == [title_hit, body_hit]
    assert found(engine, "qusay") == []  # whole words, no stemming or prefixes
    assert found(engine, "\"; DROP TABLE articles; --") == []
    page = search_articles(engine, SearchQuery("qusayr", per_page=1, page=2))
    assert page.total == 2 and [h.article["id"] for h in page.hits] == [body_hit]
    hit = search_articles(engine, SearchQuery("qusayr")).hits[1]
    assert [s.text for s in hit.snippet if s.hit] == ["QUSAYR"]  # marked in the original


def test_reindexing_replaces_the_old_text(engine: Engine) -> None:
    start_run(engine, {"id": "run-1", "outlet": "sana", "trigger": "manual"})
    article = add(engine, 1, "Army enters Qusayr", ["Eight hundred deserted."])
    assert found(engine, "eight") == [article]
    add(engine, 1, "Army enters al-Qusayr", ["Nine hundred deserted."])  # a new capture
    assert found(engine, "eight") == [] and found(engine, "nine") == [article]
    with engine.begin() as conn:  # re-extraction rebuilds the text through index_text
        index_text(conn, article, "Army enters Homs", "Ten hundred.")
    assert found(engine, "qusayr") == [] and found(engine, "homs ten") == [article]


def test_postgresql_uses_the_gin_index(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        with engine.connect() as conn:  # SQLite keeps its FTS5 table, and no vector column
            columns = {r[1] for r in conn.execute(text("PRAGMA table_info(articles)"))}
            assert "search_vector" not in columns
            assert conn.execute(text("SELECT count(*) FROM articles_fts")).scalar_one() == 0
        return
    start_run(engine, {"id": "run-1", "outlet": "sana", "trigger": "manual"})
    add(engine, 1, "Qusayr", ["text"])
    with engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # a tiny table: force the index's use
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT id FROM articles WHERE search_vector @@ "
            "plainto_tsquery('simple', 'qusayr')")).scalars())
    assert "ix_articles_search" in plan


def test_a_huge_text_is_indexed(engine: Engine) -> None:
    """PostgreSQL refuses a tsvector over 1 MB: a giant page must not fail its write."""
    start_run(engine, {"id": "run-1", "outlet": "sana", "trigger": "manual"})
    words = [f"كلمة{i:05d}" for i in range(60_000)]  # 0.9 MB of text, 1.2 MB as a vector
    article = add(engine, 1, "Digest", [" ".join(words)])
    assert found(engine, "digest") == [article] and found(engine, words[0]) == [article]
    assert found(engine, words[-1]) == ([article] if engine.dialect.name == "sqlite" else [])


def test_broad_queries_rank_the_newest_matches(engine: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    start_run(engine, {"id": "run-1", "outlet": "sana", "trigger": "manual"})
    old = [add(engine, n, "Alpha", ["Older text."], outlet="other") for n in (1, 2)]
    new = [add(engine, n, "News", ["Alpha in the body."]) for n in (3, 4, 5)]
    first = search_articles(engine, SearchQuery("alpha", per_page=2))
    assert first.total == 5 and {h.article["id"] for h in first.hits} < set(new)  # no title
    # hit from outside the window of the three newest; a later page widens the window
    last = search_articles(engine, SearchQuery("alpha", per_page=2, page=3))
    assert len(last.hits) == 1
    assert sorted(found(engine, "alpha", outlet="other")) == old  # the filter's own newest
