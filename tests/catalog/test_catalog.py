from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect, select

from catalog import queries, schema
from catalog.db import upgrade
from catalog.textnorm import fold
from catalog.writer import ArticleCapture, finish_run, start_run, upsert_article


def capture(capture_id: str, title: str, body: list[str], outlet: str = "sana",
            canonical: str = "https://sana.sy/en/?p=1") -> ArticleCapture:
    article = {"url": canonical, "canonical_url": canonical, "outlet": outlet,
               "edition": "en", "language": "en", "title": title, "body": body,
               "published": "2013-06-06T00:00:00+03:00"}
    when = datetime(2026, 1, 1, tzinfo=UTC)
    return ArticleCapture(article, capture_id, "run-1", when, 200, f"text/{capture_id}.json",
                          "t" * 64, "p" * 64, None, {"capture_id": capture_id},
                          datetime(2013, 6, 5, 21, tzinfo=UTC))


def test_migrations_are_idempotent(engine: Engine) -> None:
    upgrade(engine)  # a second upgrade changes nothing
    names = set(inspect(engine).get_table_names())
    assert {"runs", "warc_files", "captures", "articles", "article_captures"} <= names


def test_runs_and_articles_round_trip(engine: Engine) -> None:
    start_run(engine, {"id": "run-1", "outlet": "sana", "trigger": "manual"})
    with engine.begin() as conn:
        first = upsert_article(conn, capture("c1", "Victory in al-Qseir", ["DAMASCUS text"]))
        again = upsert_article(conn, capture("c2", "Victory in al-Qseir (updated)", ["text"]))
    assert first == again  # one article, two captures
    finish_run(engine, "run-1", "ok", {"newsvault/articles/stored": 2})
    (run,) = queries.runs(engine)
    assert run["status"] == "ok" and run["stats"]["newsvault/articles/stored"] == 2
    article = queries.find_article(engine, "https://sana.sy/en/?p=1")
    assert article is not None and article["title"].endswith("(updated)")
    assert [c["capture_id"] for c in article["captures"]] == ["c1", "c2"]
    assert queries.outlets(engine)[0]["articles"] == 1
    assert queries.outlets(engine)[0]["last_run_status"] == "ok"


def test_search_ranks_and_folds_arabic(engine: Engine) -> None:
    start_run(engine, {"id": "run-1", "outlet": "sana", "trigger": "manual"})
    with engine.begin() as conn:
        upsert_article(conn, capture("a", "الجيش يستعيد القُصَيْر", ["دخل الجيش مدينة القصير"],
                                     canonical="https://sana.sy/?p=2"))
        upsert_article(conn, capture("b", "Qusayr offensive", ["Troops pressed on Qusayr."],
                                     canonical="https://sana.sy/en/?p=3"))
        upsert_article(conn, capture("c", "Weather", ["Cooler on Monday, Qusayr mentioned."],
                                     canonical="https://sana.sy/en/?p=4"))
    arabic = queries.search(engine, "القصير")
    assert [r["canonical_url"] for r in arabic] == ["https://sana.sy/?p=2"]
    english = queries.search(engine, "QUSAYR")
    assert next(r["canonical_url"] for r in english) == "https://sana.sy/en/?p=3"  # title hit first
    assert "[" in english[0]["snippet"]
    assert queries.search(engine, '"; DROP TABLE articles; --') == []
    with engine.connect() as conn:
        assert conn.execute(select(schema.articles)).first() is not None


def test_fold() -> None:
    assert fold("القُصَيْر") == fold("القصير")
    assert fold("إسرائيل") == fold("اسرائيل")
    assert fold("٢٠١٣") == "2013"
    assert fold("Qusayr") == fold("QUSAYR")


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive"):
        start_run(engine, {"id": "r", "outlet": "x", "trigger": "manual",
                           "started_at": datetime(2026, 1, 1)})
