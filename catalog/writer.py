"""The catalog's write side: runs, WARC files, capture records and articles.

Called by the crawl's pipelines and extension, and by recovery; every function takes plain
values and a connection or engine, never Scrapy objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, text, update
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
    version: int | None = None  # set by catalog.history, which places it among versions
    folded: tuple[str, str] | None = None  # (title, body) folded for search, if done already


def _article_values(cap: ArticleCapture) -> dict[str, Any]:
    """The ``articles`` columns a capture refreshes (not the key, not first_seen)."""
    a = cap.article
    return {
        "url": a["url"], "edition": a.get("edition"), "language": a.get("language"),
        "title": a.get("title"), "authors": a.get("authors"),
        "editor_initials": a.get("editor_initials"), "published": a.get("published"),
        "published_utc": cap.published_utc, "modified": a.get("modified"),
        "section": a.get("section"), "tags": a.get("tags"), "dateline": a.get("dateline"),
        "body": "\n\n".join(a.get("body") or []), "text_sha256": cap.text_sha256,
        "parser": a.get("parser"), "flags": a.get("flags"), "status": "live",
        "last_seen": cap.fetched_at, "current_capture": cap.capture_id,
    }


def _capture_row(cap: ArticleCapture, article_id: int) -> dict[str, Any]:
    return {"capture_id": cap.capture_id, "article_id": article_id, "run_id": cap.run_id,
            "fetched_at": cap.fetched_at, "url": cap.article["url"], "status": cap.status,
            "text_key": cap.text_key, "text_sha256": cap.text_sha256,
            "payload_sha256": cap.payload_sha256, "metadata_record": cap.metadata_record,
            "provenance": dict(cap.provenance), "kind": "response", "version": cap.version,
            "etag": cap.etag, "last_modified": cap.last_modified}


Key = tuple[str, str]  # (outlet, canonical_url)


def by_outlet(keys: Sequence[Key], size: int = 400) -> Iterator[tuple[str, list[str]]]:
    """(outlet, canonical URLs) in chunks, for ``outlet = ? AND canonical_url IN (...)``:
    SQLite answers a row-value IN over (outlet, canonical_url) by scanning the index."""
    urls: dict[str, list[str]] = {}
    for outlet, url in dict.fromkeys(keys):
        urls.setdefault(outlet, []).append(url)
    for outlet, listed in urls.items():
        for chunk in _chunks(listed, size):
            yield outlet, chunk


def article_ids(conn: Connection, keys: Sequence[Key]) -> dict[Key, int]:
    """The ids of the articles held under these keys (absent keys are left out)."""
    t, found = schema.articles, {}
    for outlet, urls in by_outlet(keys):
        rows = conn.execute(select(t.c.canonical_url, t.c.id).where(
            (t.c.outlet == outlet) & t.c.canonical_url.in_(urls)))
        found.update({(outlet, r.canonical_url): int(r.id) for r in rows})
    return found


# Statements built once: each execution with a list of rows is one executemany, and
# SQLAlchemy compiles a statement once per process instead of once per article.
_UPDATE_ARTICLE = update(schema.articles).where(schema.articles.c.id == bindparam("_id"))
_INSERT_ARTICLE = insert(schema.articles)
_INSERT_CAPTURE = insert(schema.article_captures)


def upsert_articles(conn: Connection, caps: Sequence[ArticleCapture],
                    more: Sequence[Mapping[str, Any]] | None = None) -> list[int]:
    """Insert or refresh each capture's article, then record the captures, in a few
    statements for the whole batch. ``more`` adds ``articles`` columns per capture (the
    history's); the keys must be distinct. Returns the article ids, in order."""
    keys = [(c.article["outlet"], c.article["canonical_url"]) for c in caps]
    if len(set(keys)) != len(keys):
        raise ValueError("upsert_articles: one capture per article per batch")
    values = [{**_article_values(c), **(more[i] if more else {})} for i, c in enumerate(caps)]
    ids = article_ids(conn, keys)
    fresh = _insert_new(conn, [{"outlet": k[0], "canonical_url": k[1],
                                "first_seen": caps[i].fetched_at, **values[i]}
                               for i, k in enumerate(keys) if k not in ids])
    if fresh:
        ids = article_ids(conn, keys)
    old = [{"_id": ids[k], **values[i]} for i, k in enumerate(keys) if k not in fresh]
    if old:
        conn.execute(_UPDATE_ARTICLE, old)
    result = [ids[k] for k in keys]
    conn.execute(_INSERT_CAPTURE, [_capture_row(c, result[i]) for i, c in enumerate(caps)])
    index_texts(conn, [Indexed(result[i], v["title"] or "", v["body"], c.folded)
                       for i, (c, v) in enumerate(zip(caps, values, strict=True))])
    return result


def _insert_new(conn: Connection, rows: list[dict[str, Any]]) -> set[Key]:
    """Insert new articles; returns the keys inserted. A key another worker inserted
    meanwhile is left out (the caller refreshes it like any known article)."""
    if not rows:
        return set()
    try:
        with conn.begin_nested():
            conn.execute(_INSERT_ARTICLE, rows)
        return {(r["outlet"], r["canonical_url"]) for r in rows}
    except IntegrityError:  # another worker inserted one of them first: one at a time
        fresh = set()
        for row in rows:
            try:
                with conn.begin_nested():
                    conn.execute(_INSERT_ARTICLE, row)
                fresh.add((row["outlet"], row["canonical_url"]))
            except IntegrityError:
                pass
        return fresh


def upsert_article(conn: Connection, cap: ArticleCapture) -> int:
    """Insert or refresh the article, then record this capture of it. Returns its id."""
    return upsert_articles(conn, [cap])[0]


@dataclass(frozen=True)
class Indexed:
    """An article's current text for the full-text index; ``folded`` is (title, body)
    already passed through `catalog.textnorm.fold` (by the extraction worker), or None."""

    article_id: int
    title: str
    body: str
    folded: tuple[str, str] | None = None


def index_texts(conn: Connection, rows: Sequence[Indexed]) -> None:
    """Keep the full-text index in step with these articles' current text, in one
    statement per table: the FTS5 table on SQLite (with the text folded already where
    the extraction worker did it: folding is ~4% of a crawl's CPU), the ``search_vector``
    column (migration 0005) on PostgreSQL."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from catalog import tsvector  # PostgreSQL only; SQLite catalogs never need it

        tsvector.store(conn, [(r.article_id, r.title, r.body) for r in rows])
        return
    if conn.dialect.name != "sqlite":
        return  # other databases search with LIKE (catalog.search)
    params = [{"id": r.article_id, "t": r.folded[0] if r.folded else fold(r.title),
               "b": r.folded[1] if r.folded else fold(r.body)} for r in rows]
    conn.execute(text("DELETE FROM articles_fts WHERE rowid = :id"), params)
    conn.execute(text("INSERT INTO articles_fts(rowid, title, body) VALUES (:id, :t, :b)"),
                 params)


def index_text(conn: Connection, article_id: int, title: str, body: str) -> None:
    """`index_texts` for one article."""
    index_texts(conn, [Indexed(article_id, title, body)])


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


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
