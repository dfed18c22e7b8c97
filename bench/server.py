"""The static server the benchmark crawls: nginx on loopback, with ``gzip_static``.

nginx (Debian's ``nginx`` package) runs in the foreground with a generated config on a
free port, one worker, logs off, so on a 2-core machine it takes as little CPU as
possible from the crawler it serves. ``StaticServer`` is a small threaded Python server
for the smoke test on machines without nginx: it is correct, not fast, and
``bench.run`` refuses to measure with it.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipelines.helpers import die_with_parent

NGINX_MISSING = ("nginx is not installed; the benchmark serves the synthetic site with it: "
                 "run `apt-get install -y nginx` (as root) and try again")

NGINX_CONF = """\
{user}
worker_processes 1;
worker_rlimit_nofile 16384;
daemon off;
master_process on;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ text/html html; application/xml xml; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;   # "text/html; charset=utf-8", as a CMS sends its pages
    charset_types text/html text/plain application/xml;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    # Cached descriptors count against the worker's file limit (1024 by default): keep
    # the cache well under worker_rlimit_nofile, or uncached pages fail with 500.
    open_file_cache max=4000 inactive=30s;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        gzip_static on;   # serve <file>.gz with Content-Encoding: gzip to gzip clients
        gzip_vary on;
        etag on;
        index index.html; # /<post>/ is served from /<post>/index.html(.gz)
    }}
}}
"""


def free_port() -> int:
    """A TCP port free on loopback now (the usual bind-to-0 trick)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes] | None, grace: float = 10) -> None:
    """SIGTERM a server we started, then SIGKILL if it is still there after ``grace``."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def wait_ready(url: str, timeout: float = 10.0) -> None:
    """Poll ``url`` until it answers (any HTTP status) or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bench server at {url} did not answer") from None
            time.sleep(0.05)


def _die_with_parent() -> None:
    """In the nginx child before exec: SIGTERM it when the bench process dies, however it
    dies (a killed benchmark must not leave a server running on the machine)."""
    die_with_parent(signal.SIGTERM)


def _user_directive() -> str:
    """As root, nginx would run its worker as ``nobody``, who may not read the site (say
    under a 0700 temporary directory): keep the worker as the current user instead."""
    if os.geteuid() != 0:
        return ""  # ignored (with a warning) unless the master runs as root
    return (f"user {pwd.getpwuid(os.geteuid()).pw_name} "
            f"{grp.getgrgid(os.getegid()).gr_name};")


class NginxServer:
    """nginx serving ``root`` at ``base_url``; a context manager; ``pid`` for monitoring."""

    kind = "nginx"

    def __init__(self, root: Path) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError(NGINX_MISSING)
        self.binary, self.root = binary, root.resolve()
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-nginx-")

    def __enter__(self) -> NginxServer:
        run = Path(self._tmp.name)
        conf = run / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=_user_directive(), run=run, port=self.port,
                                          root=self.root))
        self.process = subprocess.Popen(
            [self.binary, "-p", str(run), "-e", str(run / "error.log"), "-c", str(conf)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)
        try:
            wait_ready(self.base_url + "robots.txt")
        except RuntimeError:
            self.__exit__()
            log = (run / "error.log").read_text() if (run / "error.log").exists() else ""
            raise RuntimeError(f"nginx did not start: {log[-2000:]}") from None
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def __exit__(self, *exc: object) -> None:
        stop_process(self.process)  # SIGTERM: nginx's fast shutdown
        self._tmp.cleanup()


class _GzipStaticHandler(SimpleHTTPRequestHandler):
    """gzip_static in Python: ``<path>.gz`` with Content-Encoding to gzip clients."""

    protocol_version = "HTTP/1.1"
    extensions_map = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                      ".xml": "application/xml; charset=utf-8"}

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        packed = path.with_name(path.name + ".gz")
        if not (wants_gzip and path.is_file() and packed.is_file()):
            return super().send_head()
        data = packed.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Bytes(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a crawl makes thousands of requests."""


class _Bytes:
    """The file-like object send_head returns, over bytes already read."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        self.data = b""


class StaticServer:
    """A threaded Python gzip_static server: for smoke tests without nginx, not for
    measurements (it costs the crawler CPU on a 2-core machine)."""

    kind = "python"

    def __init__(self, root: Path) -> None:
        handler = _handler_for(root.resolve())
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.base_url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.pid = os.getpid()

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler_for(root: Path) -> type[_GzipStaticHandler]:
    class Handler(_GzipStaticHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

    return Handler


@contextlib.contextmanager
def serve(root: Path, allow_fallback: bool = False) -> Iterator[NginxServer | StaticServer]:
    """nginx when installed; else the Python server if allowed, else a clear error."""
    if nginx_binary() is None and allow_fallback:
        with StaticServer(root) as fallback:
            yield fallback
        return
    with NginxServer(root) as server:
        yield server
