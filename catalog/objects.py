"""The ``objects`` table: each stored object's key, size, SHA-256, ETag and upload time.

Written by the spool (`pipelines.store.spool`) from the crawl's reactor thread and from its
upload threads; read by ``newsvault sync`` and ``newsvault verify``. Plain values in, rows
out: nothing here knows about stores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, RowMapping, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from catalog import schema

OBJ = schema.objects
STATUSES = ("spooled", "stored", "quarantined")


def kind_of(key: str) -> str:
    """``warc``, ``text`` or ``provenance``, from the key's layout."""
    if key.endswith(".provenance.json"):
        return "provenance"
    return key.split("/", 1)[0]


def outlet_of(key: str) -> str:
    """The outlet segment of a key (``warc/<outlet>/...``, ``text/<outlet>/...``)."""
    parts = key.split("/")
    return parts[1] if len(parts) > 2 else ""


def get(engine: Engine, key: str) -> RowMapping | None:
    """The row for ``key``, or None."""
    with engine.connect() as conn:
        return conn.execute(select(OBJ).where(OBJ.c.key == key)).mappings().first()


def add_spooled(engine: Engine, key: str, size: int, sha256: str) -> RowMapping:
    """Record an object written to the spool; returns the row now in the catalog, which
    is an older one if the key was recorded before (the caller compares digests)."""
    row = {"key": key, "kind": kind_of(key), "outlet": outlet_of(key), "size": size,
           "sha256": sha256, "status": "spooled", "spooled_at": datetime.now(UTC)}
    try:
        with engine.begin() as conn:
            conn.execute(insert(OBJ).values(**row))
    except IntegrityError:
        pass  # recorded already (by another process, or an earlier try): the caller decides
    found = get(engine, key)
    assert found is not None
    return found


def mark_stored(engine: Engine, key: str, values: Mapping[str, Any]) -> None:
    """The store's copy is confirmed: ``values`` has the `STORED_FIELDS`."""
    mark_stored_many(engine, [{"key": key, **values}])


STORED_FIELDS = ("size", "etag", "store", "verified_by", "stored_at", "retain_until")


def mark_stored_many(engine: Engine, rows: Sequence[Mapping[str, Any]]) -> None:
    """`mark_stored` for many objects in one transaction: each row has ``key`` and the
    `STORED_FIELDS`."""
    if not rows:
        return
    # bindparam names must differ from column names in an UPDATE's SET clause
    statement = update(OBJ).where(OBJ.c.key == bindparam("b_key")).values(
        status="stored", error=None, **{f: bindparam(f"b_{f}") for f in STORED_FIELDS})
    with engine.begin() as conn:
        conn.execute(statement, [{f"b_{f}": row[f] for f in ("key", *STORED_FIELDS)}
                                 for row in rows])


def mark_quarantined(engine: Engine, key: str, error: str) -> None:
    """The spooled copy no longer matches its recorded SHA-256 and was set aside."""
    with engine.begin() as conn:
        conn.execute(update(OBJ).where(OBJ.c.key == key).values(status="quarantined", error=error))


def spooled(engine: Engine) -> list[RowMapping]:
    """Rows still waiting for their upload to be confirmed."""
    with engine.connect() as conn:
        return list(conn.execute(select(OBJ).where(OBJ.c.status == "spooled")
                                 .order_by(OBJ.c.key)).mappings())


def listing(engine: Engine, outlet: str | None = None) -> list[RowMapping]:
    """Every object row (of one outlet), in key order."""
    query = select(OBJ).order_by(OBJ.c.key)
    if outlet:
        query = query.where(OBJ.c.outlet == outlet)
    with engine.connect() as conn:
        return list(conn.execute(query).mappings())


def counts(engine: Engine) -> dict[str, int]:
    """Objects per status."""
    with engine.connect() as conn:
        rows = conn.execute(select(OBJ.c.status, func.count()).group_by(OBJ.c.status)).all()
    return {**dict.fromkeys(STATUSES, 0), **{str(s): int(n) for s, n in rows}}


def outlets(engine: Engine) -> list[str]:
    """Outlets that have objects in the catalog."""
    with engine.connect() as conn:
        return sorted(conn.execute(select(OBJ.c.outlet).distinct()).scalars())
