"""Exports of a selection of the archive: WARC, CDXJ, JSONL (WACZ is in `catalog.wacz`).

A selection is some articles, an outlet, a capture-date range, or a mix. What goes out:

- for articles: each capture's evidence set: the response (or revisit) record, its request,
  its provenance metadata record, the redirect hops and retried attempts that led to it,
  and the robots.txt it was fetched under;
- for an outlet or a date range without articles: every record captured there and then
  (feeds, sitemaps and robots.txt too);
- always: the original payload a revisit record refers to, so the export replays on its
  own, and the warcinfo record that opens each source file (operator, software, robots
  policy), so the export keeps the context the records were made in.

Records are copied byte for byte (each is one gzip member), so every digest still holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import IO, Any

from sqlalchemy import Connection, Engine, select

from catalog import cdxj, records, schema
from catalog.records import RecordRef
from newsvault import __version__
from pipelines.storage import Store
from pipelines.warcfile.model import WarcConfig
from pipelines.warcfile.records import Builder, build
from pipelines.warcfile.specs import warcinfo_spec

A, C, R = schema.articles, schema.article_captures, schema.captures
READ_CHUNK = 16 << 20  # adjacent records are fetched in one range read up to this size
FORMATS = ("wacz", "warc", "jsonl", "cdxj")


@dataclass(frozen=True)
class Selection:
    """What to export. Dates are capture dates (UTC, inclusive)."""

    outlet: str | None = None
    since: date | None = None
    until: date | None = None
    articles: tuple[int, ...] = ()

    def describe(self) -> str:
        """A one-line human description, for warcinfo and WACZ titles."""
        parts = [f"articles {', '.join(map(str, self.articles))}"] if self.articles else []
        parts += [f"outlet {self.outlet}"] if self.outlet else []
        parts += [f"captured since {self.since}"] if self.since else []
        parts += [f"captured until {self.until}"] if self.until else []
        return "; ".join(parts) or "the whole archive"

    def window(self, column: Any) -> Any:
        """The capture-date condition on ``column`` (True when no dates are set)."""
        cond = column.isnot(None)
        if self.since:
            cond &= column >= datetime.combine(self.since, time.min, UTC)
        if self.until:
            cond &= column <= datetime.combine(self.until, time.max, UTC)
        return cond


@dataclass(frozen=True)
class Written:
    """Where a record landed in an exported WARC, with its CDXJ line there."""

    ref: RecordRef
    offset: int
    length: int
    cdxj: str | None


def article_captures(conn: Connection, sel: Selection) -> list[Any]:
    """The selection's article captures (with their article's outlet and title)."""
    query = (select(C, A.c.outlet, A.c.title).join(A, A.c.id == C.c.article_id)
             .where(sel.window(C.c.fetched_at)).order_by(C.c.fetched_at))
    if sel.articles:
        query = query.where(C.c.article_id.in_(sel.articles))
    if sel.outlet:
        query = query.where(A.c.outlet == sel.outlet)
    return list(conn.execute(query))


def evidence_ids(capture: Any) -> list[str]:
    """The record ids that prove one article capture (see the module docstring)."""
    prov = capture.provenance or {}
    hops = [h.get("record_id") for h in (prov.get("redirects") or []) + (prov.get("retries")
                                                                          or [])]
    ids = [capture.capture_id, capture.metadata_record,
           (prov.get("warc") or {}).get("request_record_id"),
           (prov.get("robots") or {}).get("robots_txt"), *hops]
    return [i for i in ids if i]


def selected_refs(conn: Connection, store: Store, sel: Selection) -> list[RecordRef]:
    """Every record the selection exports, in file order, source warcinfo records first."""
    if sel.articles:
        ids = [i for cap in article_captures(conn, sel) for i in evidence_ids(cap)]
        found = records.refs(conn, ids)
    else:
        query = select(R, schema.warc_files.c.key).outerjoin(
            schema.warc_files, schema.warc_files.c.filename == R.c.filename).where(
            sel.window(R.c.date))
        if sel.outlet:
            query = query.where(R.c.outlet == sel.outlet)
        found = {row.record_id: records.ref_from_row(row) for row in conn.execute(query)}
    _add_revisit_originals(conn, store, found)
    files = {(r.filename, r.key, r.outlet) for r in found.values()}
    for filename, key, outlet in sorted(files):
        info = records.warcinfo_ref(store, filename, key, outlet)
        if info is not None:
            found.setdefault(f"warcinfo:{filename}", info)
    return sorted(found.values(), key=lambda r: (r.filename, r.offset))


def capture_refs(conn: Connection, store: Store, record_id: str) -> list[RecordRef]:
    """The records of one capture, in file order: for an article capture its evidence set,
    otherwise the record and the records it names as concurrent (its request); plus any
    revisit original, and the warcinfo record that opens the source file."""
    cap = conn.execute(select(C).where(C.c.capture_id == record_id)).first()
    found = records.refs(conn, evidence_ids(cap) if cap else [record_id])
    if cap is None and record_id in found:
        head = records.parse_head(records.read_member(store, found[record_id]))
        concurrent = [records.bare_id(v) for k, v in head.warc_headers
                      if k.lower() == "warc-concurrent-to"]
        found.update(records.refs(conn, [c for c in concurrent if c]))
    _add_revisit_originals(conn, store, found)
    for ref in list(found.values()):
        info = records.warcinfo_ref(store, ref.filename, ref.key, ref.outlet)
        if info is not None:
            found.setdefault(f"warcinfo:{ref.filename}", info)
    return sorted(found.values(), key=lambda r: (r.filename, r.offset))


def _add_revisit_originals(conn: Connection, store: Store, found: dict[str, RecordRef]) -> None:
    revisits = [r for r in found.values() if r.warc_type == "revisit"]
    wanted = set()
    for ref in revisits:
        target = records.bare_id(records.parse_head(records.read_member(store, ref))
                                 .warc("WARC-Refers-To"))
        if target and target not in found:
            wanted.add(target)
    found.update(records.refs(conn, wanted))


def iter_members(store: Store, refs: list[RecordRef]) -> Iterator[tuple[RecordRef, bytes]]:
    """Each record's bytes, reading runs of adjacent records in one range request (an S3
    export of a whole outlet would otherwise make one request per record)."""
    run: list[RecordRef] = []
    for ref in refs:
        last = run[-1] if run else None
        if last and (ref.key != last.key or ref.offset != last.offset + last.length
                     or ref.offset + ref.length - run[0].offset > READ_CHUNK):
            yield from _read_run(store, run)
            run = []
        run.append(ref)
    yield from _read_run(store, run)


def _read_run(store: Store, run: list[RecordRef]) -> Iterator[tuple[RecordRef, bytes]]:
    if not run:
        return
    start = run[0].offset
    data = store.read_range(run[0].key, start, run[-1].offset + run[-1].length - start)
    for ref in run:
        yield ref, data[ref.offset - start:ref.offset - start + ref.length]


def export_warcinfo(sel: Selection, filename: str, operator: str) -> bytes:
    """The warcinfo record that opens an exported file: what was selected, by what."""
    config = WarcConfig(directory=".", outlet=sel.outlet or "newsvault",
                        software=f"newsvault/{__version__} export", operator=operator,
                        is_part_of="newsvault-export",
                        warcinfo={"description": f"newsvault export: {sel.describe()}",
                                  "newsvault-export-created": datetime.now(UTC).isoformat()})
    return build(Builder(), warcinfo_spec(config, filename), 6).member


def write_warc(out: IO[bytes], store: Store, refs: list[RecordRef], head: bytes,
               filename: str) -> list[Written]:
    """Write ``head`` (a warcinfo member) then every record; return where each landed."""
    out.write(head)
    offset, written = len(head), []
    for ref, member in iter_members(store, refs):
        out.write(member)
        line = cdxj.line(records.parse_head(member), filename, offset, len(member))
        written.append(Written(ref, offset, len(member), line))
        offset += len(member)
    return written


def stored_cdxj(store: Store, refs: list[RecordRef]) -> list[str]:
    """CDXJ lines for the records where they are stored (file name and offset in the
    store), sorted: an index for a replay tool pointed at the stored WARC files."""
    lines = (cdxj.line(records.parse_head(member), ref.filename, ref.offset, ref.length)
             for ref, member in iter_members(store, refs))
    return cdxj.sort_lines(x for x in lines if x)


def article_documents(conn: Connection, sel: Selection) -> Iterator[dict[str, Any]]:
    """One JSON document per selected article: its current text, versions, events, and
    each selected capture with its provenance."""
    captures: dict[int, list[Any]] = {}
    for cap in article_captures(conn, sel):
        captures.setdefault(cap.article_id, []).append(cap)
    for start in range(0, len(captures), 500):
        ids = sorted(captures)[start:start + 500]
        for row in conn.execute(select(A).where(A.c.id.in_(ids)).order_by(A.c.id)):
            yield _document(conn, row, captures[row.id])


def _document(conn: Connection, row: Any, caps: list[Any]) -> dict[str, Any]:
    from catalog import history

    doc = {k: _plain(v) for k, v in row._mapping.items()}
    doc["body"] = (row.body or "").split("\n\n") if row.body else []
    doc["versions"] = [{k: _plain(v) for k, v in v.items()}
                       for v in history.versions(conn, row.id)]
    doc["events"] = [{k: _plain(v) for k, v in e.items()} for e in history.events(conn, row.id)]
    doc["captures"] = [{k: _plain(v) for k, v in c._mapping.items()
                        if k not in ("outlet", "title")} for c in caps]
    return doc


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def write_jsonl(out: IO[bytes], engine: Engine, sel: Selection) -> int:
    """JSON Lines of text and provenance; returns the number of articles."""
    count = 0
    with engine.connect() as conn:
        for doc in article_documents(conn, sel):
            out.write(json.dumps(doc, ensure_ascii=False, sort_keys=True).encode() + b"\n")
            count += 1
    return count
