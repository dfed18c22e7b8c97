"""HTTP messages as Scrapy holds them, turned into what the archive records."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def header_pairs(headers: Any) -> list[tuple[str, str]]:
    """Scrapy Headers as (name, value) pairs: server order by name, repeats kept.
    latin-1 keeps every byte of every value."""
    return [(k.decode("latin-1"), v.decode("latin-1"))
            for k, values in headers.items() for v in values]


def request_header_pairs(request: Request) -> list[tuple[str, str]]:
    """The headers Twisted sends: Host first (it adds it), then Scrapy's, in order."""
    parts = urlsplit(request.url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    host = parts.hostname or ""
    if parts.port and parts.port != default_port:
        host = f"{host}:{parts.port}"
    return [("Host", host), *header_pairs(request.headers)]


def tls_info(response: Response) -> dict[str, Any] | None:
    """Certificate fingerprint and subject of an HTTPS response, for provenance."""
    cert = getattr(response, "certificate", None)
    if cert is None:
        return None
    der = cert.dump()
    original = cert.original
    return {
        "certificate_sha256": hashlib.sha256(der).hexdigest(),
        "subject": original.get_subject().CN,
        "issuer": original.get_issuer().CN,
        "not_after": original.get_notAfter().decode("ascii"),
        "protocol": response.protocol,
    }
