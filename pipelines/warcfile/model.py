"""The plain values that go into the WARC writer and the locations that come out of it.

Nothing here knows about Scrapy: the crawler's middleware builds an `Exchange` from what crossed
the wire, and the catalog stores the `RecordLocation` it gets back.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

TRUNCATION_REASONS = ("length", "time", "disconnect", "unspecified")


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as they crossed the wire.

    - ``url``: the full target URI including the query. A fragment is never sent, so it is
      dropped; non-ASCII characters are percent-encoded as UTF-8 and a non-ASCII host is
      IDNA-encoded (what a client puts on the wire); a password in the userinfo is dropped.
    - ``request_headers`` / ``response_headers``: (name, value) pairs in the order sent, repeated
      names kept. A value is the wire bytes decoded as latin-1 (so it round-trips byte for
      byte); a value holding characters above U+00FF is written as UTF-8 instead.
    - ``reason``: the reason phrase as received; ``None`` means "not known" and writes the
      standard phrase of ``http.HTTPStatus`` (empty for an unregistered code). An empty string
      is kept empty.
    - ``body``: as received, Content-Encoding still applied, Transfer-Encoding removed.
    - ``fetched_at``: timezone-aware; it becomes WARC-Date (UTC, microseconds).
    - ``truncated``: "length", "time", "disconnect" or "unspecified" -> WARC-Truncated.
    - ``extra_warc_headers``: added to the response (or revisit) record only.
    """

    url: str
    method: str
    request_headers: Sequence[tuple[str, str]]
    request_body: bytes
    protocol: str
    status: int
    reason: str | None
    response_headers: Sequence[tuple[str, str]]
    body: bytes
    ip_address: str | None
    fetched_at: datetime
    truncated: str | None = None
    extra_warc_headers: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class GenericRecord:
    """A record with a payload and no HTTP framing: resource, conversion or metadata.

    ``date`` defaults to the time of writing. ``concurrent_to`` / ``refers_to`` are
    WARC-Record-IDs (``<urn:uuid:...>``).
    """

    warc_type: str
    target_uri: str
    payload: bytes
    content_type: str
    date: datetime | None = None
    concurrent_to: str | None = None
    refers_to: str | None = None
    extra_warc_headers: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class RecordLocation:
    """Where one record's bytes live: the gzip member at ``offset`` of ``length`` bytes.

    Digests are ``sha256:<lowercase hex>``, so they equal ``sha256sum`` of the block/payload.
    ``payload_digest`` is None for warcinfo; for a revisit it is the original's payload digest.
    """

    filename: str
    offset: int
    length: int
    record_id: str
    warc_type: str
    date: str
    target_uri: str | None
    block_digest: str
    payload_digest: str | None


class RevisitTarget(Protocol):
    """What a revisit record needs to know about the earlier capture (a RecordLocation fits)."""

    @property
    def record_id(self) -> str: ...
    @property
    def target_uri(self) -> str | None: ...
    @property
    def date(self) -> str: ...
    @property
    def payload_digest(self) -> str | None: ...


@dataclass(frozen=True)
class ClosedWarc:
    """A finished WARC file under its final name, handed to ``on_close`` (to upload or move).

    ``sha256`` is the lowercase hex digest of the whole file (computed while writing);
    ``records`` counts every record, warcinfo included; ``first_date``/``last_date`` are the
    earliest and latest WARC-Date in the file.
    """

    path: Path
    filename: str
    size: int
    sha256: str
    records: int
    first_date: str
    last_date: str


def _default_hostname() -> str:
    return socket.gethostname()


@dataclass(frozen=True)
class WarcConfig:
    """How and where a `WarcWriter` writes.

    Files are ``<outlet>-<UTC yyyymmddHHMMSS>-<serial:05d>-<host>.warc.gz`` in ``directory``.
    A new file starts when the next record (or request/response pair) would push the current
    one past ``max_size`` bytes (a single record larger than that gets a file of its own).
    ``gzip_level`` applies to headers and to payloads that are not compressed already (payloads
    with a Content-Encoding, or of an already-compressed media type, are stored; recompressing
    them costs CPU for nothing). The named warcinfo fields are written when set; ``warcinfo``
    adds or overrides fields.
    """

    directory: str | os.PathLike[str]
    outlet: str
    hostname: str = field(default_factory=_default_hostname)
    max_size: int = 1_000_000_000
    serial_start: int = 0
    gzip_level: int = 1
    software: str | None = None
    operator: str | None = None
    robots: str | None = None
    user_agent: str | None = None
    run_id: str | None = None
    is_part_of: str | None = None
    warcinfo: Mapping[str, str] = field(default_factory=dict)
    redact_request_headers: Sequence[str] = ("Authorization", "Proxy-Authorization")
