"""Fault routes under /_faults/ and the fault profile (faults=True)."""

from __future__ import annotations

import http.client
import socket
import time
import zlib
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest

from newsvault.replicas import ReplicaServer
from newsvault.replicas.client import ProxyClient, address, raw_connection

BASE = "http://www.plenglish.com/_faults"


def test_simple_faults(client: ProxyClient) -> None:
    assert client.get(f"{BASE}/404").status == 404
    assert client.get(f"{BASE}/500").status == 500
    empty = client.get(f"{BASE}/empty")
    assert (empty.status, empty.raw, empty.header("Content-Length")) == (200, b"", "0")
    pdf = client.get(f"{BASE}/pdf")
    assert pdf.header("Content-Type") == "application/pdf" and pdf.body.startswith(b"%PDF-")
    malformed = client.get(f"{BASE}/malformed")
    assert b"</html>" not in malformed.body
    tree = lxml.html.fromstring(malformed.body)
    assert tree.cssselect("h1")[0].text == "Malformed but readable"
    assert len(tree.cssselect("div.article p")) >= 3
    wrong = client.get(f"{BASE}/wrong-charset")
    assert wrong.header("Content-Type") == "text/html; charset=utf-8"
    assert "دمشق".encode("cp1256") in wrong.body
    with pytest.raises(UnicodeDecodeError):
        wrong.body.decode("utf-8")
    offsite = client.get(f"{BASE}/offsite")
    assert (offsite.status, offsite.header("Location")) == (302, "http://example.invalid/")
    assert client.get(f"{BASE}/nope").status == 404


def test_redirect_loop(client: ProxyClient) -> None:
    first = client.get("http://sana.sy/_faults/redirect-loop")
    second = client.get(first.header("Location") or "")
    assert first.header("Location") == "http://sana.sy/_faults/redirect-loop/b"
    assert second.header("Location") == "http://sana.sy/_faults/redirect-loop"


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_then_success(client: ProxyClient, status: int) -> None:
    url = f"http://www.emiratesvoice.com/_faults/{status}?k=retry-{status}"
    failed = client.get(url)
    assert (failed.status, failed.header("Retry-After")) == (status, "1")
    assert client.get(url).status == 200
    twice = f"{url}-2&n=2"
    assert [client.get(twice).status for _ in range(3)] == [status, status, 200]


def test_slow(client: ProxyClient) -> None:
    start = time.monotonic()
    assert client.get("http://sana.sy/_faults/slow?s=0.3").status == 200
    assert time.monotonic() - start >= 0.3


def test_huge_page_is_streamed_with_exact_length(client: ProxyClient) -> None:
    reply = client.get("http://sana.sy/_faults/huge?mb=2")
    assert reply.header("Content-Length") == str(2 << 20) and len(reply.body) == 2 << 20
    assert reply.body.endswith(b"</html>")


def test_gzip_bomb_inflates_far_beyond_its_size(client: ProxyClient) -> None:
    reply = client.get("http://sana.sy/_faults/gzip-bomb?mb=64")
    assert reply.header("Content-Encoding") == "gzip"
    assert len(reply.raw) < 100_000  # ~1 KB per MiB: deflate's ratio limit is ~1032:1
    inflater, total = zlib.decompressobj(31), 0
    data = reply.raw
    while data:
        total += len(inflater.decompress(data, 1 << 20))
        data = inflater.unconsumed_tail
    assert total == 64 << 20 and inflater.eof


def test_truncated_body_closes_connection(replica: ReplicaServer) -> None:
    conn = raw_connection(replica.proxy_url)
    conn.request("GET", "http://sana.sy/_faults/truncated")
    response = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead):
        response.read()
    conn.close()


def test_fault_urls_are_in_the_feed_and_the_manifest(fault_client: ProxyClient,
                                                     faulty: ReplicaServer) -> None:
    faults = {t.fault: t for t in faulty.manifest("sana") if t.fault}
    assert set(faults) >= {"503-then-ok", "truncated-then-ok", "malformed", "wrong-charset",
                           "404", "offsite", "redirect-loop"}
    feed = lxml.etree.fromstring(fault_client.get("http://sana.sy/en/feed/").body)
    links = set(feed.xpath("//item/link/text()"))
    assert {t.canonical_url for t in faults.values()} <= links
    for truth in faults.values():
        assert "https://sana.sy/en/feed/" in truth.sources
        assert truth.is_article == (truth.fault not in ("404", "500", "offsite", "empty",
                                                        "redirect-loop"))
    url = faults["503-then-ok"].canonical_url.replace("https:", "http:")
    assert [fault_client.get(url).status for _ in range(2)] == [503, 200]
    assert fault_client.get(faults["404"].canonical_url.replace("https:", "http:")).status == 404


def test_archive_is_slow_and_sometimes_503() -> None:
    with ReplicaServer(faults=True, slow_scale=0.001) as server:
        client = ProxyClient(server.proxy_url)
        urls = [t.canonical_url.replace("https:", "http:")
                for t in server.manifest("sana") if t.generation == "sahifa"][:24]
        start = time.monotonic()
        first = [client.get(url).status for url in urls]
        assert time.monotonic() - start >= len(urls) * 0.015  # 15-65 s each, scaled
        assert 0 < first.count(503) < len(urls) / 2
        for url, status in zip(urls, first, strict=True):
            if status == 503:  # at most two 503s in a row per URL, then the page
                assert 200 in (client.get(url).status, client.get(url).status)
        client.close()


def test_slow_article_fault_uses_slow_scale() -> None:
    with ReplicaServer(faults=True, slow_scale=0.001) as server:
        truth = next(t for t in server.manifest("sana") if t.fault == "slow")
        client = ProxyClient(server.proxy_url)
        start = time.monotonic()
        assert client.get(truth.canonical_url.replace("https:", "http:")).status == 200
        assert time.monotonic() - start < 0.3
        client.close()


def test_truncated_article_then_whole(faulty: ReplicaServer) -> None:
    truth = next(t for t in faulty.manifest("sana") if t.fault == "truncated-then-ok")
    path = urlsplit(truth.canonical_url).path
    with socket.create_connection(address(faulty.proxy_url), timeout=10) as sock:
        sock.sendall(f"GET http://test.sana.sy{path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))
    assert len(body) < length
    client = ProxyClient(faulty.proxy_url)
    assert client.get(f"http://test.sana.sy{path}").status == 200
    client.close()
