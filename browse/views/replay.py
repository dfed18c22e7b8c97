"""Replay of any capture, read from its WARC record at the catalog's location.

The capture page shows the record's facts and embeds the archived payload in a sandboxed
iframe; the payload itself is served by `raw` under `browse.security.REPLAY_CSP`, so its
scripts never run (see `browse.security` for the reasoning).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from browse import deps
from browse.render import page
from browse.security import REPLAY_CSP
from catalog import browsing, cite, records
from catalog.records import ArchivedRecord, RecordRef
from pipelines.storage import Store, StoreError
from pipelines.warcfile import verify_record_bytes

_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)
REPLAYABLE = ("response", "revisit", "resource", "metadata")


def _member(store: Store, ref: RecordRef) -> bytes:
    try:
        return records.read_member(store, ref)
    except (StoreError, OSError) as exc:
        raise HTTPException(404, f"the WARC file {ref.filename} cannot be read from the "
                                 f"store ({exc}); is NEWSVAULT_STORAGE the archive's store?"
                            ) from exc


def _found(request: Request) -> dict[str, Any]:
    found = browsing.capture(deps.engine(request), request.path_params["record_id"])
    if found is None:
        raise HTTPException(404, "no such capture in the catalog")
    return found


def capture_page(request: Request) -> Response:
    """The capture's facts, citation, downloads, and the sandboxed replay."""
    found = _found(request)
    member = _member(deps.store(request), records.ref_from_mapping(found))
    record = records.parse_head(member)
    check = verify_record_bytes(member, found.get("payload_digest"))
    citation = cite.citation(deps.engine(request), found["record_id"])
    return page(request, "capture.html", c=found, record=record, check=check,
                citation=citation, citation_text=cite.render(citation) if citation else "",
                replayable=found["warc_type"] in REPLAYABLE)


def _payload_source(store: Store, request: Request, record: ArchivedRecord,
                    found: dict[str, Any]) -> ArchivedRecord:
    """A revisit has no payload of its own: it is the record it refers to."""
    if found["warc_type"] != "revisit":
        return record
    target = records.bare_id(record.warc("WARC-Refers-To"))
    with deps.engine(request).connect() as conn:
        original = records.refs(conn, [target] if target else []).get(target or "")
    if original is None:
        raise HTTPException(404, "this revisit's original record is not in the catalog")
    return records.parse(_member(store, original))


def _media_type(record: ArchivedRecord, source: ArchivedRecord, as_text: bool) -> str:
    declared = (record.http("Content-Type") if record.http_status not in (None, 304)
                else source.http("Content-Type")) or source.http("Content-Type") \
        or record.warc("Content-Type") or "application/octet-stream"
    if not as_text:
        return declared
    charset = _CHARSET.search(declared)
    return "text/plain" + (f"; charset={charset.group(1)}" if charset else "")


def raw(request: Request) -> Response:
    """The archived payload as archived (Content-Encoding decoded), under a sandboxing
    Content-Security-Policy: nothing in it runs, and it loads nothing."""
    found = _found(request)
    if found["warc_type"] not in REPLAYABLE:
        raise HTTPException(404, f"a {found['warc_type']} record has no page to replay")
    store = deps.store(request)
    record = records.parse(_member(store, records.ref_from_mapping(found)))
    source = _payload_source(store, request, record, found)
    as_text = request.query_params.get("as") == "text"
    status = record.http_status or 200
    # Redirects and bodiless statuses would make the browser navigate or drop the body.
    served = status if status != 204 and (200 <= status < 300 or 400 <= status < 600) else 200
    headers = {"content-security-policy": REPLAY_CSP, "x-frame-options": "SAMEORIGIN",
               "cache-control": "private, max-age=3600",
               "x-archive-record-id": found["record_id"],
               "x-archive-orig-status": str(record.http_status or "")}
    return Response(source.payload, served, headers, _media_type(record, source, as_text))


routes = [
    Route("/captures/{record_id}", capture_page, name="capture"),
    Route("/captures/{record_id}/raw", raw, name="raw"),
]
