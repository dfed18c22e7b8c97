"""WACZ 1.1.1 packages of a selection: one ZIP that ReplayWeb.page opens and
``wacz validate`` (py-wacz) accepts.

Layout::

    archive/<name>.warc.gz       the selection's records, copied byte for byte (stored, not
                                 deflated, so replay tools can read ranges)
    indexes/index.cdx.gz         CDXJ lines in gzip blocks, and index.idx locating them
    pages/pages.jsonl            one entry per article capture (URL, time, title)
    newsvault/articles.jsonl     the cleaned text and provenance of each article
    datapackage.json             every file with its SHA-256 and size
    datapackage-digest.json      the SHA-256 of datapackage.json
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from catalog import cdxj, export
from catalog.export import Selection
from newsvault import __version__
from pipelines.storage import Store

WACZ_VERSION = "1.1.1"


@dataclass(frozen=True)
class WaczSummary:
    """What went into a WACZ."""

    path: Path
    records: int
    pages: int
    articles: int
    size: int


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pages(engine: Engine, sel: Selection) -> list[str]:
    header = {"format": "json-pages-1.0", "id": "pages",
              "title": f"newsvault: {sel.describe()}"}
    lines = [json.dumps(header)]
    with engine.connect() as conn:
        for cap in export.article_captures(conn, sel):
            if cap.kind not in ("response", "revisit"):
                continue  # deletion proofs and misses are in the WARC, not pages to open
            lines.append(json.dumps({"id": cap.capture_id, "url": cap.url,
                                     "ts": _iso(cap.fetched_at), "title": cap.title or cap.url},
                                    ensure_ascii=False))
    return lines


def _resource(zf: zipfile.ZipFile, path: str, data: bytes, stored: bool) -> dict[str, object]:
    zf.writestr(zipfile.ZipInfo(path, _zip_time()), data,
                compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return {"name": path.rsplit("/", 1)[-1], "path": path,
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _zip_time() -> tuple[int, int, int, int, int, int]:
    now = datetime.now(UTC)
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def _file_resource(zf: zipfile.ZipFile, path: str, source: Path,
                   compress_type: int = zipfile.ZIP_STORED) -> dict[str, object]:
    digest = hashlib.sha256()
    with source.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    zf.write(source, path, compress_type=compress_type)
    return {"name": path.rsplit("/", 1)[-1], "path": path,
            "hash": "sha256:" + digest.hexdigest(), "bytes": source.stat().st_size}


def write_wacz(engine: Engine, store: Store, sel: Selection, path: Path,
               operator: str = "newsvault operator") -> WaczSummary:
    """Package the selection as a WACZ at ``path``."""
    stem = "newsvault-export"
    warc_name = f"{stem}.warc.gz"
    with tempfile.TemporaryDirectory(prefix="newsvault-wacz-") as tmp:
        warc_path, jsonl_path = Path(tmp) / warc_name, Path(tmp) / "articles.jsonl"
        with engine.connect() as conn:
            refs = export.selected_refs(conn, store, sel)
        with warc_path.open("wb") as out:
            written = export.write_warc(out, store, refs,
                                        export.export_warcinfo(sel, warc_name, operator),
                                        warc_name)
        with jsonl_path.open("wb") as out:
            articles = export.write_jsonl(out, engine, sel)
        index = cdxj.compress(cdxj.sort_lines(w.cdxj for w in written if w.cdxj))
        pages = _pages(engine, sel)
        with zipfile.ZipFile(path, "w", allowZip64=True) as zf:
            resources = [
                _file_resource(zf, f"archive/{warc_name}", warc_path),
                _resource(zf, "indexes/index.cdx.gz", index.cdx_gz, stored=True),
                _resource(zf, "indexes/index.idx", index.idx, stored=False),
                _resource(zf, "pages/pages.jsonl",
                          "".join(f"{x}\n" for x in pages).encode("utf-8"), stored=False),
            ]
            resources.append(_file_resource(zf, "newsvault/articles.jsonl", jsonl_path,
                                            zipfile.ZIP_DEFLATED))
            package = _datapackage(sel, resources, pages)
            zf.writestr("datapackage.json", package, compress_type=zipfile.ZIP_DEFLATED)
            zf.writestr("datapackage-digest.json", json.dumps({
                "path": "datapackage.json",
                "hash": "sha256:" + hashlib.sha256(package).hexdigest()}, indent=2),
                compress_type=zipfile.ZIP_DEFLATED)
    return WaczSummary(path, len(written), len(pages) - 1, articles, path.stat().st_size)


def _datapackage(sel: Selection, resources: list[dict[str, object]],
                 pages: list[str]) -> bytes:
    package: dict[str, object] = {
        "profile": "data-package", "resources": resources,
        "created": _iso(datetime.now(UTC)), "wacz_version": WACZ_VERSION,
        "software": f"newsvault {__version__}", "title": f"newsvault: {sel.describe()}",
        "description": "Exported from a newsvault archive; records are copied byte for byte "
                       "from the stored WARC files, digests unchanged.",
    }
    if len(pages) > 1:
        first = json.loads(pages[1])
        package |= {"mainPageUrl": first["url"], "mainPageDate": first["ts"]}
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
