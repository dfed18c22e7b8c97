"""S3Store against a real S3 server (SeaweedFS): confirmed uploads, write-once, Object Lock."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody

from pipelines.storage import SpoolCorrupt, StoreError, safe_key, store_from_uri, text_key
from pipelines.store.options import S3Options
from pipelines.store.s3 import S3Store, make_client
from tests.support.seaweed import Seaweed

pytestmark = pytest.mark.server
MiB = 1 << 20


@pytest.fixture
def s3env(seaweed: Seaweed, monkeypatch: pytest.MonkeyPatch) -> Seaweed:
    """boto3 in this process reaches SeaweedFS through its standard environment variables."""
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for name, value in seaweed.env().items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    return seaweed


@pytest.fixture(scope="module")
def shared(seaweed: Seaweed) -> str:
    """One bucket for the module (a bucket's first write is slow); each store gets its own
    prefix in it."""
    return seaweed.bucket()


def store(seaweed: Seaweed, bucket: str, **options: Any) -> S3Store:
    opts = S3Options(addressing_style="path", **options)
    return S3Store(bucket, f"archive/{uuid.uuid4().hex[:8]}", opts, make_client(opts))


def blob(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def tamper(s3: S3Store, operation: str, change: Any) -> None:
    """Alter what boto3 parsed from the server's answer, as a faulty service would send it."""
    def hook(parsed: dict[str, Any], **_: Any) -> None:
        change(parsed)
    s3.client.meta.events.register(f"after-call.s3.{operation}", hook)


def test_documents_round_trip_with_server_checked_sha256(s3env: Seaweed) -> None:
    s3 = store_from_uri(f"s3://{s3env.bucket()}/archive/nv",
                        S3Options(addressing_style="path"))
    assert isinstance(s3, S3Store) and s3.prefix == "archive/nv"
    data = b'{"title": "Victory in al-Qseir"}'
    obj = s3.put_bytes("text/sana/2013/06/abc.json", data)
    assert obj.sha256 == hashlib.sha256(data).hexdigest() and obj.size == len(data)
    assert obj.verified_by == "sha256" and obj.etag == hashlib.md5(data).hexdigest()
    head = s3env.client().head_object(Bucket=s3.bucket, Key="archive/nv/text/sana/2013/06/abc.json",
                                      ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert head["Metadata"]["sha256"] == obj.sha256
    assert head["ContentType"] == "application/json"
    assert s3.get_bytes("text/sana/2013/06/abc.json") == data
    assert s3.read_range("text/sana/2013/06/abc.json", 2, 5) == data[2:7]
    assert s3.exists("text/sana/2013/06/abc.json") and not s3.exists("text/sana/x.json")
    assert list(s3.keys("text/")) == ["text/sana/2013/06/abc.json"]
    with pytest.raises(FileNotFoundError):
        s3.get_bytes("text/sana/x.json")


def test_a_document_is_confirmed_by_the_answer_to_its_put(s3env: Seaweed, shared: str) -> None:
    """The server echoes the SHA-256 it checked: no HEAD is needed, unless asked for."""
    heads: list[str] = []
    s3 = store(s3env, shared)
    tamper(s3, "HeadObject", lambda parsed: heads.append("head"))
    assert s3.put_bytes("text/x/2026/11/a.json", b"{}").verified_by == "sha256"
    assert heads == []
    paranoid = store(s3env, shared, verify="readback")
    tamper(paranoid, "HeadObject", lambda parsed: heads.append("head"))
    assert paranoid.put_bytes("text/x/2026/11/a.json", b"{}").verified_by == "sha256+readback"
    assert heads == ["head"]


def test_write_once(s3env: Seaweed, shared: str) -> None:
    s3 = store(s3env, shared)
    first = s3.put_bytes("text/x/2026/11/a.json", b"one")
    again = s3.put_bytes("text/x/2026/11/a.json", b"one")  # a retry whose answer was lost
    assert again.sha256 == first.sha256
    with pytest.raises(StoreError, match="never overwritten"):
        s3.put_bytes("text/x/2026/11/a.json", b"two")
    assert s3.get_bytes("text/x/2026/11/a.json") == b"one"


def test_multipart_upload_is_confirmed_by_its_composite_checksum(s3env: Seaweed, shared: str,
                                                                 tmp_path: Path) -> None:
    s3 = store(s3env, shared, multipart_mb=5)
    src = blob(tmp_path / "a.warc.gz", 12 * MiB + 7)
    data = src.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    key = "warc/sana/2026/11/sana-20261122000000-00001-h.warc.gz"
    obj = s3.put_file(key, src, digest)
    assert not src.exists()  # deleted only after the stored copy was confirmed
    assert obj.verified_by == "sha256" and obj.size == len(data) and obj.sha256 == digest
    head = s3env.client().head_object(Bucket=s3.bucket, Key=s3.full_key(key),
                                      ChecksumMode="ENABLED")
    parts = [data[i:i + 5 * MiB] for i in range(0, len(data), 5 * MiB)]
    composite = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()
    assert head["ChecksumSHA256"] == f"{base64.b64encode(composite).decode()}-3"
    assert head["ContentType"] == "application/warc" and head["Metadata"]["sha256"] == digest
    copy = tmp_path / "copy"
    s3.download(key, copy)
    assert copy.read_bytes() == data
    again = blob(tmp_path / "b", 0)
    again.write_bytes(data)
    assert s3.put_file(key, again, digest).sha256 == digest  # idempotent, then deleted
    assert not again.exists()


@pytest.mark.parametrize("size", [1000, 11 * MiB])
def test_a_changed_local_copy_is_refused(s3env: Seaweed, shared: str, tmp_path: Path,
                                        size: int) -> None:
    s3 = store(s3env, shared, multipart_mb=5)
    src = blob(tmp_path / "f.warc.gz", size)
    with pytest.raises(SpoolCorrupt, match="changed on disk"):
        s3.put_file("warc/x/2026/11/x-20261122000000-00001-h.warc.gz", src, "0" * 64)
    assert src.exists()  # kept for inspection
    if size < 5 * MiB:  # checked before the upload: nothing reached the bucket
        assert not list(s3.keys())


@pytest.mark.parametrize("size", [1000, 11 * MiB])
def test_without_server_checksums_the_md5_etag_confirms(s3env: Seaweed, shared: str,
                                                        tmp_path: Path,
                                                        size: int) -> None:
    s3 = store(s3env, shared, multipart_mb=5)
    for operation in ("PutObject", "HeadObject"):  # a service that keeps no checksums
        tamper(s3, operation, lambda parsed: parsed.pop("ChecksumSHA256", None))
    obj = s3.put_file("warc/x/2026/11/f.warc.gz", blob(tmp_path / "f", size))
    assert obj.verified_by == "etag"


def test_opaque_etags_are_confirmed_by_reading_back(s3env: Seaweed, shared: str) -> None:
    s3 = store(s3env, shared)
    def opaque(parsed: dict[str, Any]) -> None:
        parsed.pop("ChecksumSHA256", None)
        parsed["ETag"] = '"kms-encrypted-opaque-etag"'
    tamper(s3, "PutObject", opaque)
    tamper(s3, "HeadObject", opaque)
    assert s3.put_bytes("text/x/2026/11/a.json", b"{}").verified_by == "readback"


def test_a_stored_copy_that_differs_is_an_error(s3env: Seaweed, shared: str) -> None:
    """A service that reports the wrong checksum and returns other bytes: not confirmed."""
    s3 = store(s3env, shared)
    for operation in ("PutObject", "HeadObject"):
        tamper(s3, operation, lambda parsed: parsed.update(ChecksumSHA256="AAAA"))
    tamper(s3, "GetObject", lambda parsed: parsed.update(
        Body=StreamingBody(io.BytesIO(b"{!}"), 3)))
    with pytest.raises(StoreError, match="read back"):
        s3.put_bytes("text/x/2026/11/a.json", b"{ }")


def test_checksum_none_and_readback_options(s3env: Seaweed, shared: str) -> None:
    plain = store(s3env, shared, checksum="none")
    assert plain.put_bytes("text/x/2026/11/a.json", b"{}").verified_by in ("etag", "sha256")
    paranoid = store(s3env, shared, verify="readback")
    assert paranoid.put_bytes("text/x/2026/11/a.json", b"{}").verified_by == "sha256+readback"
    crc = store(s3env, shared, checksum="CRC32")
    assert crc.put_bytes("text/x/2026/11/b.json", b"[]").verified_by == "etag"


def test_object_lock_retention_is_applied(s3env: Seaweed, tmp_path: Path) -> None:
    bucket = s3env.bucket(object_lock=True)
    s3 = store(s3env, bucket, retention_mode="COMPLIANCE", retention_days=1, multipart_mb=5)
    doc = s3.put_bytes("text/x/2026/11/a.json", b"{}")
    warc = s3.put_file("warc/x/2026/11/f.warc.gz", blob(tmp_path / "f", 6 * MiB))
    client = s3env.client()
    for obj in (doc, warc):
        assert obj.retain_until is not None
        assert obj.retain_until - datetime.now(UTC) > timedelta(hours=23)
        head = client.head_object(Bucket=bucket, Key=s3.full_key(obj.key))
        assert head["ObjectLockMode"] == "COMPLIANCE"
        version = client.list_object_versions(Bucket=bucket, Prefix=s3.full_key(obj.key))
        with pytest.raises(Exception, match=r"AccessDenied|locked|retention|WORM"):
            client.delete_object(Bucket=bucket, Key=s3.full_key(obj.key),
                                 VersionId=version["Versions"][0]["VersionId"])
    assert s3.get_bytes(doc.key) == b"{}"


def test_retention_without_object_lock_names_the_fix(s3env: Seaweed, shared: str) -> None:
    s3 = store(s3env, shared, retention_mode="GOVERNANCE", retention_days=30)
    with pytest.raises(StoreError, match="Object Lock"):
        s3.put_bytes("text/x/2026/11/a.json", b"{}")
    assert not list(s3.keys())


HOSTILE = ["../../etc/passwd", "a/../../b", "x\x00y", "line\nbreak", "\x1b[31mred",
           "/absolute", "%2e%2e%2f", "عربي/..", "ok" * 300,
           "https://sana.sy/en/?p=1&x=../../../../etc"]


def test_hostile_keys_stay_under_the_prefix(s3env: Seaweed, shared: str) -> None:
    s3 = store(s3env, shared)
    when = datetime(2026, 11, 22, tzinfo=UTC)
    keys = [text_key(h, h, when) if len(h) < 200 else safe_key("text", h, "d.json")
            for h in HOSTILE]
    for key in keys:
        s3.put_bytes(key, b"{}")
    stored = [item["Key"] for item in s3env.client().list_objects_v2(
        Bucket=s3.bucket, Prefix="archive/")["Contents"] if item["Key"].startswith(s3.prefix)]
    assert len(stored) == len(set(keys))
    for full in stored:
        assert full.startswith(f"{s3.prefix}/text/") and full.isprintable()
        assert ".." not in full.split("/") and "//" not in full
