"""ReplicaServer: the three outlet replicas behind one local HTTP proxy, plus mirrors.

Proxy mode (the main way in): point a client's HTTP and HTTPS proxy at ``proxy_url``.
Absolute-form requests (``GET http://sana.sy/en/``) and CONNECT tunnels to port 443
(TLS terminated with a self-signed certificate made at start-up) are routed by host, so
real URLs such as ``https://sana.sy/en/feed/`` work unchanged.

Mirror mode: ``mirror_url(host)`` opens one more port that serves that host's site for
any Host header, with the host's absolute URLs in bodies and Location headers rewritten
to the mirror's base (``newsvault crawl sana --base-url http://127.0.0.1:PORT/``).
"""

from __future__ import annotations

import ssl
import threading
import traceback
from datetime import datetime, timedelta, timezone
from types import TracebackType

from newsvault.replicas.faults import Counters, fault_route
from newsvault.replicas.handler import Listener
from newsvault.replicas.messages import LoggedRequest, Request, Response, error_page
from newsvault.replicas.model import ArticleTruth
from newsvault.replicas.site import Site, SiteContext
from newsvault.replicas.sites.emirates_voice import EmiratesVoiceSite
from newsvault.replicas.sites.prensa_latina import PrensaLatinaSite
from newsvault.replicas.sites.sana import SanaSite
from newsvault.replicas.tls import make_certificate, server_context

DEFAULT_NOW = datetime(2025, 9, 7, 12, 0, tzinfo=timezone(timedelta(hours=3)))
SITES: tuple[type[Site], ...] = (SanaSite, PrensaLatinaSite, EmiratesVoiceSite)
REWRITABLE = ("text/", "application/xml", "application/rss+xml", "application/json")


class ReplicaServer:
    """Faithful local replicas of SANA, Prensa Latina and Emirates Voice.

    Content depends only on ``seed`` and ``now`` (default 2025-09-07T12:00+03:00).
    ``faults`` turns on the fault profile (slow, 503-prone archive.sana.sy; fault URLs in
    the SANA English feed); ``slow_scale`` shrinks the real sites' delays (seconds).
    """

    def __init__(self, now: datetime | None = None, seed: int = 0, faults: bool = False,
                 slow_scale: float = 0.01, port: int = 0) -> None:
        self.now = now or DEFAULT_NOW
        if self.now.tzinfo is None:
            raise ValueError("now must be timezone-aware, e.g. 2025-09-07T12:00:00+03:00")
        self.seed, self.faults, self.slow_scale, self.port = seed, faults, slow_scale, port
        self.counters = Counters()
        context = SiteContext(self.now, seed, faults, slow_scale, self.counters)
        self.sites: dict[str, Site] = {cls.outlet: cls(context) for cls in SITES}
        self._by_host = {host: site for site in self.sites.values() for host in site.hosts}
        self.requests: list[LoggedRequest] = []
        self.errors: list[str] = []  # exceptions raised by the sites (should stay empty)
        self.tls_context: ssl.SSLContext | None = None
        self.cert_pem = b""
        self._proxy: Listener | None = None
        self._mirrors: dict[str, Listener] = {}
        self._lock = threading.Lock()

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> ReplicaServer:
        """Make the certificate, bind 127.0.0.1 on a free port, serve in a thread."""
        self.cert_pem, key_pem = make_certificate(self.hosts)
        self.tls_context = server_context(self.cert_pem, key_pem)
        self._proxy = self._listen(None, self.port)
        return self

    def _listen(self, mirror_host: str | None, port: int = 0) -> Listener:
        listener = Listener(self, mirror_host, port)
        thread = threading.Thread(target=listener.serve_forever, kwargs={"poll_interval": 0.05},
                                  name=f"replica-{mirror_host or 'proxy'}", daemon=True)
        thread.start()
        return listener

    def stop(self) -> None:
        """Stop every listener and drop open keep-alive connections."""
        listeners = [self._proxy, *self._mirrors.values()]
        self._proxy, self._mirrors = None, {}
        for listener in listeners:
            if listener is not None:
                listener.shutdown()
                listener.close_connections()
                listener.server_close()

    def __enter__(self) -> ReplicaServer:
        return self.start() if self._proxy is None else self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # -- addresses ------------------------------------------------------------------------
    @property
    def proxy_url(self) -> str:
        """``http://127.0.0.1:<port>``: use as both the HTTP and the HTTPS proxy."""
        if self._proxy is None:
            raise RuntimeError("ReplicaServer is not running: call start() first")
        return f"http://127.0.0.1:{self._proxy.server_address[1]}"

    def mirror_url(self, host: str) -> str:
        """Base URL (``http://127.0.0.1:<port>/``) of a listener serving only ``host``."""
        host = host.lower().rstrip(".")
        if host not in self._by_host:
            raise KeyError(f"unknown replica host {host!r}; known: {', '.join(self.hosts)}")
        with self._lock:
            if self._proxy is None:
                raise RuntimeError("ReplicaServer is not running: call start() first")
            if host not in self._mirrors:
                self._mirrors[host] = self._listen(host)
            return f"http://127.0.0.1:{self._mirrors[host].server_address[1]}/"

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every host name the replicas answer (for resolvers and certificates)."""
        return tuple(sorted(self._by_host))

    # -- content --------------------------------------------------------------------------
    def site(self, outlet: str) -> Site:
        """The site object of an outlet (``sana``, ``prensa_latina``, ``emirates_voice``),
        which carries the mutation API."""
        try:
            return self.sites[outlet]
        except KeyError:
            raise KeyError(f"unknown outlet {outlet!r}; known: {', '.join(self.sites)}") from None

    def manifest(self, outlet: str) -> list[ArticleTruth]:
        """Ground truth of every page family the outlet's replica serves."""
        return self.site(outlet).manifest()

    # -- Dispatcher protocol (called by the handler threads) --------------------------------
    def log(self, entry: LoggedRequest) -> None:
        """Record a request (list.append is atomic under the GIL)."""
        self.requests.append(entry)

    def dispatch(self, request: Request, mirror_host: str | None) -> Response:
        """Route by host; ``/_faults/`` first; rewrite absolute URLs for mirrors."""
        site = self._by_host.get(request.host)
        if site is None:
            return error_page(502, f"newsvault replica: unknown host {request.host!r}. "
                                   f"Known hosts: {', '.join(self.hosts)}")
        try:
            if request.path.startswith("/_faults/"):
                response = fault_route(request, self.counters)
            else:
                response = site.handle(request)
        except Exception as exc:  # a replica bug must surface in tests, not hang a client
            self.errors.append(f"{request.method} {request.host}{request.target}: {exc!r}")
            traceback.print_exc()
            return error_page(500, f"newsvault replica bug: {exc!r}")
        if mirror_host is not None:
            _rewrite(response, mirror_host, self.mirror_url(mirror_host))
        return response


def _rewrite(response: Response, host: str, base: str) -> None:
    """Point the mirrored host's absolute URLs (http and https) at the mirror."""
    olds = (f"https://{host}/", f"http://{host}/")
    if isinstance(response.body, bytes) and response.content_type.startswith(REWRITABLE):
        for old in olds:
            response.body = response.body.replace(old.encode(), base.encode())
    for index, (name, value) in enumerate(response.headers):
        if name.lower() == "location" and value.startswith(olds):
            response.headers[index] = (name, base + value.split("/", 3)[3])
