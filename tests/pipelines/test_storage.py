import os
from pathlib import Path

import pytest

from pipelines.storage import (
    MAX_KEY_LENGTH,
    LocalStore,
    StoreError,
    safe_key,
    sha256_file,
    store_from_uri,
    text_key,
    warc_key,
)


def test_put_bytes_is_write_once(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    first = store.put_bytes("text/x/a.json", b"one")
    assert store.put_bytes("text/x/a.json", b"one").sha256 == first.sha256  # idempotent
    with pytest.raises(StoreError, match="never overwritten"):
        store.put_bytes("text/x/a.json", b"two")
    assert store.get_bytes("text/x/a.json") == b"one"
    assert not os.access(store.path("text/x/a.json"), os.W_OK) or os.geteuid() == 0
    assert store.path("text/x/a.json").stat().st_mode & 0o222 == 0


def test_put_file_moves_after_verifying(tmp_path: Path) -> None:
    store = store_from_uri((tmp_path / "store").as_uri())
    src = tmp_path / "spool.warc.gz"
    src.write_bytes(b"x" * 5000)
    digest = sha256_file(src)
    obj = store.put_file("warc/x/2026/11/f.warc.gz", src)
    assert obj.sha256 == digest and obj.size == 5000
    assert not src.exists()
    assert store.read_range("warc/x/2026/11/f.warc.gz", 10, 5) == b"xxxxx"
    assert list(store.keys("warc")) == ["warc/x/2026/11/f.warc.gz"]


@pytest.mark.parametrize("hostile", [
    "../../etc/passwd", "..", "a/../../b", "x\x00y", "line\nbreak", "\x1b[31mred",
    "/absolute", "ok" * 200, "عربي/..", "%2e%2e%2f",
])
def test_keys_cannot_escape(tmp_path: Path, hostile: str) -> None:
    key = safe_key("text", hostile, "doc.json")
    parts = key.split("/")
    assert parts[0] == "text" and parts[-1] == "doc.json" and len(parts) == 3
    assert all(p not in ("", ".", "..") for p in parts)
    assert all(c.isprintable() for c in key) and len(key) <= MAX_KEY_LENGTH
    store = LocalStore(tmp_path / "store")
    store.put_bytes(key, b"x")
    assert (tmp_path / "store" / key).resolve().is_relative_to((tmp_path / "store").resolve())


def test_raw_unsafe_keys_are_refused(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    for key in ("../x", "/etc/x", "a/../../x"):
        with pytest.raises(StoreError):
            store.put_bytes(key, b"x")


def test_key_layout() -> None:
    from datetime import UTC, datetime

    assert warc_key("sana", "sana-20250907120000-00003-h.warc.gz") == \
        "warc/sana/2025/09/sana-20250907120000-00003-h.warc.gz"
    assert text_key("sana", "abc", datetime(2025, 9, 7, tzinfo=UTC)) == \
        "text/sana/2025/09/abc.json"
    with pytest.raises(StoreError):
        warc_key("sana", "not-a-warc-name.gz")


def test_a_target_removed_while_compared_is_linked_again(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """put_file finds the key taken, but the object is gone by the time it is compared
    (an operator's clean-up): the document is stored, never dropped with its source."""
    import hashlib

    store = LocalStore(tmp_path / "store")
    source = tmp_path / "doc.json"
    source.write_bytes(b"{}")
    target = store.path("text/sana/2026/11/c1.json")
    target.parent.mkdir(parents=True)
    target.write_bytes(b"{}")
    compare = LocalStore._same_existing
    removed: list[Path] = []

    def removed_first(self: LocalStore, path: Path, digest: str) -> bool:
        if not removed:
            path.unlink()
            removed.append(path)
        return compare(self, path, digest)

    monkeypatch.setattr(LocalStore, "_same_existing", removed_first)
    obj = store.put_file("text/sana/2026/11/c1.json", source,
                         hashlib.sha256(b"{}").hexdigest(), reread=False)
    assert removed == [target] and target.read_bytes() == b"{}" and not source.exists()
    assert obj.size == 2
