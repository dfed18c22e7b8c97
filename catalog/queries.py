"""The catalog's read side: what the CLI and the web UI show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Engine, desc, func, or_, select, text

from catalog import history, schema, similar
from catalog.search import SearchQuery, search_articles
from catalog.textnorm import fts_query

A = schema.articles


def _row(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in row._mapping.items()}


def outlets(engine: Engine) -> list[dict[str, Any]]:
    """Per outlet: articles held, last capture, and the last run's status."""
    with engine.connect() as conn:
        counts = {r.outlet: r for r in conn.execute(
            select(A.c.outlet, func.count().label("articles"),
                   func.max(A.c.last_seen).label("last_capture")).group_by(A.c.outlet))}
        R, R2 = schema.runs, schema.runs.alias()
        latest = select(func.max(R2.c.started_at)).where(R2.c.outlet == R.c.outlet)
        last_runs = {r.outlet: r for r in conn.execute(
            select(R.c.outlet, R.c.id, R.c.status, R.c.started_at)
            .where(R.c.started_at == latest.scalar_subquery()))}
    names = sorted(set(counts) | set(last_runs))
    return [{"outlet": n,
             "articles": counts[n].articles if n in counts else 0,
             "last_capture": _iso(counts[n].last_capture) if n in counts else None,
             "last_run": last_runs[n].id if n in last_runs else None,
             "last_run_status": last_runs[n].status if n in last_runs else None}
            for n in names]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def runs(engine: Engine, outlet: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    R = schema.runs
    query = select(R.c.id, R.c.outlet, R.c.trigger, R.c.started_at, R.c.finished_at,
                   R.c.status, R.c.stats, R.c.error, R.c.edition, R.c.args)
    if outlet:
        query = query.where(R.c.outlet == outlet)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(query.order_by(desc(R.c.started_at)).limit(limit))]


@dataclass(frozen=True)
class ArticleFilter:
    outlet: str | None = None
    edition: str | None = None
    since: date | None = None
    until: date | None = None
    status: str | None = None
    limit: int = 50
    offset: int = 0


LIST_COLUMNS = (A.c.id, A.c.outlet, A.c.edition, A.c.language, A.c.title, A.c.published,
                A.c.canonical_url, A.c.status, A.c.first_seen, A.c.last_seen, A.c.flags)


def articles(engine: Engine, f: ArticleFilter) -> list[dict[str, Any]]:
    query = select(*LIST_COLUMNS)
    if f.outlet:
        query = query.where(A.c.outlet == f.outlet)
    if f.edition:
        query = query.where(A.c.edition == f.edition)
    if f.status:
        query = query.where(A.c.status == f.status)
    if f.since:
        query = query.where(A.c.published_utc >= datetime.combine(f.since, time.min, UTC))
    if f.until:
        query = query.where(A.c.published_utc <= datetime.combine(f.until, time.max, UTC))
    query = query.order_by(desc(A.c.published_utc), desc(A.c.id)).limit(f.limit).offset(f.offset)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]


def find_article(engine: Engine, ref: str) -> dict[str, Any] | None:
    """An article by id, by canonical URL, or by any URL it was captured under."""
    with engine.connect() as conn:
        if ref.isdigit():
            row = conn.execute(select(A).where(A.c.id == int(ref))).first()
        else:
            C = schema.article_captures
            row = conn.execute(select(A).where(or_(
                A.c.canonical_url == ref, A.c.url == ref,
                A.c.id.in_(select(C.c.article_id).where(C.c.url == ref))))).first()
        if row is None:
            return None
        article = _row(row)
        C = schema.article_captures
        article["captures"] = [_row(c) for c in conn.execute(
            select(C).where(C.c.article_id == article["id"]).order_by(C.c.fetched_at))]
        article["versions"] = [_iso_dict(v) for v in history.versions(conn, article["id"])]
        article["events"] = [_iso_dict(e) for e in history.events(conn, article["id"])]
        article["also_published"] = similar.also_published(conn, article["id"])
        article["edited"] = any(e["kind"] == "edited" for e in article["events"])
    return article


def _iso_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _iso(v) for k, v in row.items()}


def search(engine: Engine, query: str, outlet: str | None = None,
           limit: int = 20) -> list[dict[str, Any]]:
    """Ranked full-text search over titles and bodies, with a highlighted snippet."""
    match = fts_query(query)
    if not match:
        return []
    if engine.dialect.name == "postgresql":
        return _search_postgres(engine, query, outlet, limit)
    if engine.dialect.name != "sqlite":
        return _search_like(engine, query, outlet, limit)
    sql = ("SELECT a.id, a.outlet, a.edition, a.title, a.published, a.canonical_url, "
           "snippet(articles_fts, 1, '[', ']', '…', 12) AS snippet, "
           "bm25(articles_fts, 5.0, 1.0) AS rank "
           "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
           "WHERE articles_fts MATCH :q" + (" AND a.outlet = :outlet" if outlet else "") +
           " ORDER BY rank LIMIT :limit")
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(text(sql), {"q": match, "outlet": outlet,
                                                          "limit": limit})]


def _search_postgres(engine: Engine, query: str, outlet: str | None,
                     limit: int) -> list[dict[str, Any]]:
    """The web UI's search (`catalog.search`, the stored tsvector), in the shape of the
    SQLite path above: the same fields, and the snippet's hits in [brackets]."""
    page = search_articles(engine, SearchQuery(query, outlet=outlet, per_page=limit))
    keep = ("id", "outlet", "edition", "title", "published", "canonical_url")
    return [{**{k: hit.article[k] for k in keep},
             "snippet": "".join(f"[{s.text}]" if s.hit else s.text for s in hit.snippet),
             "rank": hit.rank} for hit in page.hits]


def _search_like(engine: Engine, query: str, outlet: str | None,
                 limit: int) -> list[dict[str, Any]]:
    pattern = f"%{query}%"
    q = select(*LIST_COLUMNS).where(or_(A.c.title.ilike(pattern), A.c.body.ilike(pattern)))
    if outlet:
        q = q.where(A.c.outlet == outlet)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(q.limit(limit))]


def new_article_counts(engine: Engine, run_ids: list[str]) -> dict[str, int]:
    """Per run: how many articles were captured for the first time in it (0 if none)."""
    if not run_ids:
        return {}
    C, P = schema.article_captures, schema.article_captures.alias("earlier")
    earlier = select(P.c.capture_id).where(
        (P.c.article_id == C.c.article_id) & (P.c.fetched_at < C.c.fetched_at)).exists()
    query = (select(C.c.run_id, func.count(func.distinct(C.c.article_id)))
             .where(C.c.run_id.in_(run_ids) & ~earlier).group_by(C.c.run_id))
    with engine.connect() as conn:
        found = {str(run_id): int(n) for run_id, n in conn.execute(query)}
    return {run_id: found.get(run_id, 0) for run_id in run_ids}


def run(engine: Engine, run_id: str) -> dict[str, Any] | None:
    """One run's record (the ``runs`` columns), or None."""
    with engine.connect() as conn:
        row = conn.execute(select(schema.runs).where(schema.runs.c.id == run_id)).first()
    return _row(row) if row is not None else None
