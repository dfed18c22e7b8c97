"""Our WARCs replay in pywb: the exact payload comes back, gzip-encoded or de-chunked."""

from __future__ import annotations

import gzip
import sys
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.warc import ClosedWarc, Exchange, WarcConfig, WarcWriter

try:
    from tests.support.pywb import Pywb, pywb_server
except ImportError:  # pytest run without the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.support.pywb import Pywb, pywb_server

TITLE = "معركة القصير: الجيش يعيد الأمن"
HTML = (f"<!doctype html><html><head><meta charset=utf-8><title>{TITLE}</title></head>"
        "<body><article><p>DAMASCUS, (SANA)- The army restored security. H. Said</p>"
        "</article></body></html>").encode()
GZIPPED = gzip.compress(HTML, mtime=0)
DAY1 = datetime(2013, 6, 6, 8, 15, 42, 250000, tzinfo=UTC)
DAY2 = datetime(2013, 6, 7, 8, 15, 42, tzinfo=UTC)
VARIANTS = {
    "https://sana.sy/en/?p=101": ([("Content-Type", "text/html; charset=UTF-8"),
                                   ("Content-Encoding", "gzip"),
                                   ("Content-Length", str(len(GZIPPED)))], GZIPPED),
    "https://sana.sy/en/?p=102": ([("Content-Type", "text/html; charset=UTF-8"),
                                   ("Transfer-Encoding", "chunked")], HTML),
    "https://sana.sy/en/?p=103": ([("Content-Type", "text/html; charset=UTF-8"),
                                   ("Content-Encoding", "gzip"),
                                   ("Transfer-Encoding", "chunked")], GZIPPED),
}


def make_exchange(url: str, when: datetime) -> Exchange:
    """The article at ``url`` as one of the VARIANTS served it."""
    headers, body = VARIANTS[url]
    return Exchange(url=url, method="GET", request_headers=[("Host", "sana.sy")],
                    request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
                    response_headers=headers, body=body, ip_address="127.0.0.1",
                    fetched_at=when)


def _get(url: str, accept_gzip: bool) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if accept_gzip
                                     else {"Accept-Encoding": "identity"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module")
def pywb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pywb]:
    """pywb serving one WARC with every variant, plus a revisit of the first one."""
    root = tmp_path_factory.mktemp("pywb")
    closed: list[ClosedWarc] = []
    with WarcWriter(WarcConfig(root / "warcs", "sana"), on_close=closed.append) as writer:
        first = {url: writer.write_exchange(make_exchange(url, DAY1))[1] for url in VARIANTS}
        writer.write_revisit(make_exchange("https://sana.sy/en/?p=101", DAY2),
                             first["https://sana.sy/en/?p=101"])
    with pywb_server(root / "pywb", {"news": [c.path for c in closed]}) as server:
        yield server


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.parametrize("url", list(VARIANTS))
def test_id_replay_returns_the_exact_payload(pywb: Pywb, url: str) -> None:
    headers, stored = VARIANTS[url]
    status, served, body = _get(pywb.replay_url("news", "20130606081542", url), accept_gzip=True)
    assert status == 200
    if ("Content-Encoding", "gzip") in headers:
        assert served.get("Content-Encoding") == "gzip"
    assert body == stored
    status, _, plain = _get(pywb.replay_url("news", "20130606081542", url), accept_gzip=False)
    assert status == 200 and plain == HTML
    assert f"<title>{TITLE}</title>" in plain.decode()


@pytest.mark.slow
@pytest.mark.server
def test_revisit_replays_the_original_payload(pywb: Pywb) -> None:
    url = "https://sana.sy/en/?p=101"
    status, served, body = _get(pywb.replay_url("news", "20130607081542", url), accept_gzip=False)
    assert status == 200 and body == HTML
    assert served.get("Memento-Datetime") == "Fri, 07 Jun 2013 08:15:42 GMT"
