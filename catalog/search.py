"""Ranked full-text search for the web UI: one function, a path per catalog backend.

- SQLite: the FTS5 table ``articles_fts`` (folded text, ``unicode61 remove_diacritics 2``),
  ranked by BM25 (corpus-wide statistics) with titles weighted 5:1 over bodies. A query
  that matches more than RANK_WINDOW articles ranks the newest RANK_WINDOW of them (the
  window widens when a filter leaves too few for the page): scoring every match of a
  word found in half the archive costs about a second on 100,000 articles, and a reader
  of such a broad query wants recent results first. Narrow queries are ranked in full.
- PostgreSQL: the stored ``articles.search_vector`` (migration 0005: the folded title
  weighted A, the body D, with a GIN index; see `catalog.tsvector`) matched by
  ``plainto_tsquery('simple', ...)`` over the folded query, so every word is required as on
  SQLite, and ranked by ``ts_rank`` with titles weighted 5:1 over bodies. Broad queries
  rank the newest RANK_WINDOW matches, as on SQLite.
- Anything else: substring matching, unranked.

Snippets are cut from the original text on every backend (`catalog.highlight`), so results
look the same whichever database is behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, literal_column, or_, select, text

from catalog import schema, tsvector
from catalog.highlight import Segment, mark, query_words, snippet, spans
from catalog.textnorm import fts_query

A = schema.articles
MAX_COUNT = 10_000  # beyond this a total is shown as "10,000+"
RANK_WINDOW = 5_000  # SQLite ranks the newest this-many matches (see the module docstring)


@dataclass(frozen=True)
class SearchQuery:
    """A search: the words, optional filters, and the page wanted (1-based)."""

    text: str
    outlet: str | None = None
    language: str | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class Hit:
    """One result: the article's list fields, its title and a snippet as segments."""

    article: dict[str, Any]
    title: list[Segment]
    snippet: list[Segment]
    rank: float


@dataclass(frozen=True)
class SearchPage:
    """One page of results; ``total`` is capped at MAX_COUNT."""

    hits: list[Hit]
    total: int
    query: SearchQuery


def search_articles(engine: Engine, q: SearchQuery) -> SearchPage:
    """Ranked results with highlighted snippets (Arabic and Latin folding alike)."""
    if not fts_query(q.text):
        return SearchPage([], 0, q)
    with engine.connect() as conn:
        finder = {"sqlite": _sqlite_ids, "postgresql": _postgres_ids}.get(
            conn.dialect.name, _like_ids)
        ranked, total = finder(conn, q)
        rows = {r.id: r for r in conn.execute(
            select(A.c.id, A.c.outlet, A.c.edition, A.c.language, A.c.title, A.c.published,
                   A.c.canonical_url, A.c.status, A.c.body)
            .where(A.c.id.in_([i for i, _ in ranked])))} if ranked else {}
    words = query_words(q.text)
    hits = []
    for article_id, rank in ranked:
        row = rows.get(article_id)
        if row is None:
            continue
        title = row.title or ""
        fields = {k: v for k, v in row._mapping.items() if k != "body"}
        hits.append(Hit(fields, mark(title, spans(title, words)),
                        snippet(row.body or "", words), float(rank)))
    return SearchPage(hits, total, q)


def _filtered_ids(q: SearchQuery) -> Any:
    query = select(A.c.id)
    if q.outlet:
        query = query.where(A.c.outlet == q.outlet)
    if q.language:
        query = query.where(A.c.language == q.language)
    return query if (q.outlet or q.language) else None


def _offset(q: SearchQuery) -> int:
    return (max(q.page, 1) - 1) * q.per_page


def _sqlite_ids(conn: Connection, q: SearchQuery) -> tuple[list[tuple[int, float]], int]:
    params: dict[str, Any] = {"q": fts_query(q.text), "limit": q.per_page,
                              "offset": _offset(q), "cap": MAX_COUNT,
                              "outlet": q.outlet, "language": q.language}
    cond = " AND ".join([f"id IN (SELECT id FROM articles WHERE {col} = :{col})"
                         for col in ("outlet", "language") if params[col]]) or "1"
    matches = conn.execute(text(  # a doclist walk: milliseconds even for common words
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH :q"), params).scalar_one()
    # MATERIALIZED: FTS5 must produce the matches first. Left to itself, the planner drives
    # a filtered search from the articles side and runs the MATCH once per article
    # (minutes on a large outlet); filters then read narrow indexes (migration 0004).
    total = matches if cond == "1" else conn.execute(text(
        "WITH m AS MATERIALIZED (SELECT rowid AS id FROM articles_fts WHERE articles_fts "
        f"MATCH :q) SELECT count(*) FROM m WHERE {cond}"), params).scalar_one()
    needed = _offset(q) + q.per_page
    if not total or _offset(q) >= total:
        return [], min(int(total), MAX_COUNT)
    # Wide enough that the filter leaves a page in it (matches / total = 1 in how many).
    window = max(RANK_WINDOW, needed * matches // total * 5 // 4)
    while True:
        ranked = conn.execute(text(
            "WITH c AS MATERIALIZED (SELECT rowid AS id, bm25(articles_fts, 5.0, 1.0) AS "
            "rank FROM articles_fts WHERE articles_fts MATCH :q ORDER BY rowid DESC "
            f"LIMIT :window) SELECT id, rank FROM c WHERE {cond} ORDER BY rank "
            "LIMIT :limit OFFSET :offset"), {**params, "window": window}).all()
        if len(ranked) == min(q.per_page, total - _offset(q)) or window >= matches:
            break
        window *= 2  # the filter's matches are older than the window reached: widen it
    return [(int(r[0]), float(r[1])) for r in ranked], min(int(total), MAX_COUNT)


def _postgres_ids(conn: Connection, q: SearchQuery) -> tuple[list[tuple[int, float]], int]:
    match = tsvector.vector().op("@@")(tsvector.tsquery(q.text))  # the GIN index (0005)
    ids = select(A.c.id).where(match)
    subset = _filtered_ids(q)
    if subset is not None:
        ids = ids.where(A.c.id.in_(subset))
    total = int(conn.execute(select(func.count()).select_from(
        ids.limit(MAX_COUNT).subquery())).scalar_one())
    if not total or _offset(q) >= total:
        return [], total
    # As on SQLite, only the newest RANK_WINDOW matches are ranked (the module docstring
    # says why); here the filters apply first, so the window always holds the page.
    window = ids.order_by(A.c.id.desc()).limit(max(RANK_WINDOW, _offset(q) + q.per_page))
    newest = window.subquery()
    rank = tsvector.rank(tsvector.tsquery(q.text)).label("rank")
    ranked = conn.execute(select(A.c.id, rank).join(newest, newest.c.id == A.c.id)
                          .order_by(rank.desc(), A.c.id.desc())
                          .limit(q.per_page).offset(_offset(q))).all()
    return [(int(r[0]), float(r[1])) for r in ranked], total


def _like_ids(conn: Connection, q: SearchQuery) -> tuple[list[tuple[int, float]], int]:
    words = query_words(q.text)
    match = or_(*[A.c.title.ilike(f"%{w}%") | A.c.body.ilike(f"%{w}%") for w in words])
    return _ranked(conn, q, match, literal_column("0.0").label("rank"))


def _ranked(conn: Connection, q: SearchQuery, match: Any,
            rank: Any) -> tuple[list[tuple[int, float]], int]:
    ids = select(A.c.id, rank).where(match)
    subset = _filtered_ids(q)
    if subset is not None:
        ids = ids.where(A.c.id.in_(subset))
    ranked = conn.execute(ids.order_by(rank.desc(), A.c.id.desc()).limit(q.per_page)
                          .offset(_offset(q))).all()
    total = conn.execute(select(func.count()).select_from(
        ids.limit(MAX_COUNT).subquery())).scalar_one()
    return [(int(r[0]), float(r[1])) for r in ranked], int(total)
