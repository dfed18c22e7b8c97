"""HTTP header blocks rebuilt byte for byte from header pairs, as WARC records store them.

Decisions (see also docs in `pipelines.warc`):
- Transfer-Encoding: the body is stored de-chunked, so a ``Transfer-Encoding`` header would
  make readers (warcio, pywb) try to de-chunk it again. It is renamed
  ``X-Archive-Orig-Transfer-Encoding`` (pywb's prefix for original headers it rewrites); its
  value is kept.
- Content-Length: never added. The WARC record's own Content-Length delimits the payload, and
  warcio, pywb and cdxj-indexer read it from there (the pywb replay test checks this).
- Secrets: the values of the request headers named in ``WarcConfig.redact_request_headers``
  (Authorization and Proxy-Authorization by default) are written as ``[redacted]``; the header
  itself stays, so the record still shows that credentials were sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from urllib.parse import quote

REDACTED = "[redacted]"
ORIGINAL_PREFIX = "X-Archive-Orig-"
_RENAMED = frozenset({"transfer-encoding"})
_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))  # printable ASCII stays; the rest is %-encoded
_URL_RX = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*:)(//[^/?#]*)?(.*)", re.DOTALL)
_PROTOCOL_RX = re.compile(r"HTTP/\d(\.\d)?")
_PRECOMPRESSED_TYPES = (
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/avif", "image/heic",
    "image/jxl", "video/", "audio/", "font/woff", "application/font-woff", "application/zip",
    "application/gzip", "application/x-gzip", "application/zstd", "application/x-xz",
    "application/x-bzip2", "application/x-7z-compressed", "application/vnd.rar", "application/pdf",
)


def reason_phrase(status: int, reason: str | None) -> str:
    """The reason phrase to write: as received, or HTTPStatus's phrase when ``reason`` is None."""
    if reason is not None:
        return reason
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def wire_uri(url: str) -> str:
    """The URI as a client puts it on the wire (see `Exchange.url`); ASCII input is kept as is."""
    match = _URL_RX.fullmatch(url)
    if match is None:
        raise ValueError(f"not an absolute URI: {url!r}; pass the full URL with its scheme")
    scheme, authority, rest = match.group(1), match.group(2) or "", match.group(3)
    rest = rest.split("#", 1)[0]
    if "@" in authority:
        userinfo, _, hostport = authority[2:].rpartition("@")
        authority = "//" + userinfo.split(":", 1)[0] + "@" + hostport
    if not authority.isascii():
        authority = "//" + _idna(authority[2:])
    return scheme + authority + quote(rest, safe=_SAFE)


def _idna(hostport: str) -> str:
    userinfo, at, hostport = hostport.rpartition("@")
    host, colon, port = hostport.partition(":")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = quote(host, safe=_SAFE)
    return quote(userinfo, safe=_SAFE) + at + host + colon + port


def request_target(uri: str) -> str:
    """The request-target of the request line: path and query of a `wire_uri`."""
    match = _URL_RX.fullmatch(uri)
    rest = match.group(3) if match else ""
    if not rest or rest.startswith("?"):
        rest = "/" + rest
    return rest


def _encode(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _line(text: str, what: str) -> bytes:
    if "\r" in text or "\n" in text:
        raise ValueError(f"{what} contains CR or LF: {text!r}; unfold it before archiving")
    return _encode(text)


def _header_lines(headers: Iterable[tuple[str, str]]) -> list[bytes]:
    return [
        _line(name, "header name") + b": " + _line(value, f"header {name}") + b"\r\n"
        for name, value in headers
    ]


def _check_protocol(protocol: str) -> None:
    if not _PROTOCOL_RX.fullmatch(protocol):
        raise ValueError(f"protocol {protocol!r} is not like 'HTTP/1.1'; pass the wire version")


def response_block(protocol: str, status: int, reason: str | None,
                   headers: Sequence[tuple[str, str]]) -> bytes:
    """Status line plus headers plus the blank line, with Transfer-Encoding renamed."""
    _check_protocol(protocol)
    if not 100 <= status <= 999:
        raise ValueError(f"status {status} is not a three-digit HTTP status code")
    status_line = f"{protocol} {status} {reason_phrase(status, reason)}"
    kept = [
        (ORIGINAL_PREFIX + name if name.lower() in _RENAMED else name, value)
        for name, value in headers
    ]
    lines = [_line(status_line, "status line") + b"\r\n", *_header_lines(kept), b"\r\n"]
    return b"".join(lines)


def request_block(method: str, uri: str, protocol: str, headers: Sequence[tuple[str, str]],
                  redact: Iterable[str]) -> bytes:
    """Request line (``METHOD path?query PROTOCOL``) plus headers, secrets redacted."""
    _check_protocol(protocol)
    if not method or not method.isascii() or " " in method:
        raise ValueError(f"method {method!r} is not an HTTP method token")
    secret = {name.lower() for name in redact}
    kept = [(name, REDACTED if name.lower() in secret else value) for name, value in headers]
    request_line = f"{method} {request_target(uri)} {protocol}"
    lines = [_line(request_line, "request line") + b"\r\n", *_header_lines(kept), b"\r\n"]
    return b"".join(lines)


def header_value(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    """The first value of a header, case-insensitively."""
    lname = name.lower()
    return next((value for key, value in headers if key.lower() == lname), None)


def is_precompressed(headers: Sequence[tuple[str, str]]) -> bool:
    """True when the payload is compressed already (a Content-Encoding or a compressed type)."""
    encoding = (header_value(headers, "Content-Encoding") or "").strip().lower()
    if encoding and encoding != "identity":
        return True
    ctype = (header_value(headers, "Content-Type") or "").strip().lower()
    return ctype.startswith(_PRECOMPRESSED_TYPES)
