"""Which records an Exchange, a revisit or a generic payload becomes, and their WARC headers."""

from __future__ import annotations

import functools
import hashlib
import ipaddress
from collections.abc import Sequence
from importlib import metadata

from pipelines.warcfile.httpblock import (
    is_precompressed,
    request_block,
    response_block,
    wire_uri,
)
from pipelines.warcfile.model import (
    TRUNCATION_REASONS,
    Exchange,
    GenericRecord,
    RevisitTarget,
    WarcConfig,
)
from pipelines.warcfile.records import (
    HTTP_CONTENT_TYPES,
    RecordSpec,
    digest_bytes,
    new_record_id,
    warc_date,
)

GENERIC_TYPES = ("resource", "metadata", "conversion")
WARC_1_1_SPEC = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
_RESERVED = frozenset(name.lower() for name in (
    "WARC-Type", "WARC-Record-ID", "WARC-Date", "WARC-Target-URI", "Content-Length",
    "Content-Type", "WARC-Block-Digest", "WARC-Payload-Digest", "WARC-Truncated",
    "WARC-IP-Address", "WARC-Filename", "WARC-Profile", "WARC-Refers-To-Target-URI",
    "WARC-Refers-To-Date", "WARC-Concurrent-To", "WARC-Refers-To",
))

Pairs = tuple[tuple[str, str], ...]


def _checked_extra(headers: Sequence[tuple[str, str]]) -> Pairs:
    for name, value in headers:
        if name.lower() in _RESERVED:
            raise ValueError(f"{name} is set by the writer; use the matching field instead")
        if any(c in name + value for c in "\r\n"):
            raise ValueError(f"WARC header {name!r} contains CR or LF; remove the line break")
    return tuple(headers)


def _warc_headers(warc_type: str, record_id: str, date: str, *optional: tuple[str, str | None]
                  ) -> Pairs:
    given = tuple((name, value) for name, value in optional if value)
    return (("WARC-Type", warc_type), ("WARC-Record-ID", record_id), ("WARC-Date", date), *given)


@functools.lru_cache(maxsize=1024)
def _ip(value: str | None) -> str | None:
    return str(ipaddress.ip_address(value)) if value else None


def _truncated(value: str | None) -> str | None:
    if value is not None and value not in TRUNCATION_REASONS:
        raise ValueError(f"truncated={value!r}: use one of {TRUNCATION_REASONS}")
    return value


def _request(ex: Exchange, uri: str, date: str, ids: tuple[str, str], redact: Sequence[str]
             ) -> RecordSpec:
    request_id, response_id = ids
    return RecordSpec(
        "request", uri, date, HTTP_CONTENT_TYPES["request"],
        _warc_headers("request", request_id, date, ("WARC-IP-Address", _ip(ex.ip_address)),
                      ("WARC-Concurrent-To", response_id)),
        http_block=request_block(ex.method, uri, ex.protocol, ex.request_headers, redact),
        body=ex.request_body,
    )


def exchange_specs(ex: Exchange, redact: Sequence[str]) -> tuple[RecordSpec, RecordSpec]:
    """The request and response records of one exchange, each pointing at the other."""
    uri, date = wire_uri(ex.url), warc_date(ex.fetched_at)
    ids = (new_record_id(), new_record_id())
    response = RecordSpec(
        "response", uri, date, HTTP_CONTENT_TYPES["response"],
        _warc_headers("response", ids[1], date, ("WARC-IP-Address", _ip(ex.ip_address)),
                      ("WARC-Concurrent-To", ids[0]), ("WARC-Truncated", _truncated(ex.truncated)))
        + _checked_extra(ex.extra_warc_headers),
        http_block=response_block(ex.protocol, ex.status, ex.reason, ex.response_headers),
        body=ex.body, body_level=0 if is_precompressed(ex.response_headers) else None,
    )
    return _request(ex, uri, date, ids, redact), response


IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def revisit_specs(ex: Exchange, redact: Sequence[str], original: RevisitTarget,
                  profile: str = IDENTICAL) -> tuple[RecordSpec, RecordSpec]:
    """Request + revisit (status line and headers only).

    ``IDENTICAL``: a 200 whose payload has the original's digest (checked). ``NOT_MODIFIED``:
    a 304 answer to a conditional request; the server vouches for the original's payload.
    """
    if ex.truncated:
        raise ValueError("a truncated response cannot be a revisit; write it as a response")
    if not original.payload_digest or not original.target_uri:
        raise ValueError("the original has no payload digest or target URI; write a response")
    if profile == NOT_MODIFIED:
        if ex.status != 304:
            raise ValueError("a server-not-modified revisit records a 304 response")
    else:
        algo, expected = digest_bytes(original.payload_digest)
        if hashlib.new(algo, ex.body).digest() != expected:
            raise ValueError("payload differs from the original's digest; "
                             "write a response instead")
    uri, date = wire_uri(ex.url), warc_date(ex.fetched_at)
    ids = (new_record_id(), new_record_id())
    revisit = RecordSpec(
        "revisit", uri, date, HTTP_CONTENT_TYPES["revisit"],
        _warc_headers("revisit", ids[1], date, ("WARC-IP-Address", _ip(ex.ip_address)),
                      ("WARC-Concurrent-To", ids[0]), ("WARC-Refers-To", original.record_id),
                      ("WARC-Profile", profile))
        + _checked_extra(ex.extra_warc_headers),
        http_block=response_block(ex.protocol, ex.status, ex.reason, ex.response_headers),
    )
    return _request(ex, uri, date, ids, redact), revisit


def generic_spec(rec: GenericRecord) -> RecordSpec:
    """A resource, metadata or conversion record."""
    if rec.warc_type not in GENERIC_TYPES:
        raise ValueError(f"warc_type {rec.warc_type!r}: use one of {GENERIC_TYPES}")
    date = warc_date(rec.date)
    compressed = is_precompressed([("Content-Type", rec.content_type)])
    return RecordSpec(
        rec.warc_type, rec.target_uri, date, rec.content_type,
        _warc_headers(rec.warc_type, new_record_id(), date,
                      ("WARC-Concurrent-To", rec.concurrent_to), ("WARC-Refers-To", rec.refers_to))
        + _checked_extra(rec.extra_warc_headers),
        body=rec.payload, body_level=0 if compressed else None,
    )


def default_software() -> str:
    """``newsvault/<version> warcio/<version>`` from the installed distributions."""
    parts = []
    for dist in ("newsvault", "warcio"):
        try:
            parts.append(f"{dist}/{metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}/unknown")
    return " ".join(parts)


def warcinfo_spec(config: WarcConfig, filename: str) -> RecordSpec:
    """The warcinfo record that opens each file."""
    fields = {
        "software": config.software or default_software(),
        "format": "WARC File Format 1.1",
        "conformsTo": WARC_1_1_SPEC,
        "hostname": config.hostname,
        "operator": config.operator,
        "robots": config.robots,
        "http-header-user-agent": config.user_agent,
        "isPartOf": config.is_part_of or config.outlet,
        "run-id": config.run_id,
        **config.warcinfo,
    }
    for name, value in fields.items():
        if ":" in name or "\r" in f"{name}{value}" or "\n" in f"{name}{value}":
            raise ValueError(f"warcinfo field {name!r}: no colon in names, no line breaks")
    body = "".join(f"{name}: {value}\r\n" for name, value in fields.items() if value)
    date = warc_date()
    return RecordSpec(
        "warcinfo", None, date, "application/warc-fields",
        _warc_headers("warcinfo", new_record_id(), date, ("WARC-Filename", filename)),
        body=body.encode("utf-8"),
    )
