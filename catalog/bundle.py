"""One entry point for every export format, shared by ``newsvault export`` and the web UI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from catalog import export, wacz
from catalog.export import Selection
from pipelines.storage import Store

MEDIA_TYPES = {"wacz": "application/wacz", "warc": "application/warc",
               "jsonl": "application/x-ndjson", "cdxj": "text/plain"}
SUFFIXES = {"wacz": ".wacz", "warc": ".warc.gz", "jsonl": ".jsonl", "cdxj": ".cdxj"}


@dataclass(frozen=True)
class ExportJob:
    """What to export, in which format, to which file, in whose name."""

    selection: Selection
    fmt: str
    path: Path
    operator: str = "newsvault operator"


def run(engine: Engine, store: Store, job: ExportJob) -> dict[str, object]:
    """Write the export; returns a summary (format, path, counts, size)."""
    if job.fmt not in export.FORMATS:
        raise ValueError(f"unknown format {job.fmt!r}: use one of {', '.join(export.FORMATS)}")
    counts: dict[str, object] = {}
    if job.fmt == "wacz":
        done = wacz.write_wacz(engine, store, job.selection, job.path, job.operator)
        counts = {"records": done.records, "pages": done.pages, "articles": done.articles}
    elif job.fmt == "jsonl":
        with job.path.open("wb") as out:
            counts = {"articles": export.write_jsonl(out, engine, job.selection)}
    else:
        with engine.connect() as conn:
            refs = export.selected_refs(conn, store, job.selection)
        with job.path.open("wb") as out:
            if job.fmt == "warc":
                head = export.export_warcinfo(job.selection, job.path.name, job.operator)
                written = export.write_warc(out, store, refs, head, job.path.name)
                counts = {"records": len(written)}
            else:
                lines = export.stored_cdxj(store, refs)
                out.write("".join(f"{x}\n" for x in lines).encode("utf-8"))
                counts = {"lines": len(lines)}
    return {"format": job.fmt, "path": str(job.path), "selection": job.selection.describe(),
            **counts, "bytes": job.path.stat().st_size}
