"""The catalog's read side for the web UI: outlet summaries, filtered and paged lists,
runs, and single captures. Plain dicts and small dataclasses out; no web types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, desc, exists, func, select

from catalog import schema

A, C, R, E, W = (schema.articles, schema.article_captures, schema.captures,
                 schema.article_events, schema.warc_files)
RUNS = schema.runs


@dataclass(frozen=True)
class OutletSummary:
    """One outlet at a glance; ``per_day`` counts captures on each of the last days."""

    outlet: str
    articles: int = 0
    deleted: int = 0
    edited: int = 0
    last_capture: datetime | None = None
    last_run: dict[str, Any] | None = None
    per_day: list[int] = field(default_factory=list)
    days: list[date] = field(default_factory=list)


def overview(engine: Engine, days: int = 30, today: date | None = None) -> list[OutletSummary]:
    """Every outlet held or crawled: counts, its last run, and captures per day.

    Each figure comes from an index (migration 0004), never from a scan of the articles'
    rows, so the page costs the same on a hundred articles or a million."""
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    span = [first + timedelta(days=i) for i in range(days)]
    with engine.connect() as conn:
        counts = _pairs(conn, select(A.c.outlet, func.count()).group_by(A.c.outlet))
        # IN, not a plain WHERE: the planner would walk the outlet index for the GROUP BY
        # and read every row's status; this reads the status index, then the few matches.
        deleted = _pairs(conn, select(A.c.outlet, func.count()).where(A.c.id.in_(
            select(A.c.id).where(A.c.status == "deleted"))).group_by(A.c.outlet))
        edited = _pairs(conn, select(A.c.outlet, func.count(func.distinct(E.c.article_id)))
                        .join(A, A.c.id == E.c.article_id).where(E.c.kind == "edited")
                        .group_by(A.c.outlet))
        latest = select(RUNS.c.outlet, func.max(RUNS.c.started_at).label("at")).group_by(
            RUNS.c.outlet).subquery()
        runs = {r.outlet: dict(r._mapping) for r in conn.execute(
            select(RUNS).join(latest, (latest.c.outlet == RUNS.c.outlet)
                              & (latest.c.at == RUNS.c.started_at)))}
        out = []
        for name in sorted(set(counts) | set(runs)):
            last = conn.execute(select(func.max(R.c.date)).where(R.c.outlet == name)).scalar()
            per_day = _per_day(conn, name, first)
            out.append(OutletSummary(name, int(counts.get(name, 0)), int(deleted.get(name, 0)),
                                     int(edited.get(name, 0)), last, runs.get(name),
                                     [per_day.get(d.isoformat(), 0) for d in span], span))
    return out


def _pairs(conn: Connection, query: Any) -> dict[str, int]:
    return {str(key): int(n) for key, n in conn.execute(query)}


def _per_day(conn: Connection, outlet: str, first: date) -> dict[str, int]:
    day = func.date(R.c.date)
    rows = conn.execute(select(day, func.count()).where(
        (R.c.outlet == outlet) & (R.c.date >= datetime.combine(first, time.min, UTC))
        & R.c.warc_type.in_(("response", "revisit"))).group_by(day))
    return {str(when): int(n) for when, n in rows}


@dataclass(frozen=True)
class ArticleQuery:
    """The article list's filters and page (1-based). ``published_*`` are dates of
    publication; ``edited`` keeps only articles with more than one version; ``status`` is
    live or deleted."""

    outlet: str | None = None
    edition: str | None = None
    language: str | None = None
    published_from: date | None = None
    published_to: date | None = None
    edited: bool = False
    status: str | None = None
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class Paged:
    """A page of rows with the total count of the filtered list."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


LIST_COLUMNS = (A.c.id, A.c.outlet, A.c.edition, A.c.language, A.c.title, A.c.published,
                A.c.canonical_url, A.c.status, A.c.first_seen, A.c.last_seen,
                A.c.current_version, A.c.deleted_at)


def _article_conditions(q: ArticleQuery) -> list[Any]:
    conds = []
    for column, value in ((A.c.outlet, q.outlet), (A.c.edition, q.edition),
                          (A.c.language, q.language), (A.c.status, q.status)):
        if value:
            conds.append(column == value)
    if q.published_from:
        conds.append(A.c.published_utc >= datetime.combine(q.published_from, time.min, UTC))
    if q.published_to:
        conds.append(A.c.published_utc <= datetime.combine(q.published_to, time.max, UTC))
    return conds


# The same filter two ways, for the planner: walking the publication index, EXISTS checks
# each row in the events index and stops at a page; counting, IN starts from the events.
EDITED_ROWS = exists().where((E.c.article_id == A.c.id) & (E.c.kind == "edited"))
EDITED_COUNT = A.c.id.in_(select(E.c.article_id).where(E.c.kind == "edited"))


def list_articles(engine: Engine, q: ArticleQuery) -> Paged:
    """Filtered articles, newest publication first."""
    conds = _article_conditions(q)
    page = max(q.page, 1)
    query = (select(*LIST_COLUMNS).where(*conds, *([EDITED_ROWS] if q.edited else []))
             .order_by(desc(A.c.published_utc), desc(A.c.id))
             .limit(q.per_page).offset((page - 1) * q.per_page))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
        total = conn.execute(select(func.count()).select_from(A).where(
            *conds, *([EDITED_COUNT] if q.edited else []))).scalar_one()
    return Paged(rows, int(total), page, q.per_page)


def facets(engine: Engine) -> dict[str, list[str]]:
    """The values the list's filters offer: outlets, editions, languages."""
    with engine.connect() as conn:
        return {"outlets": _distinct(conn, A.c.outlet),
                "editions": _distinct(conn, A.c.edition),
                "languages": _distinct(conn, A.c.language)}


def _distinct(conn: Connection, column: Any) -> list[str]:
    """Distinct values by hopping along the column's index (one lookup per value), where
    SELECT DISTINCT would read every entry."""
    values: list[str] = []
    while True:
        cond = column > values[-1] if values else column.isnot(None)
        value = conn.execute(select(func.min(column)).where(cond)).scalar()
        if value is None:
            return values
        values.append(str(value))


def list_runs(engine: Engine, outlet: str | None, page: int, per_page: int = 50) -> Paged:
    """Runs, newest first."""
    cond = [RUNS.c.outlet == outlet] if outlet else []
    page = max(page, 1)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(RUNS).where(*cond).order_by(desc(RUNS.c.started_at))
            .limit(per_page).offset((page - 1) * per_page))]
        total = conn.execute(select(func.count()).select_from(RUNS).where(*cond)).scalar_one()
    return Paged(rows, int(total), page, per_page)


def run_detail(engine: Engine, run_id: str) -> dict[str, Any] | None:
    """One run with its WARC files and what it captured, by record type and kind."""
    with engine.connect() as conn:
        row = conn.execute(select(RUNS).where(RUNS.c.id == run_id)).first()
        if row is None:
            return None
        run = dict(row._mapping)
        run["files"] = [dict(r._mapping) for r in conn.execute(
            select(W).where(W.c.run_id == run_id).order_by(W.c.filename))]
        run["records"] = _pairs(conn, select(R.c.warc_type, func.count()).where(
            R.c.run_id == run_id).group_by(R.c.warc_type))
        run["checks"] = _pairs(conn, select(C.c.kind, func.count()).where(
            C.c.run_id == run_id).group_by(C.c.kind))
    return run


def capture(engine: Engine, record_id: str) -> dict[str, Any] | None:
    """A record's location, its file, and (for an article capture) the article and the
    capture's provenance."""
    with engine.connect() as conn:
        row = conn.execute(select(R, W.c.key, W.c.sha256.label("file_sha256"),
                                  W.c.size.label("file_size"))
                           .outerjoin(W, W.c.filename == R.c.filename)
                           .where(R.c.record_id == record_id)).first()
        if row is None:
            return None
        out = dict(row._mapping)
        cap = conn.execute(select(C).where(C.c.capture_id == record_id)).first()
        out["article_capture"] = dict(cap._mapping) if cap else None
        art = conn.execute(select(*LIST_COLUMNS).where(A.c.id == cap.article_id)).first() \
            if cap else None
        out["article"] = dict(art._mapping) if art else None
    return out
