"""Request and response values passed between the HTTP handler and the replica sites.

Sites never touch sockets: they turn a :class:`Request` into a :class:`Response`, and the
handler (``handler.py``) does the wire work (gzip, chunking, conditional requests, faults).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote

HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"
JSON = "application/json; charset=UTF-8"


class LoggedRequest(NamedTuple):
    """One entry of ``ReplicaServer.requests``; header names are lower-cased."""

    method: str
    host: str
    path: str
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() when the request head arrived (politeness checks)


@dataclass(frozen=True)
class Request:
    """An HTTP request as a site sees it: host already normalised, path still percent-encoded."""

    method: str
    scheme: str
    host: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        """Path plus query string, as on the request line."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @cached_property
    def params(self) -> dict[str, str]:
        """Query parameters (the last value wins, as in PHP)."""
        return dict(parse_qsl(self.query, keep_blank_values=True))

    @cached_property
    def upath(self) -> str:
        """The path percent-decoded (Arabic slugs arrive encoded)."""
        return unquote(self.path)

    def int_param(self, name: str, default: int = 0) -> int:
        """A numeric query parameter, or ``default`` when absent or not a number."""
        value = self.params.get(name, "")
        return int(value) if value.isdigit() else default


@dataclass
class Response:
    """What a site answers. ``body`` may be an iterable of chunks for streamed faults.

    ``cacheable`` responses get an ETag and are answered with 304 when the client's
    validators match; ``chunked`` selects Transfer-Encoding: chunked instead of
    Content-Length; ``truncate_at`` sends only that many body bytes under the full
    Content-Length and then closes the connection.
    """

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str = HTML
    headers: list[tuple[str, str]] = field(default_factory=list)
    last_modified: datetime | None = None
    chunked: bool = False
    cacheable: bool = True
    compressible: bool = True
    delay: float = 0.0
    truncate_at: int | None = None
    content_length: int | None = None
    article_id: int | None = None

    def header(self, name: str) -> str | None:
        """The first header of that name, case-insensitively."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def html_page(body: str, *, status: int = 200, modified: datetime | None = None,
              charset: str = "UTF-8") -> Response:
    """An HTML response encoded in ``charset`` (declared in the HTTP header)."""
    return Response(status=status, body=body.encode(charset, "xmlcharrefreplace"),
                    content_type=f"text/html; charset={charset}", last_modified=modified)


def redirect(location: str, status: int = 301) -> Response:
    """A redirect with a small HTML body, as WordPress and Apache send."""
    safe = html.escape(location, quote=True)
    body = f'<html><body>Moved to <a href="{safe}">{safe}</a></body></html>'
    return Response(status=status, body=body.encode(), headers=[("Location", location)],
                    cacheable=False)


def error_page(status: int, message: str) -> Response:
    """A plain HTML error page (404, 410, 500, 502...)."""
    body = (f"<!DOCTYPE html><html><head><title>{status}</title></head>"
            f"<body><h1>{status}</h1><p>{html.escape(message)}</p></body></html>")
    return Response(status=status, body=body.encode(), cacheable=False)


def text(body: str, content_type: str = TEXT, status: int = 200) -> Response:
    """A text response (robots.txt, JSON)."""
    return Response(status=status, body=body.encode(), content_type=content_type)
