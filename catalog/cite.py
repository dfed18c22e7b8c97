"""Citation blocks: what a footnote or an evidence log needs to point at one capture and let
anyone check it (URL, capture time, digests, WARC file and offset)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from catalog.browsing import capture


def citation(engine: Engine, record_id: str) -> dict[str, Any] | None:
    """The facts of one capture, as a flat dict (None if the record is unknown)."""
    found = capture(engine, record_id)
    if found is None:
        return None
    art, cap = found.get("article") or {}, found.get("article_capture") or {}
    prov = cap.get("provenance") or {}
    when = found["date"]
    return {
        "title": art.get("title"), "outlet": found["outlet"],
        "url": found["target_uri"], "canonical_url": art.get("canonical_url"),
        "captured_at": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if isinstance(when, datetime)
        else str(when),
        "http_status": cap.get("status") or found.get("status"), "kind": cap.get("kind"),
        "record_id": f"urn:uuid:{found['record_id']}", "warc_type": found["warc_type"],
        "payload_digest": found["payload_digest"], "block_digest": found["block_digest"],
        "text_sha256": cap.get("text_sha256"),
        "warc_file": found["filename"], "warc_file_sha256": found.get("file_sha256"),
        "warc_key": found.get("key"), "offset": found["offset"], "length": found["length"],
        "run_id": found["run_id"], "operator": prov.get("operator"),
        "article_id": art.get("id"),
    }


LABELS = (("URL", "url"), ("Canonical URL", "canonical_url"),
          ("Captured (WARC-Date, UTC)", "captured_at"), ("HTTP status", "http_status"),
          ("WARC record", "record_id"), ("Record type", "warc_type"),
          ("Payload SHA-256", "payload_digest"), ("Record block SHA-256", "block_digest"),
          ("Cleaned text SHA-256", "text_sha256"), ("WARC file", "warc_file"),
          ("WARC file SHA-256", "warc_file_sha256"), ("Offset", "offset"),
          ("Length", "length"), ("Crawl run", "run_id"), ("Archived by", "operator"))


def render(cite: dict[str, Any]) -> str:
    """The citation as plain text, one fact per line."""
    head = f"{cite['title']} ({cite['outlet']})" if cite.get("title") else cite["outlet"]
    lines = [head] + [f"{label}: {cite[key]}" for label, key in LABELS
                      if cite.get(key) not in (None, "")]
    lines.append("Verify: the record's bytes are at Offset..Offset+Length of the WARC file; "
                 "`warcio check` confirms its digests.")
    return "\n".join(lines) + "\n"
