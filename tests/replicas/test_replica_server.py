"""The wire: proxy modes, TLS, keep-alive, concurrency, request log, mirrors."""

from __future__ import annotations

import socket
import ssl
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from newsvault.replicas import ReplicaServer
from newsvault.replicas.client import ProxyClient, address, insecure_context, raw_connection


def test_absolute_form_and_unknown_host(client: ProxyClient) -> None:
    reply = client.get("http://sana.sy/en/")
    assert reply.status == 200
    assert reply.header("Content-Type") == "text/html; charset=UTF-8"
    assert b'class="p-url"' in reply.body
    unknown = client.get("http://unknown.example/")
    assert unknown.status == 502
    assert b"unknown host" in unknown.body and b"sana.sy" in unknown.body


def test_connect_tunnel_verifies_against_server_certificate(replica: ReplicaServer) -> None:
    context = ssl.create_default_context(cadata=replica.cert_pem.decode())
    client = ProxyClient(replica.proxy_url, context)  # hostname checked against the SANs
    try:
        for url in ("https://sana.sy/en/feed/", "https://www.plenglish.com/feed/",
                    "https://mail.emiratesvoice.com/en/rss"):
            assert client.get(url).status == 200
    finally:
        client.close()
    assert any(r.method == "CONNECT" and r.host == "sana.sy" for r in replica.requests)


def test_urllib_follows_redirect_from_http_to_https_through_proxy(
        replica: ReplicaServer) -> None:
    proxies = {"http": replica.proxy_url, "https": replica.proxy_url}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies),
                                         urllib.request.HTTPSHandler(context=insecure_context()))
    article = next(t for t in replica.manifest("sana") if t.generation == "foxiz")
    short = f"http://sana.sy/en/?p={article.article_id}"
    with opener.open(short, timeout=10) as response:
        assert response.geturl() == article.canonical_url
        assert b'<h1 class="s-title">' in response.read()


def test_keep_alive_serves_many_requests_on_one_connection(replica: ReplicaServer) -> None:
    conn = raw_connection(replica.proxy_url)
    conn.connect()
    local = conn.sock.getsockname()
    for path in ("/robots.txt", "/en/", "/en/feed/", "/en/page/2/", "/robots.txt"):
        conn.request("GET", f"http://sana.sy{path}")
        response = conn.getresponse()
        response.read()
        assert response.status == 200
        assert conn.sock is not None and conn.sock.getsockname() == local
    conn.close()


def test_concurrent_clients(replica: ReplicaServer) -> None:
    urls = ["http://sana.sy/en/", "http://www.plenglish.com/feed/",
            "http://www.emiratesvoice.com/en/", "http://archive.sana.sy/en/"] * 50

    def fetch(chunk: list[str]) -> list[int]:
        client = ProxyClient(replica.proxy_url)
        try:
            return [client.get(url).status for url in chunk]
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(fetch, [urls[i::16] for i in range(16)]))
    assert [s for chunk in results for s in chunk] == [200] * len(urls)
    assert not replica.errors


def test_request_log_records_method_host_path_and_headers(client: ProxyClient,
                                                          replica: ReplicaServer) -> None:
    client.get("http://sana.sy./en/?feed=rss2", headers={"User-Agent": "newsvault-test/1"})
    entry = replica.requests[-1]
    method, host, path, headers, _ = entry
    assert (method, host, path) == ("GET", "sana.sy", "/en/?feed=rss2")
    assert headers["user-agent"] == "newsvault-test/1"


def test_head_and_http10(replica: ReplicaServer, client: ProxyClient) -> None:
    head = client.get("http://sana.sy/en/feed/", method="HEAD")
    assert head.status == 200 and head.raw == b""
    with socket.create_connection(address(replica.proxy_url), timeout=10) as sock:
        sock.sendall(b"GET http://sana.sy/en/feed/ HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head_part, _, body = data.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding" not in head_part  # HTTP/1.0 gets a close-delimited body
    assert body.rstrip().endswith(b"</rss>")


def test_mirror_rewrites_the_hosts_urls(replica: ReplicaServer) -> None:
    base = replica.mirror_url("sana.sy")
    assert base == replica.mirror_url("sana.sy.")  # one listener per host
    conn = raw_connection(base)
    conn.request("GET", "/en/feed/", headers={"Host": "anything.example"})
    feed = conn.getresponse().read().decode()
    assert f"<link>{base}en/" in feed and "https://sana.sy/" not in feed
    conn.request("GET", "/en/sitemap_index.xml")
    assert f"<loc>{base}en/post-sitemap1.xml</loc>" in conn.getresponse().read().decode()
    article = next(t for t in replica.manifest("sana") if t.generation == "foxiz")
    conn.request("GET", f"/en/?p={article.article_id}")
    moved = conn.getresponse()
    moved.read()
    assert moved.status == 301
    assert moved.getheader("Location") == article.canonical_url.replace("https://sana.sy/", base)
    conn.close()
    with pytest.raises(KeyError):
        replica.mirror_url("example.org")


def test_stop_releases_the_port() -> None:
    server = ReplicaServer().start()
    port = urlsplit(server.proxy_url).port
    ProxyClient(server.proxy_url).get("http://sana.sy/robots.txt")  # leaves a keep-alive open
    server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with pytest.raises(RuntimeError):
        _ = server.proxy_url
