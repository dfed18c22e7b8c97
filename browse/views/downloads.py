"""Downloads: a capture's WARC records, citations, and exports of any selection."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from browse import deps, params
from catalog import bundle, cite, export
from catalog.export import Selection


def _attachment(name: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{name}"'}


def _safe(record_id: str) -> str:
    return "".join(c for c in record_id if c.isalnum() or c == "-")[:64] or "capture"


def capture_warc(request: Request) -> Response:
    """The capture's WARC records, byte for byte, as one .warc.gz."""
    record_id = request.path_params["record_id"]
    store = deps.store(request)
    with deps.engine(request).connect() as conn:
        refs = export.capture_refs(conn, store, record_id)
    if not any(r.record_id == record_id for r in refs):
        raise HTTPException(404, "no such capture in the catalog")
    data = b"".join(member for _, member in export.iter_members(store, refs))
    return Response(data, media_type="application/warc",
                    headers=_attachment(f"{_safe(record_id)}.warc.gz"))


def citation(request: Request) -> Response:
    """The capture's citation block, as text or (``.json``) JSON."""
    found = cite.citation(deps.engine(request), request.path_params["record_id"])
    fmt = request.path_params["fmt"]
    if found is None or fmt not in ("txt", "json"):
        raise HTTPException(404, "no such capture in the catalog (citations: .txt, .json)")
    if fmt == "json":
        return Response(json.dumps(found, ensure_ascii=False, indent=2, default=str),
                        media_type="application/json")
    return Response(cite.render(found), media_type="text/plain; charset=utf-8")


def selection(request: Request) -> Selection:
    """The selection named by ``article`` (repeatable), ``outlet``, ``since``, ``until``."""
    ids = request.query_params.getlist("article")
    if not all(i.isdigit() for i in ids) or len(ids) > 1000:
        raise HTTPException(400, "article must be article ids (at most 1000)")
    return Selection(params.text(request, "outlet", 64), params.day(request, "since"),
                     params.day(request, "until"), tuple(int(i) for i in ids))


def export_file(request: Request) -> Response:
    """A WACZ, WARC, JSONL or CDXJ export of the selection, built in a temporary file that
    is removed once sent."""
    fmt = request.path_params["fmt"]
    if fmt not in export.FORMATS:
        raise HTTPException(404, f"formats: {', '.join(export.FORMATS)}")
    sel = selection(request)
    fd, name = tempfile.mkstemp(prefix="newsvault-export-", suffix=bundle.SUFFIXES[fmt])
    os.close(fd)
    path = Path(name)
    try:
        bundle.run(deps.engine(request), deps.store(request),
                   bundle.ExportJob(sel, fmt, path, deps.settings(request).operator))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    label = "-".join(["newsvault", *(f"article-{i}" for i in sel.articles[:3]),
                      *([sel.outlet] if sel.outlet else []),
                      *([f"since-{sel.since}"] if sel.since else []),
                      *([f"until-{sel.until}"] if sel.until else [])])
    return FileResponse(path, media_type=bundle.MEDIA_TYPES[fmt],
                        filename=label + bundle.SUFFIXES[fmt],
                        background=BackgroundTask(path.unlink, missing_ok=True))


routes = [
    Route("/captures/{record_id}/records.warc.gz", capture_warc, name="capture_warc"),
    Route("/captures/{record_id}/citation.{fmt:str}", citation, name="citation"),
    Route("/export/{fmt}", export_file, name="export"),
]
