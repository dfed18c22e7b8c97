"""The fast gzip decoder gives what Scrapy's gives, and stops gzip bombs as early."""

from __future__ import annotations

import gzip
import random
import struct

import pytest
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from scrapy.utils.gz import gunzip as scrapy_gunzip

from crawler.compression import gunzip

PAGE = " ".join(random.Random(7).choice(["الخبر", "news", "año", "<p>", "</p>"])
                for _ in range(20_000)).encode()
PACKED = gzip.compress(PAGE, mtime=0)


def _bad_crc(data: bytes) -> bytes:
    crc = struct.unpack("<I", data[-8:-4])[0] ^ 1
    return data[:-8] + struct.pack("<I", crc) + data[-4:]


@pytest.mark.parametrize("name, body", [
    ("one member", PACKED),
    ("two members", PACKED + gzip.compress(b"tail", mtime=0)),
    ("trailing bytes", PACKED + b"\r\n"),
    ("truncated", PACKED[: len(PACKED) // 2]),
    ("bad crc", _bad_crc(PACKED)),
])
def test_same_bytes_as_scrapys_gunzip(name: str, body: bytes) -> None:
    assert gunzip(body) == scrapy_gunzip(body)


def test_a_clean_body_is_decoded_in_full() -> None:
    assert gunzip(PACKED, max_size=len(PAGE)) == PAGE


def test_garbage_raises_as_scrapys_does() -> None:
    with pytest.raises(OSError):
        scrapy_gunzip(b"not gzip at all")
    with pytest.raises(OSError):
        gunzip(b"not gzip at all")


def test_a_gzip_bomb_stops_one_byte_past_the_limit() -> None:
    bomb = gzip.compress(bytes(50_000_000), compresslevel=9)  # 50 MB of zeros, ~50 KB
    with pytest.raises(_DecompressionMaxSizeExceeded) as raised:
        gunzip(bomb, max_size=1_000_000)
    assert raised.value.decompressed_size == 1_000_001


def test_the_crawl_uses_it_in_place_of_scrapys() -> None:
    from scrapy.settings import Settings

    from crawler import settings as project

    mws = Settings(project.__dict__).getwithbase("DOWNLOADER_MIDDLEWARES")
    assert mws["crawler.compression.FastHttpCompressionMiddleware"] == 590
    assert mws["scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"] is None
