"""What the catalog says the store holds: every object's key, and every digest it is given.

The audit (`catalog.verify`) compares each object with all of these, because each is a
separate claim: the ``objects`` row (made when the bytes were), ``warc_files``, the capture's
``text_sha256`` and the provenance document's ``text.sha256``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from catalog import objects, schema


@dataclass
class Expect:
    """One object the catalog lists. ``digests`` maps each claim's source to its SHA-256."""

    key: str
    kind: str
    outlet: str
    digests: dict[str, str] = field(default_factory=dict)
    size: int | None = None
    status: str = "stored"  # from ``objects``: spooled | stored | quarantined
    error: str | None = None
    filename: str | None = None  # WARC files: the name the captures table uses
    provenance: dict[str, Any] | None = None  # provenance documents: the catalog's copy


def _entry(found: dict[str, Expect], key: str, outlet: str) -> Expect:
    if key not in found:
        found[key] = Expect(key, objects.kind_of(key), outlet)
    return found[key]


def _object_rows(engine: Engine, outlet: str | None, found: dict[str, Expect]) -> None:
    for row in objects.listing(engine, outlet):
        exp = _entry(found, row["key"], row["outlet"])
        exp.digests["objects"] = row["sha256"]
        exp.size, exp.status, exp.error = row["size"], row["status"], row["error"]


def _warc_rows(engine: Engine, outlet: str | None, found: dict[str, Expect]) -> None:
    W = schema.warc_files
    query = select(W.c.key, W.c.outlet, W.c.filename, W.c.sha256, W.c.size)
    if outlet:
        query = query.where(W.c.outlet == outlet)
    with engine.connect() as conn:
        for row in conn.execute(query):
            exp = _entry(found, row.key, row.outlet)
            exp.digests["warc_files"] = row.sha256
            exp.filename = row.filename
            exp.size = exp.size if exp.size is not None else row.size


def _capture_rows(engine: Engine, outlet: str | None, found: dict[str, Expect]) -> None:
    """Texts (as the capture now points at them, and as its provenance first recorded
    them) and the provenance documents stored beside them."""
    from pipelines.storage import provenance_key

    A, C = schema.articles, schema.article_captures
    query = (select(A.c.outlet, C.c.text_key, C.c.text_sha256, C.c.provenance)
             .join(A, A.c.id == C.c.article_id))
    if outlet:
        query = query.where(A.c.outlet == outlet)
    with engine.connect() as conn:
        for row in conn.execute(query):
            if row.text_key and row.text_sha256:
                _entry(found, row.text_key, row.outlet).digests["article_captures"] = \
                    row.text_sha256
            text = (row.provenance or {}).get("text") or {}
            if text.get("key") and text.get("sha256"):
                _entry(found, text["key"], row.outlet).digests["provenance"] = text["sha256"]
                prov_key = provenance_key(text["key"])
                if prov_key in found:  # stored beside the text (archives since 0002)
                    found[prov_key].provenance = row.provenance


def expectations(engine: Engine, outlet: str | None = None) -> dict[str, Expect]:
    """Every object the catalog lists (for one outlet), by key."""
    found: dict[str, Expect] = {}
    _object_rows(engine, outlet, found)
    _warc_rows(engine, outlet, found)
    _capture_rows(engine, outlet, found)
    return found


def captures_in(engine: Engine, filename: str) -> list[Any]:
    """The catalog's record locations in one WARC file."""
    C = schema.captures
    with engine.connect() as conn:
        return list(conn.execute(select(C.c.record_id, C.c.offset, C.c.length,
                                        C.c.payload_digest).where(C.c.filename == filename)))
