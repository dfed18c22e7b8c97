"""The catalog's write side: runs, WARC files, capture records and articles.

Called by the crawl's pipelines and extension, and by recovery; every function takes plain
values and a connection or engine, never Scrapy objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from catalog import schema
from catalog.textnorm import fold


def now() -> datetime:
    return datetime.now(UTC)


def start_run(engine: Engine, run: Mapping[str, Any]) -> None:
    """Record a run as running; ``run`` holds the ``runs`` columns."""
    row = {"status": "running", "started_at": now(), **run}
    with engine.begin() as conn:
        conn.execute(insert(schema.runs).values(**row))


def mark_dead_runs(engine: Engine, host: str, alive: Callable[[int], bool]) -> list[str]:
    """Runs on this host still marked running whose process is gone were killed: mark them
    interrupted, so the history never shows a crash as a run in progress."""
    t = schema.runs
    with engine.begin() as conn:
        stale = [r.id for r in conn.execute(select(t.c.id, t.c.pid).where(
            (t.c.status == "running") & (t.c.host == host))) if r.pid and not alive(r.pid)]
        if stale:
            conn.execute(update(t).where(t.c.id.in_(stale)).values(
                status="interrupted", finished_at=now(),
                error="the crawl process died (killed or crashed) before it finished"))
    return stale


def finish_run(engine: Engine, run_id: str, status: str, stats: Mapping[str, Any],
               error: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(update(schema.runs).where(schema.runs.c.id == run_id).values(
            status=status, finished_at=now(), stats=dict(stats), error=error))


def add_warc_file(engine: Engine, row: Mapping[str, Any]) -> None:
    """Register a stored WARC file (idempotent: a file already known is left as it is)."""
    with engine.begin() as conn:
        known = conn.execute(select(schema.warc_files.c.sha256).where(
            schema.warc_files.c.filename == row["filename"])).scalar()
        if known is None:
            conn.execute(insert(schema.warc_files).values(**row))


def add_captures(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        conn.execute(insert(schema.captures), rows)


def known_record_ids(engine: Engine, filename: str) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(schema.captures.c.record_id).where(
            schema.captures.c.filename == filename)).scalars())


@dataclass(frozen=True)
class ArticleCapture:
    """One extraction of one article capture, as the catalog stores it."""

    article: Mapping[str, Any]  # pipelines.extract.model.Article.to_dict()
    capture_id: str
    run_id: str
    fetched_at: datetime
    status: int
    text_key: str
    text_sha256: str
    payload_sha256: str
    metadata_record: str | None
    provenance: Mapping[str, Any]
    published_utc: datetime | None
    etag: str | None = None  # validators of this response, for the next conditional re-check
    last_modified: str | None = None


def upsert_article(conn: Connection, cap: ArticleCapture) -> int:
    """Insert or refresh the article, then record this capture of it. Returns its id."""
    a = cap.article
    values = {
        "url": a["url"], "edition": a.get("edition"), "language": a.get("language"),
        "title": a.get("title"), "authors": a.get("authors"),
        "editor_initials": a.get("editor_initials"), "published": a.get("published"),
        "published_utc": cap.published_utc, "modified": a.get("modified"),
        "section": a.get("section"), "tags": a.get("tags"), "dateline": a.get("dateline"),
        "body": "\n\n".join(a.get("body") or []), "text_sha256": cap.text_sha256,
        "parser": a.get("parser"), "flags": a.get("flags"), "status": "live",
        "last_seen": cap.fetched_at, "current_capture": cap.capture_id,
    }
    t = schema.articles
    key = (t.c.outlet == a["outlet"]) & (t.c.canonical_url == a["canonical_url"])
    article_id = conn.execute(select(t.c.id).where(key)).scalar()
    if article_id is None:
        try:
            with conn.begin_nested():
                inserted = conn.execute(insert(t).values(
                    outlet=a["outlet"], canonical_url=a["canonical_url"],
                    first_seen=cap.fetched_at, **values)).inserted_primary_key
                assert inserted is not None
                article_id = inserted[0]
        except IntegrityError:  # another worker inserted it first
            article_id = conn.execute(select(t.c.id).where(key)).scalar_one()
            conn.execute(update(t).where(t.c.id == article_id).values(**values))
    else:
        conn.execute(update(t).where(t.c.id == article_id).values(**values))
    conn.execute(insert(schema.article_captures).values(
        capture_id=cap.capture_id, article_id=article_id, run_id=cap.run_id,
        fetched_at=cap.fetched_at, url=a["url"], status=cap.status, text_key=cap.text_key,
        text_sha256=cap.text_sha256, payload_sha256=cap.payload_sha256,
        metadata_record=cap.metadata_record, provenance=dict(cap.provenance),
        kind="response", etag=cap.etag, last_modified=cap.last_modified))
    index_text(conn, int(article_id), a.get("title") or "", values["body"])
    return int(article_id)


def index_text(conn: Connection, article_id: int, title: str, body: str) -> None:
    """Keep the full-text index in step with the article's current text."""
    if conn.dialect.name != "sqlite":
        return  # PostgreSQL searches with ILIKE for now (tsvector arrives with issue 8)
    conn.execute(text("DELETE FROM articles_fts WHERE rowid = :id"), {"id": article_id})
    conn.execute(text("INSERT INTO articles_fts(rowid, title, body) VALUES (:id, :t, :b)"),
                 {"id": article_id, "t": fold(title), "b": fold(body)})


def record_run(engine: Engine, run: Mapping[str, Any]) -> None:
    """Record a run that never started a crawl (a firing skipped or missed): it starts and
    finishes now unless ``run`` says otherwise, so the history shows every firing."""
    at = now()
    row = {"started_at": at, "finished_at": at, **run}
    with engine.begin() as conn:
        conn.execute(insert(schema.runs).values(**row))


def settle_run(engine: Engine, run: Mapping[str, Any], note: str | None,
               stats: Mapping[str, Any]) -> str:
    """A supervisor's last word on a run it started in a child process; returns its status.

    ``stats`` are merged into the run's stats and ``note`` (e.g. the last lines the child
    wrote to stderr) is appended to its error, unless it ended ok. A run the child left
    ``running`` (killed) is closed with ``run["status"]``; a run the child never recorded
    (it died before the spider opened) is recorded from ``run`` (the ``runs`` columns).
    """
    t = schema.runs
    with engine.begin() as conn:
        row = conn.execute(select(t.c.status, t.c.stats, t.c.error).where(
            t.c.id == run["id"])).first()
        if row is None:
            at = now()
            conn.execute(insert(t).values(**{"started_at": at, **run, "finished_at": at,
                                              "stats": dict(stats), "error": _join(
                                                  run.get("error"), note)}))
            return str(run["status"])
        values: dict[str, Any] = {"stats": {**(row.stats or {}), **stats}}
        status = row.status
        if status == "running":
            status = run["status"]
            values.update(status=status, finished_at=now(),
                          error=_join(run.get("error"), note))
        elif note and status != "ok":  # e.g. SIGTERM while it exited after an ok run
            values["error"] = _join(row.error, note)
        conn.execute(update(t).where(t.c.id == run["id"]).values(**values))
        return str(status)


def _join(first: str | None, second: str | None) -> str | None:
    return "\n".join(p for p in (first, second) if p) or None
