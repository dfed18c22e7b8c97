"""Writing a typical exchange costs well under 1 ms of CPU.

A typical news page arrives gzip-encoded (Scrapy asks for it): its body is stored as received,
not recompressed, so the cost is building headers, two SHA-256 passes for the digests, one for
the file, and the write. Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import gzip
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from pipelines.warc import Exchange, WarcConfig, WarcWriter

WORDS = [
    "damascus", "sana", "army", "qusayr", "security", "syria", "minister", "said", "report",
    "government", "city", "forces", "people", "region", "killed", "council", "news", "article",
    "ministry", "president", "week",
]


def _html(rng: random.Random, size: int) -> bytes:
    """Article-like markup of ``size`` bytes, compressing about as well as real pages do."""
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
        parts.append(f'<p class="c{rng.randint(0, 99)}" id="p{rng.randint(0, 10**6)}">'
                     f'{words} <a href="/en/{rng.randint(0, 10**6)}/">{words[:20]}</a></p>\n')
    return "".join(parts).encode()[:size]


def _exchange(rng: random.Random, body: bytes, encoding: list[tuple[str, str]]) -> Exchange:
    return Exchange(
        url=f"https://sana.sy/en/politics/{rng.randint(0, 10**6)}/", method="GET",
        request_headers=[("Host", "sana.sy"), ("User-Agent", "newsvault/0.1"),
                         ("Accept", "text/html,*/*;q=0.8"), ("Accept-Language", "en"),
                         ("Accept-Encoding", "gzip, deflate, br, zstd")],
        request_body=b"", protocol="HTTP/1.1", status=200, reason="OK",
        response_headers=[("Date", "Sat, 02 Aug 2025 00:00:00 GMT"), ("Server", "nginx"),
                          ("Content-Type", "text/html; charset=UTF-8"), *encoding,
                          ("Vary", "Accept-Encoding"), ("Set-Cookie", "a=1; Path=/"),
                          ("Set-Cookie", "b=2; Path=/"), ("Cache-Control", "max-age=300")],
        body=body, ip_address="192.0.2.10", fetched_at=datetime.now(UTC))


def _cpu_ms_per_exchange(tmp_path: Path, exchanges: list[Exchange]) -> float:
    with WarcWriter(WarcConfig(tmp_path, "sana", max_size=10**10)) as writer:
        writer.write_exchange(exchanges[0])  # opens the file
        start = time.process_time()
        for ex in exchanges:
            writer.write_exchange(ex)
        return (time.process_time() - start) / len(exchanges) * 1000


def test_typical_exchange_costs_well_under_a_millisecond(tmp_path: Path) -> None:
    rng = random.Random(1)
    corpus = _html(rng, 1_000_000)

    def page(size: int) -> bytes:
        start = rng.randrange(len(corpus) - size)
        return corpus[start:start + size]

    gzipped = [_exchange(rng, gzip.compress(page(250_000), 1)[:60_000],
                         [("Content-Encoding", "gzip")]) for _ in range(200)]
    plain = [_exchange(rng, page(60_000), []) for _ in range(100)]
    typical = _cpu_ms_per_exchange(tmp_path / "gzip", gzipped)
    identity = _cpu_ms_per_exchange(tmp_path / "plain", plain)
    print(f"\n60 KB gzip-encoded body: {typical:.3f} ms CPU per exchange;"
          f" 60 KB identity HTML (deflated here): {identity:.3f} ms")
    assert typical < 1.0
    assert identity < 3.0  # zlib level 1 dominates; isal (optional) roughly halves it
