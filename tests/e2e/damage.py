"""Damage done to a crawled archive, and what `newsvault verify` must say about it.

Used by ``test_crawl_outlets.py`` on its archives: a copy of the local one is damaged byte by
byte and checked in-process; the S3 one is damaged in the bucket and checked through the CLI.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import text

from catalog.db import connect
from catalog.expected import expectations
from catalog.verify import Auditor, Finding
from pipelines.storage import LocalStore
from pipelines.warc import walk_members
from tests.conftest import Home


def member_positions(path: Path, rng: random.Random) -> list[int]:
    """Bytes worth flipping in a WARC: every field of a few members' gzip headers (MTIME,
    XFL and OS change no archived byte, so only the file's SHA-256 can catch them), the
    first deflate byte, the CRC32 and ISIZE trailers, and random bytes anywhere."""
    members = list(walk_members(path))
    picked = [*members[:2], members[len(members) // 2], members[-1]]
    size = path.stat().st_size
    found = {size - 1, *(rng.randrange(size) for _ in range(12))}
    for m in picked:
        found |= {m.offset + i for i in (0, 3, 4, 7, 8, 9, 10)}
        found |= {m.offset + m.length - i for i in (8, 5, 4, 1)}
    return sorted(found)


def flip(path: Path, position: int) -> bytes:
    """Flip the low bit of one byte; returns the original bytes."""
    original = path.read_bytes()
    changed = bytearray(original)
    changed[position] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(changed))
    return original


def copy_archive(home: Home, dest: Path) -> tuple[Any, Path, Auditor]:
    """A private copy of a local archive, and an auditor over it."""
    shutil.copytree(home.path / "data", dest / "data")
    engine = connect(f"sqlite:///{dest / 'data' / 'catalog.sqlite'}")
    store = dest / "data" / "store"
    return engine, store, Auditor(engine, LocalStore(store), dest / "data" / "spool" / "upload")


def assert_every_flip_is_caught(home: Home, dest: Path) -> int:
    """Flip single bytes all over the smallest WARC file and in documents: each is corrupt."""
    engine, store, auditor = copy_archive(home, dest)
    expected = expectations(engine)
    assert all(f.status == "ok" for f in auditor.run()), "the copy must verify clean first"
    rng = random.Random(20261122)
    warc = min((k for k in expected if k.startswith("warc/")),
               key=lambda k: (store / k).stat().st_size)
    docs = rng.sample([k for k in expected if k.startswith("text/")], 6)
    checked = 0
    for key in [warc, *docs]:
        path = store / key
        positions = (member_positions(path, rng) if key == warc
                     else sorted({0, path.stat().st_size - 1, rng.randrange(path.stat().st_size)}))
        for position in positions:
            original = flip(path, position)
            finding = auditor.check(expected[key])
            path.write_bytes(original)
            assert finding.status == "corrupt", (key, position, finding)
            assert any("SHA-256" in p for p in finding.problems), finding
            checked += 1
    original = (store / warc).read_bytes()
    last_member = list(walk_members(store / warc))[-1].offset
    for damaged in (original + b"\x00", original[:last_member]):  # a byte more; cut cleanly
        (store / warc).write_bytes(damaged)
        assert auditor.check(expected[warc]).status == "corrupt"
    (store / warc).write_bytes(original)
    return checked


def assert_catalog_claims_are_checked(home: Home, dest: Path) -> None:
    """The objects are intact but the catalog says otherwise: each claim is compared."""
    engine, _store, auditor = copy_archive(home, dest)
    with engine.begin() as conn:
        rec = conn.execute(text("SELECT record_id, filename FROM captures "
                                "WHERE warc_type = 'response' LIMIT 1")).one()
        conn.execute(text("UPDATE captures SET \"offset\" = \"offset\" + 1 "
                          "WHERE record_id = :r"), {"r": rec.record_id})
        cap = conn.execute(text("SELECT capture_id, text_key, provenance FROM article_captures "
                                "WHERE text_key IS NOT NULL LIMIT 1")).one()
        conn.execute(text("UPDATE article_captures SET text_sha256 = :z WHERE capture_id = :c"),
                     {"z": "0" * 64, "c": cap.capture_id})
        other = conn.execute(text("SELECT capture_id, text_key, provenance "
                                  "FROM article_captures WHERE capture_id != :c AND "
                                  "text_key IS NOT NULL LIMIT 1"), {"c": cap.capture_id}).one()
        prov = json.loads(other.provenance)
        prov["operator"] = "someone else"
        conn.execute(text("UPDATE article_captures SET provenance = :p WHERE capture_id = :c"),
                     {"p": json.dumps(prov), "c": other.capture_id})
    found: dict[str, Finding] = {f.key: f for f in auditor.run()}
    bad = {k: f for k, f in found.items() if f.status != "ok"}
    warc = next(k for k in bad if k.endswith(rec.filename))
    assert any(f"record {rec.record_id}" in p and "no record starts there" in p
               for p in bad[warc].problems), bad[warc]
    assert any("article_captures says" in p for p in bad[cap.text_key].problems)
    prov_key = other.text_key.removesuffix(".json") + ".provenance.json"
    assert bad[prov_key].problems == ["differs from the provenance in the catalog"]
    assert set(bad) == {warc, cap.text_key, prov_key}


def assert_cli_reports_damage(home: Home, dest: Path) -> None:
    """``newsvault verify`` on a damaged copy: exit 1, each problem named with its fix, and
    ``--outlet`` limits the audit to one outlet."""
    from click.testing import CliRunner

    from newsvault.cli import cli

    engine, store, _ = copy_archive(home, dest)
    listed = [r[0] for r in engine.connect().execute(text("SELECT key FROM objects"))]
    warc = next(k for k in listed if k.startswith("warc/sana/"))
    doc = next(k for k in listed if k.startswith("text/sana/"))
    flip(store / warc, 4 + walk_members_bytes((store / warc).read_bytes())[1])  # an MTIME
    (store / doc).unlink()
    stray = store / "text" / "prensa_latina" / "2026" / "11" / "not-in-the-catalog.json"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"{}")
    env = {"NEWSVAULT_HOME": str(dest / "data"), "NEWSVAULT_CONFIG": str(dest / "none.toml")}
    done = CliRunner().invoke(cli, ["verify"], env=env)
    assert done.exit_code == 1, done.output
    assert f"corrupt     {warc}" in done.output and f"missing     {doc}" in done.output
    assert "unexpected  text/prensa_latina/2026/11/not-in-the-catalog.json" in done.output
    assert "SHA-256 is" in done.output and "restore it from a replica or backup" in done.output
    scoped = CliRunner().invoke(cli, ["verify", "--outlet", "emirates_voice", "--json"],
                                env=env)
    assert scoped.exit_code == 0, scoped.output
    lines = [json.loads(line) for line in scoped.output.splitlines()]
    assert lines[-1]["ok"] and {f["outlet"] for f in lines[:-1]} == {"emirates_voice"}


def assert_s3_damage_is_reported(home: Home, seaweed: Any, bucket: str, prefix: str) -> None:
    """Damage the bucket behind a crawled archive, audit it, then repair it."""
    from pipelines.store.options import S3Options
    from pipelines.store.s3 import S3Store

    client = seaweed.client()
    engine = connect(home.catalog_url)
    listed = [r[0] for r in engine.connect().execute(text("SELECT key FROM objects"))]
    warc = next(k for k in listed if k.startswith("warc/sana/"))
    doc = next(k for k in listed if k.startswith("text/sana/"))
    stray = "text/prensa_latina/2026/11/not-in-the-catalog.json"
    originals = {k: client.get_object(Bucket=bucket, Key=f"{prefix}/{k}")["Body"].read()
                 for k in (warc, doc)}
    changed = bytearray(originals[warc])
    changed[walk_members_bytes(originals[warc])[1] + 4] ^= 0x01  # a member's MTIME
    store = S3Store(bucket, prefix, S3Options(addressing_style="path"))
    auditor = Auditor(engine, store, home.path / "data" / "spool" / "upload")
    try:
        client.put_object(Bucket=bucket, Key=f"{prefix}/{warc}", Body=bytes(changed))
        client.delete_object(Bucket=bucket, Key=f"{prefix}/{doc}")
        client.put_object(Bucket=bucket, Key=f"{prefix}/{stray}", Body=b"{}")
        found = {f.key: f for f in auditor.run()}
        assert {k: f.status for k, f in found.items() if f.status != "ok"} == {
            warc: "corrupt", doc: "missing", stray: "unexpected"}
        assert set(found) == {*listed, stray}
        assert any("SHA-256 is" in p for p in found[warc].problems)
        scoped = auditor.run("emirates_voice")
        assert scoped and all(f.ok and f.outlet == "emirates_voice" for f in scoped)
    finally:
        for key, data in originals.items():
            client.put_object(Bucket=bucket, Key=f"{prefix}/{key}", Body=data)
        client.delete_object(Bucket=bucket, Key=f"{prefix}/{stray}")
    assert all(f.ok for f in auditor.run("sana"))  # repaired


def walk_members_bytes(data: bytes) -> list[int]:
    """Offsets of the gzip members in a WARC held in memory."""
    import io

    from pipelines.warc import iter_members

    return [m.offset for m in iter_members(io.BytesIO(data))]
