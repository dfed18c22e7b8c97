"""The wire side of the replica server: HTTP/1.1 keep-alive, proxy requests, CONNECT + TLS.

The handler builds a :class:`Request` (routing by absolute URI host, Host header, CONNECT
tunnel host or a mirror's fixed host), asks the dispatcher for a :class:`Response`, and
writes it with the encodings the response and the request call for.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from newsvault.replicas.messages import LoggedRequest, Request, Response

COMPRESSIBLE = ("text/html", "application/xml", "text/xml", "application/rss+xml",
                "application/json", "application/atom+xml")
_GZ_CACHE: dict[str, bytes] = {}  # ETag -> gzip bytes; content is immutable per ETag
_GZ_CACHE_MAX = 512


class Dispatcher(Protocol):
    """What the handler needs from the ReplicaServer."""

    tls_context: ssl.SSLContext | None

    def dispatch(self, request: Request, mirror_host: str | None) -> Response: ...

    def log(self, entry: LoggedRequest) -> None: ...


class Listener(ThreadingHTTPServer):
    """One listening socket: the proxy (``mirror_host`` None) or a mirror of one host."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, dispatcher: Dispatcher, mirror_host: str | None = None,
                 port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), ReplicaHandler)
        self.dispatcher = dispatcher
        self.mirror_host = mirror_host
        self.handlers: set[ReplicaHandler] = set()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up or fail the TLS handshake are normal here: stay quiet."""

    def close_connections(self) -> None:
        """Unblock keep-alive handler threads so stop() leaves nothing behind."""
        for handler in list(self.handlers):
            with contextlib.suppress(OSError):
                handler.connection.shutdown(socket.SHUT_RDWR)


def normalise_host(host: str) -> str:
    """Lower-case, without port and without the trailing dot of ``sana.sy.``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


class ReplicaHandler(BaseHTTPRequestHandler):
    """Serves origin-form, absolute-form and tunnelled requests on one connection."""

    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections are dropped after this many seconds
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: Listener
    tunnel_host: str | None = None

    def setup(self) -> None:
        super().setup()
        self.server.handlers.add(self)

    def finish(self) -> None:
        self.server.handlers.discard(self)
        with contextlib.suppress(OSError):
            super().finish()

    def handle(self) -> None:
        try:
            super().handle()
        except (OSError, ssl.SSLError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log; ``ReplicaServer.requests`` keeps one."""

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_GET

    def do_CONNECT(self) -> None:
        """Answer 200, then speak TLS (port 443) or plain HTTP inside the tunnel."""
        host, _, port = self.path.rpartition(":")
        self.server.dispatcher.log(LoggedRequest("CONNECT", normalise_host(host), self.path,
                                                 self._headers()))
        self.send_response_only(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        context = self.server.dispatcher.tls_context
        if port == "443" and context is not None:
            tls = context.wrap_socket(self.connection, server_side=True)
            self.connection = tls
            self.rfile = tls.makefile("rb")
            self.wfile = tls.makefile("wb")
        self.tunnel_host = normalise_host(host)
        self.close_connection = False

    def _headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}

    def _build_request(self) -> Request:
        headers = self._headers()
        scheme = "https" if self.tunnel_host and isinstance(self.connection, ssl.SSLSocket) \
            else "http"
        target = self.path
        host = headers.get("host", self.tunnel_host or "")
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            scheme, host = parts.scheme, parts.netloc
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        if self.server.mirror_host:
            host = self.server.mirror_host
        path, _, query = target.partition("?")
        return Request(self.command, scheme, normalise_host(host), path or "/", query, headers)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)  # request bodies (comment forms) are read and dropped
        request = self._build_request()
        self.server.dispatcher.log(LoggedRequest(request.method, request.host, request.target,
                                                 request.headers, time.monotonic()))
        response = self.server.dispatcher.dispatch(request, self.server.mirror_host)
        if response.delay > 0:
            time.sleep(response.delay)
        self._write(request, response)

    def _write(self, request: Request, response: Response) -> None:
        status, headers, body = encode(request, response)
        chunked = ("Transfer-Encoding", "chunked") in headers
        if chunked and self.request_version == "HTTP/1.0":
            # HTTP/1.0 has no chunking: delimit the body by closing the connection.
            headers.remove(("Transfer-Encoding", "chunked"))
            chunked, self.close_connection = False, True
        if response.truncate_at is not None or self.close_connection:
            headers.append(("Connection", "close"))
            self.close_connection = True
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if request.method != "HEAD" and status not in (204, 304):
            self._write_body(body, chunked, response.truncate_at)
        self.wfile.flush()

    def _write_body(self, body: Iterable[bytes], chunked: bool, truncate_at: int | None) -> None:
        sent = 0
        for chunk in body:
            if truncate_at is not None:
                chunk = chunk[: max(0, truncate_at - sent)]
            if chunked and chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                self.wfile.write(chunk)
            sent += len(chunk)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


def encode(request: Request, response: Response) -> tuple[int, list[tuple[str, str]],
                                                         Iterable[bytes]]:
    """Status, headers and body chunks after validators, 304s, gzip and framing."""
    headers = [("Date", formatdate(usegmt=True))]
    if response.header("Server") is None:
        headers.append(("Server", "nginx"))
    headers += response.headers
    headers.append(("Content-Type", response.content_type))
    if response.last_modified is not None:
        headers.append(("Last-Modified", formatdate(response.last_modified.timestamp(),
                                                    usegmt=True)))
    if not isinstance(response.body, bytes):
        if response.content_length is not None:
            return response.status, [*headers, ("Content-Length",
                                                str(response.content_length))], response.body
        return response.status, [*headers, ("Transfer-Encoding", "chunked")], response.body
    body = response.body
    if response.cacheable and response.status == 200:
        etag = hashlib.sha1(body).hexdigest()[:20]
        if not_modified(request.headers, etag, response):
            return 304, [h for h in headers if h[0] != "Content-Type"] + [
                ("ETag", f'"{etag}"')], []
        body, headers = _maybe_gzip(request, response, body, headers, etag)
    elif _wants_gzip(request, response):
        body = gzip.compress(body, mtime=0)
        headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
    if response.chunked:
        return response.status, [*headers, ("Transfer-Encoding", "chunked")], _chunks(body)
    return response.status, [*headers, ("Content-Length", str(len(body)))], [body]


def _maybe_gzip(request: Request, response: Response, body: bytes,
                headers: list[tuple[str, str]], etag: str) -> tuple[bytes,
                                                                    list[tuple[str, str]]]:
    if not _wants_gzip(request, response):
        extra = [("Vary", "Accept-Encoding")] if response.compressible else []
        return body, [*headers, ("ETag", f'"{etag}"'), *extra]
    gz = _GZ_CACHE.get(etag)
    if gz is None:
        gz = gzip.compress(body, compresslevel=6, mtime=0)
        if len(_GZ_CACHE) >= _GZ_CACHE_MAX:
            _GZ_CACHE.clear()
        _GZ_CACHE[etag] = gz
    # A different ETag per content-coding, as Apache does (RFC 9110 8.8.3).
    return gz, [*headers, ("ETag", f'"{etag}-gzip"'), ("Content-Encoding", "gzip"),
                ("Vary", "Accept-Encoding")]


def _wants_gzip(request: Request, response: Response) -> bool:
    if not response.compressible or not response.content_type.startswith(COMPRESSIBLE):
        return False
    for item in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00")
    return False


def not_modified(headers: dict[str, str], etag: str, response: Response) -> bool:
    """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    inm = headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/").strip('"').removesuffix("-gzip")
                for t in inm.split(",")}
        return "*" in tags or etag in tags
    ims = headers.get("if-modified-since")
    if ims and response.last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        return int(response.last_modified.timestamp()) <= since.timestamp()
    return False


def _chunks(body: bytes, size: int = 4096) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]
