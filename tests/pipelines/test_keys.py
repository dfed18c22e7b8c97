"""Keys built from hostile URLs and names stay under their prefix, printable and bounded."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipelines.storage import (
    MAX_KEY_LENGTH,
    LocalStore,
    StoreError,
    check_key,
    provenance_key,
    safe_key,
    warc_key,
)
from pipelines.store.options import S3Options
from pipelines.store.s3 import S3Store, make_client

HOSTILE_URLS = [
    "https://sana.sy/en/../../../../etc/passwd",
    "https://sana.sy/%2e%2e/%2e%2e/etc/shadow",
    "http://evil.example/\x00/x", "http://evil.example/a\r\nX-Injected: 1",
    "https://ex.com/" + "a/" * 400, "file:///etc/passwd", "//double//slashes//",
    "https://xn--mgbh0fb.xn--kgbechtv/عربي/?q=../..", "javascript:alert(1)",
    "https://ex.com/\u202eevil\u202c.json", "https://ex.com/\x1b[2J", ".", "..", "...", "",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_url_as_a_key_segment_cannot_escape(tmp_path: Path, url: str) -> None:
    key = safe_key("text", "sana", url, "doc.json")
    parts = key.split("/")
    assert parts[:2] == ["text", "sana"] and parts[-1] == "doc.json" and len(parts) == 4
    assert check_key(key) == key and len(key) <= MAX_KEY_LENGTH
    store = LocalStore(tmp_path / "store")
    store.put_bytes(key, b"{}")
    assert store.path(key).resolve().is_relative_to((tmp_path / "store").resolve())
    assert list(store.keys()) == [key]


def test_random_hostile_segments() -> None:
    rng = random.Random(5)
    alphabet = "/\\.\x00\n\r\t\x7f\u202e%:?#~ aZ9-_عر" + "".join(map(chr, range(32)))
    for _ in range(2000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300)))
        key = safe_key("warc", value, value[:50] or "x")
        assert check_key(key) and key.startswith("warc/") and key.count("/") == 2


def test_warc_keys_take_the_month_from_the_name_and_sanitise_the_host() -> None:
    key = warc_key("sana", "sana-20261122030000-00001-evil/../../host.warc.gz")
    assert key.startswith("warc/sana/2026/11/") and key.count("/") == 4
    with pytest.raises(StoreError):
        warc_key("sana", "../../etc/passwd")


def test_provenance_sits_beside_its_text() -> None:
    assert provenance_key("text/sana/2026/11/c1.json") == "text/sana/2026/11/c1.provenance.json"
    with pytest.raises(StoreError):
        provenance_key("text/sana/2026/11/c1.provenance.json")


@pytest.mark.parametrize("key", ["../x", "/etc/x", "a/../../x", "a//b", "x\x00y", "a\nb",
                                 "k" * 600, ""])
def test_raw_unsafe_keys_are_refused_before_any_request(key: str) -> None:
    s3 = S3Store("bucket", "p", S3Options(), client=object())  # any request would crash
    with pytest.raises(StoreError, match="unsafe key"):
        s3.put_bytes(key, b"x")


def test_options_reach_the_client_and_bad_values_name_the_setting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    client = make_client(S3Options(addressing_style="virtual", checksum="none"))
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert client.meta.config.s3["addressing_style"] == "virtual"
    assert client.meta.config.request_checksum_calculation == "when_required"
    with pytest.raises(ValueError, match="s3_addressing_style"):
        S3Options(addressing_style="dns")
    with pytest.raises(ValueError, match="s3_retention_days"):
        S3Options(retention_mode="COMPLIANCE")
