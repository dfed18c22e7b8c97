"""SQLite and PostgreSQL give the same answers over the same catalog.

One archive is written through the crawl's own functions into SQLite (tests/support/
browse_archive.py: an edited article, a revisit, a deletion, Arabic with harakat, a
syndicated copy, runs that failed), then copied row by row into a PostgreSQL database at
migration 0004, which is upgraded to the newest schema: migration 0005 backfills the search
vectors from the copied text, 0006 and 0007 sign and match the articles again. Every read
function is then asked the same questions on both; the answers must be equal, value for
value (search ranks aside: BM25 and ts_rank score differently, so hits are compared as
sets, with the title hit first).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, insert, select, text

from catalog import browsing, expected, export, history, objects, queries, schema
from catalog.db import alembic_config, connect, upgrade
from catalog.search import SearchQuery, search_articles
from catalog.verify import Auditor
from pipelines.storage import LocalStore
from tests.support.browse_archive import BrowseArchive, build
from tests.support.postgres import Databases

pytestmark = pytest.mark.server


@dataclasses.dataclass(frozen=True)
class Pair:
    sqlite: Engine
    postgresql: Engine
    archive: BrowseArchive

    def same(self, ask: Any, *args: Any, **kwargs: Any) -> Any:
        """``ask(engine, ...)`` on both; asserts the answers are equal, returns one."""
        lite, pg = ask(self.sqlite, *args, **kwargs), ask(self.postgresql, *args, **kwargs)
        assert lite == pg, f"{getattr(ask, '__name__', ask)}{args}: SQLite and PostgreSQL differ"
        return lite


def copy_catalog(source: Engine, target: Engine) -> None:
    """Every row of every catalog table, in foreign-key order; then the id sequences moved
    past the copied ids, as they would be had the rows been inserted here. The LSH rows
    stay behind: at 0004 their table has its old layout, and 0006 and 0007 rebuild the
    signatures, bands and links from the copied text."""
    with source.connect() as src, target.begin() as dst:
        for table in schema.metadata.sorted_tables:
            if table is schema.article_lsh:
                continue
            rows = [dict(r._mapping) for r in src.execute(select(table))]
            if rows:
                dst.execute(insert(table), rows)
        for table in ("articles", "article_versions", "article_events"):
            dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))"))


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory,
         postgres_databases: Databases) -> Iterator[Pair]:
    archive = build(tmp_path_factory.mktemp("agree"))
    lite = connect(archive.catalog_url)
    pg = create_engine(postgres_databases.create("agree"))
    cfg = alembic_config()
    with pg.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    copy_catalog(lite, pg)
    upgrade(pg)  # 0005: the search vectors, backfilled from the copied articles
    yield Pair(lite, pg, archive)
    pg.dispose()


def test_backfilled_vectors_cover_every_article(pair: Pair) -> None:
    with pair.postgresql.connect() as conn:
        missing = conn.execute(text("SELECT count(*) FROM articles "
                                    "WHERE search_vector IS NULL")).scalar_one()
        held = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
    assert held == 5 and missing == 0


def test_overview_lists_and_facets(pair: Pair) -> None:
    today = date(2026, 11, 22)
    summaries = pair.same(browsing.overview, days=5, today=today)
    sana = next(s for s in summaries if s.outlet == "sana")
    assert (sana.articles, sana.deleted, sana.edited) == (3, 1, 1)
    assert sana.per_day == [0, 0, 4, 2, 1]  # responses and revisits per capture day
    assert pair.same(browsing.facets) == {"outlets": ["emirates_voice", "sana"],
                                          "editions": ["ar", "en"], "languages": ["ar", "en"]}
    Q = browsing.ArticleQuery
    for q in (Q(), Q(language="ar"), Q(edited=True), Q(status="deleted"),
              Q(outlet="sana", edition="en", published_from=date(2026, 11, 19),
                published_to=date(2026, 11, 19)), Q(per_page=2, page=2),
              Q(published_from=date(2030, 1, 1))):
        pair.same(browsing.list_articles, q)
    assert pair.same(browsing.list_articles, Q(edited=True)).total == 1
    assert pair.same(browsing.list_runs, None, 1).total == 4
    assert pair.same(browsing.list_runs, "sana", 1, per_page=2).pages == 2


def test_runs_and_captures(pair: Pair) -> None:
    run_ids = [r["id"] for r in pair.same(queries.runs)]
    assert len(run_ids) == 4
    for run_id in run_ids:
        pair.same(browsing.run_detail, run_id)
        pair.same(queries.run, run_id)
    assert pair.same(queries.new_article_counts, run_ids) == {
        "run-sana-1": 3, "run-sana-2": 0, "run-sana-3": 0, "run-ev-1": 2}
    assert pair.same(browsing.run_detail, "run-sana-2")["checks"] == {"gone": 1, "response": 1}
    for capture_id in pair.archive.captures.values():
        assert pair.same(browsing.capture, capture_id) is not None
    assert pair.same(queries.outlets)[1]["last_run_status"] == "ok"


def test_articles_with_history(pair: Pair) -> None:
    pair.same(queries.articles, queries.ArticleFilter())
    pair.same(queries.articles, queries.ArticleFilter(outlet="sana", since=date(2026, 11, 19),
                                                      status="live"))
    for article_id in pair.archive.ids.values():
        pair.same(queries.find_article, str(article_id))
    qusayr = pair.same(queries.find_article, "https://sana.sy/en/?p=101")
    assert [v["version"] for v in qusayr["versions"]] == [1, 2] and qusayr["edited"]
    assert [a["outlet"] for a in qusayr["also_published"]] == ["emirates_voice"]

    def held(engine: Engine, outlet: str) -> list[history.Held]:
        return sorted(history.held_articles(engine, outlet), key=lambda h: h.canonical_url)

    assert len(pair.same(held, "sana")) == 3 and len(pair.same(held, "emirates_voice")) == 2


def test_search(pair: Pair) -> None:
    def hits(engine: Engine, q: SearchQuery) -> tuple[set[int], int]:
        page = search_articles(engine, q)
        return {h.article["id"] for h in page.hits}, page.total

    ids = pair.archive.ids
    qusayr = pair.same(hits, SearchQuery("qusayr"))
    assert qusayr == ({ids["qusayr"], ids["copy"]}, 2)
    assert pair.same(hits, SearchQuery("القصير")) == ({ids["arabic"]}, 1)
    assert pair.same(hits, SearchQuery("qusayr", outlet="emirates_voice")) == ({ids["copy"]}, 1)
    assert pair.same(hits, SearchQuery("qusayr", language="ar")) == (set(), 0)
    assert pair.same(hits, SearchQuery("Homs refinery")) == ({ids["deleted"]}, 1)
    assert pair.same(hits, SearchQuery("xylophone")) == (set(), 0)
    for engine in (pair.sqlite, pair.postgresql):  # the title hit ranks first on both
        first = search_articles(engine, SearchQuery("countryside")).hits[0]
        assert first.article["id"] == ids["qusayr"]

    def cli_urls(engine: Engine, query: str) -> set[str]:
        return {r["canonical_url"] for r in queries.search(engine, query)}

    assert pair.same(cli_urls, "القصير") == {"https://sana.sy/?p=202"}


def test_exports_and_audit(pair: Pair) -> None:
    store = LocalStore(pair.archive.store)

    def documents(engine: Engine, sel: export.Selection) -> list[dict[str, Any]]:
        with engine.connect() as conn:
            return list(export.article_documents(conn, sel))

    def refs(engine: Engine, sel: export.Selection) -> list[Any]:
        with engine.connect() as conn:
            return export.selected_refs(conn, store, sel)

    for sel in (export.Selection(), export.Selection(outlet="sana", since=date(2026, 11, 21)),
                export.Selection(articles=(pair.archive.ids["qusayr"],))):
        pair.same(documents, sel)
        assert pair.same(refs, sel)
    assert len(pair.same(documents, export.Selection())) == 5
    pair.same(objects.listing)
    pair.same(expected.expectations)

    def audit(engine: Engine) -> list[Any]:
        return Auditor(engine, store).run()

    findings = pair.same(audit)
    assert findings and all(f.ok for f in findings)
