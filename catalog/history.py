"""Each article's history: versions, edits, deletions, reappearances, and re-check state.

A version is a distinct (title, paragraphs) text. A capture whose payload changed but whose
text did not (a rotating sidebar) confirms the current version; a changed title or body
opens a new one. Deletions are events proven by the archived response (404, 410, or a
redirect away from the article), or by several consecutive failed checks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update

from catalog import schema
from catalog.writer import ArticleCapture, by_outlet, upsert_articles

A, C, V, E = (schema.articles, schema.article_captures, schema.article_versions,
              schema.article_events)


def version_hash(title: str | None, body: list[str]) -> str:
    """What makes a version: the title and the paragraphs, nothing else."""
    data = json.dumps([title or "", body], ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Check:
    """One re-check of an article that produced no new text: a revisit, a deletion
    proof, or a miss (5xx or no answer). ``capture_id`` is None when nothing was archived."""

    outlet: str
    canonical_url: str
    kind: str  # revisit | gone | miss
    at: datetime
    run_id: str
    capture_id: str | None = None
    url: str | None = None
    status: int | None = None
    provenance: Mapping[str, Any] | None = None
    metadata_record: str | None = None
    detail: Mapping[str, Any] | None = None


def _article(conn: Connection, outlet: str, canonical: str) -> Any:
    return conn.execute(select(A).where((A.c.outlet == outlet)
                                        & (A.c.canonical_url == canonical))).first()


def _event(conn: Connection, article_id: int, kind: str, at: datetime,
           capture_id: str | None, detail: Mapping[str, Any] | None = None) -> None:
    conn.execute(insert(E).values(article_id=article_id, kind=kind, at=at,
                                  capture_id=capture_id, detail=dict(detail or {})))


def record_page(conn: Connection, cap: ArticleCapture) -> int:
    """A full capture with extracted text: store it, then place it in the version history."""
    return record_pages(conn, [cap])[0]


def _current(conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """Each held article's status and latest version, by (outlet, canonical_url)."""
    newest = V.alias("newest")
    latest = (select(func.max(newest.c.version)).where(newest.c.article_id == A.c.id)
              .scalar_subquery())
    found = {}
    for outlet, urls in by_outlet(keys):
        rows = conn.execute(
            select(A.c.canonical_url, A.c.id, A.c.status, V.c.id.label("vid"), V.c.version,
                   V.c.version_sha256, V.c.title)
            .select_from(A).outerjoin(V, (V.c.article_id == A.c.id) & (V.c.version == latest))
            .where((A.c.outlet == outlet) & A.c.canonical_url.in_(urls)))
        found.update({(outlet, r.canonical_url): r for r in rows})
    return found


_CONFIRM = update(V).where(V.c.id == bindparam("_vid"))
_INSERT_VERSION = insert(V)
_INSERT_EVENT = insert(E)


@dataclass
class _Placed:
    """Where one capture goes in its article's history (plain values, no ids yet)."""

    cap: ArticleCapture
    confirms: int | None = None  # the id of the version it confirms, or None: a new one
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _place(cap: ArticleCapture, before: Any) -> _Placed:
    """The capture's version: the current one if the text is unchanged, else the next."""
    a = cap.article
    digest = version_hash(a.get("title"), list(a.get("body") or []))
    current = before if before is not None and before.vid is not None else None
    if current is not None and current.version_sha256 == digest:
        placed = _Placed(replace(cap, version=current.version), confirms=current.vid)
    else:
        placed = _Placed(replace(cap, version=current.version + 1 if current else 1))
        if current is not None:
            placed.events.append(("edited", {
                "from_version": current.version, "to_version": current.version + 1,
                "title_changed": (current.title or "") != (a.get("title") or "")}))
    if before is not None and before.status == "deleted":
        placed.events.append(("reappeared", {}))
    return placed


def _version_row(article_id: int, cap: ArticleCapture) -> dict[str, Any]:
    a = cap.article
    return {"article_id": article_id, "version": cap.version, "title": a.get("title"),
            "body": "\n\n".join(a.get("body") or []),
            "version_sha256": version_hash(a.get("title"), list(a.get("body") or [])),
            "first_seen": cap.fetched_at, "last_confirmed": cap.fetched_at,
            "first_capture": cap.capture_id, "last_capture": cap.capture_id,
            "text_key": cap.text_key}


def record_pages(conn: Connection, caps: Sequence[ArticleCapture]) -> list[int]:
    """`record_page` for a batch of captures of distinct articles, in a few statements
    (one transaction per batch is what keeps the crawl's catalog writes cheap). Returns
    the article ids, in order."""
    held = _current(conn, [(c.article["outlet"], c.article["canonical_url"]) for c in caps])
    placed = [_place(c, held.get((c.article["outlet"], c.article["canonical_url"])))
              for c in caps]
    ids = upsert_articles(conn, [p.cap for p in placed], [{
        "current_version": p.cap.version, "last_checked": p.cap.fetched_at, "misses": 0,
        "deleted_at": None} for p in placed])
    confirm = [{"_vid": p.confirms, "last_confirmed": p.cap.fetched_at,
                "last_capture": p.cap.capture_id} for p in placed if p.confirms is not None]
    new = [_version_row(i, p.cap) for i, p in zip(ids, placed, strict=True)
           if p.confirms is None]
    events = [{"article_id": i, "kind": kind, "at": p.cap.fetched_at,
               "capture_id": p.cap.capture_id, "detail": detail}
              for i, p in zip(ids, placed, strict=True) for kind, detail in p.events]
    for statement, rows in ((_CONFIRM, confirm), (_INSERT_VERSION, new), (_INSERT_EVENT, events)):
        if rows:
            conn.execute(statement, rows)
    return ids


def record_check(conn: Connection, check: Check, misses_for_deletion: int) -> int | None:
    """A re-check without new text. Returns the article id (None if it is not held)."""
    row = _article(conn, check.outlet, check.canonical_url)
    if row is None:
        return None
    values: dict[str, Any] = {"last_checked": check.at}
    if check.capture_id is not None:
        conn.execute(insert(C).values(**_check_capture(check, row)))
    if check.kind == "revisit":
        values.update(last_seen=check.at, misses=0, status="live", deleted_at=None)
        conn.execute(update(V).where((V.c.article_id == row.id)
                                     & (V.c.version == row.current_version)).values(
            last_confirmed=check.at, last_capture=check.capture_id))
        if row.status == "deleted":
            _event(conn, row.id, "reappeared", check.at, check.capture_id)
    elif check.kind == "gone":
        values["misses"] = 0
        if row.status != "deleted":
            values.update(status="deleted", deleted_at=check.at)
            _event(conn, row.id, "deleted", check.at, check.capture_id, check.detail)
    else:  # a miss: only several in a row make a deletion
        misses = (row.misses or 0) + 1
        values["misses"] = misses
        if misses >= misses_for_deletion and row.status != "deleted":
            values.update(status="deleted", deleted_at=check.at)
            _event(conn, row.id, "deleted", check.at, check.capture_id,
                   {**(check.detail or {}), "reason": f"unavailable on {misses} checks in a row"})
    conn.execute(update(A).where(A.c.id == row.id).values(**values))
    return int(row.id)


_REVISIT_CONFIRMS = update(V).where((V.c.article_id == bindparam("_aid"))
                                    & (V.c.version == bindparam("_version"))).values(
    last_confirmed=bindparam("_at"), last_capture=bindparam("_capture"))
_REVISIT_CHECKED = update(A).where(A.c.id == bindparam("_aid")).values(
    last_checked=bindparam("_at"), last_seen=bindparam("_at"), misses=0, status="live",
    deleted_at=None)


def record_checks(conn: Connection, checks: Sequence[Check],
                  misses_for_deletion: int) -> list[int | None]:
    """`record_check` for checks of distinct articles. A revisit of a live article (what
    a re-check run is made of) costs a share of three executemany statements; any other
    check is recorded on its own. Returns the article ids, as `record_check` does."""
    found: dict[tuple[str, str], Any] = {}
    for outlet, urls in by_outlet([(c.outlet, c.canonical_url) for c in checks]):
        found.update({(outlet, r.canonical_url): r for r in conn.execute(
            select(A).where((A.c.outlet == outlet) & A.c.canonical_url.in_(urls)))})
    ids: list[int | None] = []
    revisits = []
    for check in checks:
        row = found.get((check.outlet, check.canonical_url))
        if row is not None and check.kind == "revisit" and row.status != "deleted":
            revisits.append((check, row))
            ids.append(int(row.id))
        else:
            ids.append(record_check(conn, check, misses_for_deletion))
    captures = [_check_capture(check, row) for check, row in revisits
                if check.capture_id is not None]
    if captures:
        conn.execute(insert(C), captures)
    if revisits:
        conn.execute(_REVISIT_CONFIRMS, [
            {"_aid": row.id, "_version": row.current_version, "_at": check.at,
             "_capture": check.capture_id} for check, row in revisits])
        conn.execute(_REVISIT_CHECKED, [{"_aid": row.id, "_at": check.at}
                                        for check, row in revisits])
    return ids


def _check_capture(check: Check, row: Any) -> dict[str, Any]:
    """The capture row of a re-check that archived something."""
    return {"capture_id": check.capture_id, "article_id": row.id, "run_id": check.run_id,
            "fetched_at": check.at, "url": check.url or row.url, "status": check.status,
            "kind": check.kind, "version": row.current_version,
            "metadata_record": check.metadata_record,
            "provenance": dict(check.provenance) if check.provenance else None}


@dataclass(frozen=True)
class Held:
    """What a run needs to know of an article it holds, to decide on and make a re-check."""

    canonical_url: str
    url: str
    status: str
    published: datetime | None
    first_seen: datetime
    last_checked: datetime | None
    capture_id: str | None
    capture_date: datetime | None
    target_uri: str | None
    payload_digest: str | None
    etag: str | None
    last_modified: str | None


def held_articles(engine: Engine, outlet: str) -> list[Held]:
    """Every article of the outlet, with its last full capture (for conditional requests
    and revisit records)."""
    last = (select(C.c.article_id, func.max(C.c.fetched_at).label("at"))
            .where(C.c.kind == "response").group_by(C.c.article_id).subquery())
    R = schema.captures
    query = (select(A.c.canonical_url, A.c.url, A.c.status, A.c.published_utc,
                    A.c.first_seen, A.c.last_checked, C.c.capture_id, R.c.date,
                    R.c.target_uri, R.c.payload_digest, C.c.etag, C.c.last_modified)
             .select_from(A).outerjoin(last, last.c.article_id == A.c.id)
             .outerjoin(C, (C.c.article_id == A.c.id) & (C.c.fetched_at == last.c.at)
                        & (C.c.kind == "response"))
             .outerjoin(R, R.c.record_id == C.c.capture_id)
             .where(A.c.outlet == outlet))
    with engine.connect() as conn:
        return [Held(*tuple(row)) for row in conn.execute(query)]


def versions(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(V).where(V.c.article_id == article_id).order_by(V.c.version))
    return [dict(r._mapping) for r in rows]


def events(conn: Connection, article_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(E).where(E.c.article_id == article_id).order_by(E.c.at, E.c.id))
    return [dict(r._mapping) for r in rows]


@dataclass(frozen=True)
class Step:
    """One capture in an article's timeline, for rebuilding its versions."""

    capture_id: str
    at: datetime
    kind: str  # response | revisit | gone | miss
    title: str | None = None
    body: tuple[str, ...] = ()
    text_key: str | None = None


def rebuild_versions(conn: Connection, article_id: int, timeline: list[Step]) -> int:
    """Replace the article's versions and edit events by replaying its captures in order
    (after re-extraction). Deletions and reappearances are facts of the responses and stay.
    Returns the number of versions."""
    conn.execute(V.delete().where(V.c.article_id == article_id))
    conn.execute(E.delete().where((E.c.article_id == article_id) & (E.c.kind == "edited")))
    current: dict[str, Any] | None = None
    for step in sorted(timeline, key=lambda s: s.at):
        if step.kind == "revisit" and current is not None:
            current |= {"last_confirmed": step.at, "last_capture": step.capture_id}
        if step.kind != "response":
            continue
        digest = version_hash(step.title, list(step.body))
        if current is not None and current["version_sha256"] == digest:
            current |= {"last_confirmed": step.at, "last_capture": step.capture_id}
        else:
            if current is not None:
                conn.execute(insert(V).values(**current))
                _event(conn, article_id, "edited", step.at, step.capture_id, {
                    "from_version": current["version"], "to_version": current["version"] + 1,
                    "title_changed": (current["title"] or "") != (step.title or "")})
            current = {"article_id": article_id,
                       "version": current["version"] + 1 if current else 1,
                       "title": step.title, "body": "\n\n".join(step.body),
                       "version_sha256": digest, "first_seen": step.at,
                       "last_confirmed": step.at, "first_capture": step.capture_id,
                       "last_capture": step.capture_id, "text_key": step.text_key}
        conn.execute(update(C).where(C.c.capture_id == step.capture_id).values(
            version=current["version"]))
    if current is None:
        return 0
    conn.execute(insert(V).values(**current))
    conn.execute(update(A).where(A.c.id == article_id).values(current_version=current["version"]))
    return int(current["version"])
