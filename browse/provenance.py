"""A capture's provenance document as labelled rows for a table.

Each row is (label, value, record id or None): when a record id is given the page links the
value to that record's replay, so every claim can be checked against archived bytes.
"""

from __future__ import annotations

from typing import Any

Row = tuple[str, str, str | None]


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def rows(prov: dict[str, Any] | None) -> list[Row]:
    """The document's facts, in the order an examiner reads them."""
    if not prov:
        return []
    req, resp = prov.get("request") or {}, prov.get("response") or {}
    tls, warc = resp.get("tls") or {}, prov.get("warc") or {}
    robots, source = prov.get("robots") or {}, prov.get("discovered_from") or {}
    text, software = prov.get("text") or {}, prov.get("software") or {}
    out: list[Row] = [
        ("Capture", _s(prov.get("capture_id")), prov.get("capture_id")),
        ("Kind", _s(prov.get("kind")), None),
        ("Previous capture", _s(prov.get("previous_capture")), prov.get("previous_capture")),
        ("Run", f"{_s(prov.get('run_id'))} ({_s(prov.get('trigger'))})", None),
        ("Requested URL", _s(req.get("url")), None),
        ("Final URL", _s(resp.get("url")), None),
        ("HTTP status", _s(resp.get("status")), None),
        ("Fetched at (UTC)", _s(resp.get("fetched_at")), None),
        ("Server IP", _s(resp.get("ip_address")), None),
        ("Protocol", _s(resp.get("protocol")), None),
        ("Truncated", _s(resp.get("truncated")), None),
        ("TLS certificate SHA-256", _s(tls.get("certificate_sha256")), None),
        ("TLS subject / issuer", f"{_s(tls.get('subject'))} / {_s(tls.get('issuer'))}"
         if tls else "", None),
        ("TLS valid until", _s(tls.get("not_after")), None),
    ]
    out += [(f"Redirect {i + 1}", f"{_s(h.get('status'))} {_s(h.get('url'))}",
             h.get("record_id")) for i, h in enumerate(prov.get("redirects") or [])]
    out += [(f"Retried attempt {i + 1}", f"{_s(h.get('status'))} {_s(h.get('url'))}",
             h.get("record_id")) for i, h in enumerate(prov.get("retries") or [])]
    out += [
        ("Proxy", _s(prov.get("proxy")), None),
        ("Robots policy / decision", f"{_s(robots.get('policy'))} / "
         f"{_s(robots.get('decision'))}" if robots else "", None),
        ("robots.txt record", _s(robots.get("robots_txt")), robots.get("robots_txt")),
        ("Discovered from", f"{_s(source.get('kind'))} {_s(source.get('url'))}" if source
         else "", source.get("record_id")),
        ("WARC file", _s(warc.get("filename")), None),
        ("Store key", _s(warc.get("key")), None),
        ("Offset / length", f"{_s(warc.get('offset'))} / {_s(warc.get('length'))}"
         if warc else "", None),
        ("Request record", _s(warc.get("request_record_id")), warc.get("request_record_id")),
        ("Block digest", _s(warc.get("block_digest")), None),
        ("Payload digest", _s(warc.get("payload_digest")), None),
        ("Decoded content SHA-256", _s(prov.get("content_sha256")), None),
        ("Text document", _s(text.get("key")), None),
        ("Text SHA-256", _s(text.get("sha256")), None),
        ("Extractor / parser", f"{_s(text.get('extractor'))} {_s(text.get('extractor_version'))}"
         f" / {_s(text.get('parser'))}" if text else "", None),
        ("Software", ", ".join(f"{k} {v}" for k, v in software.items()), None),
        ("Operator / host", f"{_s(prov.get('operator'))} / {_s(prov.get('host'))}", None),
    ]
    return [r for r in out if r[1].strip(" /()")]
