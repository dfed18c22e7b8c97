"""Index a stored WARC file into the catalog's ``captures`` table.

Used for files rescued after a crash: their records were written, but the crawl died before
its catalog rows were flushed. Records already in the catalog are left alone.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from warcio.archiveiterator import ArchiveIterator

from catalog.writer import add_captures, known_record_ids
from pipelines.storage import Store


def _bare(value: str | None) -> str | None:
    return value.strip("<>").removeprefix("urn:uuid:") if value else None


def _row(record: Any, offset: int, length: int, filename: str, outlet: str,
         run_id: str | None) -> dict[str, Any]:
    h = record.rec_headers
    http = record.http_headers
    return {
        "record_id": _bare(h.get_header("WARC-Record-ID")), "run_id": run_id,
        "outlet": outlet, "warc_type": record.rec_type,
        "target_uri": h.get_header("WARC-Target-URI"),
        "date": datetime.fromisoformat(h.get_header("WARC-Date").replace("Z", "+00:00")),
        "filename": filename, "offset": offset, "length": length,
        "status": int(http.get_statuscode()) if http is not None and record.rec_type in (
            "response", "revisit") and http.get_statuscode() else None,
        "content_type": http.get_header("Content-Type") if http is not None else None,
        "block_digest": h.get_header("WARC-Block-Digest"),
        "payload_digest": h.get_header("WARC-Payload-Digest"),
        "concurrent_to": _bare(h.get_header("WARC-Concurrent-To")),
        "truncated": h.get_header("WARC-Truncated"),
    }


def index_warc_bytes(engine: Engine, store: Store, key: str, filename: str,
                     outlet: str) -> tuple[int, str | None]:
    """Add catalog rows for the file's records that are missing; returns (added, run id
    named in the file's warcinfo)."""
    known = known_record_ids(engine, filename)
    rows, run_id = [], None
    iterator = ArchiveIterator(io.BytesIO(store.get_bytes(key)))
    for record in iterator:
        if record.rec_type == "warcinfo":
            fields = record.content_stream().read().decode("utf-8", "replace")
            run_id = next((ln.split(":", 1)[1].strip() for ln in fields.splitlines()
                           if ln.lower().startswith("run-id:")), run_id)
            continue
        record.content_stream().read()  # consume, so the offset/length are known
        row = _row(record, iterator.get_record_offset(), iterator.get_record_length(),
                   filename, outlet, None)
        if row["record_id"] not in known:
            rows.append(row)
    for row in rows:
        row["run_id"] = run_id
    with engine.begin() as conn:
        add_captures(conn, rows)
    return len(rows), run_id
