"""A raw HTTP client for tests and debugging of the replicas (and of anything else).

It goes through the replica proxy (absolute-form for http://, CONNECT + TLS for
https://), never follows redirects and never decodes bodies, so a test sees exactly what
was sent. Crawler tests should use their real HTTP stack; this is for checking the server.
"""

from __future__ import annotations

import gzip
import http.client
import ssl
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit


@dataclass
class Reply:
    """A response as received: status, headers, raw (possibly gzip) body."""

    status: int
    headers: Message
    raw: bytes

    def header(self, name: str) -> str | None:
        """A header value, or None."""
        return self.headers.get(name)

    @property
    def body(self) -> bytes:
        """The body with Content-Encoding undone."""
        if self.header("Content-Encoding") == "gzip":
            return gzip.decompress(self.raw)
        return self.raw

    @property
    def charset(self) -> str:
        """The charset of the Content-Type header (utf-8 when absent)."""
        return self.headers.get_content_charset() or "utf-8"

    @property
    def text(self) -> str:
        """The body decoded with the header's charset."""
        return self.body.decode(self.charset)


def address(url: str) -> tuple[str, int]:
    """(host, port) of a base URL such as ``ReplicaServer.proxy_url``."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


def raw_connection(url: str) -> http.client.HTTPConnection:
    """A plain keep-alive connection to the proxy or a mirror at ``url``."""
    return http.client.HTTPConnection(*address(url), timeout=10)


def insecure_context() -> ssl.SSLContext:
    """Client TLS context that accepts the replica's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class ProxyClient:
    """Keeps one keep-alive connection per (scheme, host) to the replica proxy."""

    def __init__(self, proxy_url: str, context: ssl.SSLContext | None = None) -> None:
        self.address = address(proxy_url)
        self.context = context or insecure_context()
        self._conns: dict[tuple[str, str], http.client.HTTPConnection] = {}

    def _conn(self, scheme: str, host: str) -> http.client.HTTPConnection:
        key = (scheme, host if scheme == "https" else "")
        if key not in self._conns:
            if scheme == "https":
                conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                    *self.address, context=self.context, timeout=20)
                conn.set_tunnel(host, 443)
            else:
                conn = http.client.HTTPConnection(*self.address, timeout=20)
            self._conns[key] = conn
        return self._conns[key]

    def get(self, url: str, headers: dict[str, str] | None = None,
            method: str = "GET") -> Reply:
        """Fetch ``url`` through the proxy; one retry on a dropped keep-alive connection."""
        parts = urlsplit(url)
        target = url if parts.scheme == "http" else (
            parts.path + (f"?{parts.query}" if parts.query else ""))
        for attempt in (0, 1):
            conn = self._conn(parts.scheme, parts.netloc)
            try:
                conn.request(method, target, headers=headers or {})
                response = conn.getresponse()
                raw = response.read()
                if response.will_close:
                    self.close(parts.scheme, parts.netloc)
                return Reply(response.status, response.headers, raw)
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.close(parts.scheme, parts.netloc)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self, scheme: str | None = None, host: str = "") -> None:
        """Close one connection, or all of them."""
        for key in list(self._conns):
            if scheme is None or key == (scheme, host if scheme == "https" else ""):
                self._conns.pop(key).close()
