"""A download handler that keeps the HTTP heads exactly as they crossed the wire.

Scrapy builds its Headers from Twisted's, which lowers and re-capitalises names, drops the
connection headers (Connection, Keep-Alive, Transfer-Encoding, ...), moves Content-Length to
the front and forgets the reason phrase. For evidence we want the head as it was. This
handler is Scrapy's HTTP/1.1 handler with two small additions:

- the response parser also keeps the raw status line and header lines;
- the protocol keeps the bytes it wrote for the request head.

Both reach the capture middleware through ``request.meta["nv_wire"]``. Everything else
(proxies, CONNECT tunnels, TLS, pooling, timeouts, size limits) is Scrapy's own code. It
leans on Scrapy internals, which is why pyproject.toml pins Scrapy to a tested range; if
they change, the capture middleware falls back to rebuilding heads from Scrapy's Headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
    _ScrapyAgent,
)
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.web._newclient import STATUS

from crawler.politeness import ClusterSlot


@dataclass(frozen=True)
class WireHead:
    """The heads of one exchange as sent and received (header lines without CRLF)."""

    request: bytes | None  # the request line and headers, CRLF-separated, as written
    status_line: bytes
    header_lines: tuple[bytes, ...]

    def response_pairs(self) -> list[tuple[str, str]]:
        """(name, value) pairs in wire order, names as sent; folded lines are unfolded."""
        pairs: list[tuple[str, str]] = []
        for raw in self.header_lines:
            line = raw.decode("latin-1")
            if line[:1] in (" ", "\t") and pairs:
                name, value = pairs[-1]
                pairs[-1] = (name, f"{value} {line.strip()}")
            elif ":" in line:
                name, value = line.split(":", 1)
                pairs.append((name, value.strip()))
        return pairs

    def status(self) -> tuple[str, str | None]:
        """(protocol, reason phrase as sent; None when the server sent none)."""
        parts = self.status_line.decode("latin-1").split(" ", 2)
        return parts[0], parts[2] if len(parts) == 3 else None

    def request_pairs(self) -> list[tuple[str, str]] | None:
        if not self.request:
            return None
        lines = self.request.split(b"\r\n")[1:]
        return [(n.decode("latin-1"), v.strip().decode("latin-1"))
                for n, v in (ln.split(b":", 1) for ln in lines if b":" in ln)]


class _WireParser(_LenientHTTPClientParser):
    """Scrapy's lenient parser, also keeping the raw head lines."""

    def lineReceived(self, line: bytes) -> None:
        raw = line.removesuffix(b"\r")
        if self.state == STATUS:
            self._nv_status, self._nv_lines = raw, []
        elif raw:
            self._nv_lines.append(raw)
        super().lineReceived(line)

    def allHeadersReceived(self) -> None:
        response = getattr(self, "response", None)
        if response is not None:
            response._nv_head = (self._nv_status, tuple(self._nv_lines))
        super().allHeadersReceived()


class _CapturingTransport:
    """Wraps a transport while a request is written, keeping the bytes."""

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)
        self._transport.write(data)

    def writeSequence(self, data: list[bytes]) -> None:
        self.written.extend(data)
        self._transport.writeSequence(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _WireProtocol(_LenientHTTP11ClientProtocol):
    def request(self, request: Any) -> Any:
        real = self.transport
        capture = _CapturingTransport(real)
        self.transport = capture  # type: ignore[assignment]  # the head is written now
        try:
            d = super().request(request)
        finally:
            self.transport = real
        if self._parser is not None:
            self._parser.__class__ = _WireParser
        head = b"".join(capture.written).split(b"\r\n\r\n", 1)[0]

        def attach(response: Any) -> Any:
            response._nv_request_head = head
            return response

        return d.addCallback(attach)


class _WireFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: Any) -> _WireProtocol:
        return _WireProtocol(self._quiescentCallback)


class _WireAgent(_ScrapyAgent):
    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        status_head = getattr(txresponse, "_nv_head", None)
        if status_head is not None:
            request.meta["nv_wire"] = WireHead(getattr(txresponse, "_nv_request_head", None),
                                               *status_head)
        return super()._cb_bodyready(txresponse, request)


class WireHTTP11DownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, keeping the wire heads (see the module docstring)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._pool._factory = _WireFactory
        # Distributed workers wait for their host's cluster-wide slot (crawler/politeness).
        self._cluster_slot = ClusterSlot.for_crawler(crawler)

    async def download_request(self, request: Request) -> Response:
        request.meta.pop("nv_wire", None)  # a redirect copies meta: never reuse a head
        if self._cluster_slot is not None:
            await self._cluster_slot.wait(request)
        agent = _WireAgent(
            contextFactory=self._contextFactory, bindAddress=self._bind_address,
            pool=self._pool, maxsize=self._default_maxsize, warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss, crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging)
        return await maybe_deferred_to_future(agent.download_request(request))
