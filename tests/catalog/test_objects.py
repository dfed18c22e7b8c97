"""The objects table (migration 0002) and its functions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, inspect, text

from catalog import objects
from newsvault.cli import cli
from tests.catalog.conftest import migrate

WHEN = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def test_0002_backfills_objects_stored_before_it(empty_engine: Engine) -> None:
    engine = empty_engine
    migrate(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO runs (id, outlet, trigger, status, started_at) "
                          "VALUES ('r1', 'sana', 'manual', 'ok', '2026-11-22 03:00:00')"))
        conn.execute(text(
            "INSERT INTO warc_files (filename, key, run_id, outlet, size, sha256, status, "
            "stored_at) VALUES ('f.warc.gz', 'warc/sana/2026/11/f.warc.gz', 'r1', 'sana', "
            "1234, :s, 'stored', '2026-11-22 03:05:00')"), {"s": "a" * 64})
        conn.execute(text(
            "INSERT INTO articles (id, outlet, canonical_url, url, status, first_seen, "
            "last_seen) VALUES (1, 'sana', 'u', 'u', 'live', '2026-11-22', '2026-11-22')"))
        conn.execute(text(
            "INSERT INTO article_captures (capture_id, article_id, fetched_at, url, text_key, "
            "text_sha256) VALUES ('c1', 1, '2026-11-22 03:01:00', 'u', "
            "'text/sana/2026/11/c1.json', :s)"), {"s": "b" * 64})
    migrate(engine, "0002")
    with engine.connect() as conn:
        rows = {r.key: r for r in conn.execute(text("SELECT * FROM objects"))}
    warc, doc = rows["warc/sana/2026/11/f.warc.gz"], rows["text/sana/2026/11/c1.json"]
    assert (warc.kind, warc.outlet, warc.size, warc.sha256, warc.status) == (
        "warc", "sana", 1234, "a" * 64, "stored")
    assert (doc.kind, doc.outlet, doc.size, doc.sha256) == ("text", "sana", None, "b" * 64)
    migrate(engine, "0001", down=True)
    assert "objects" not in inspect(engine).get_table_names()


def test_spooled_then_stored(engine: Engine) -> None:
    key = "text/sana/2026/11/c1.provenance.json"
    row = objects.add_spooled(engine, key, 10, "c" * 64)
    assert (row["kind"], row["outlet"], row["status"]) == ("provenance", "sana", "spooled")
    again = objects.add_spooled(engine, key, 10, "d" * 64)  # the first record stands
    assert again["sha256"] == "c" * 64
    assert [r["key"] for r in objects.spooled(engine)] == [key]
    objects.mark_stored(engine, key, {"size": 10, "etag": "e", "store": "s3://b/p",
                                      "verified_by": "sha256", "stored_at": WHEN,
                                      "retain_until": None})
    stored = objects.get(engine, key)
    assert stored is not None and stored["status"] == "stored" and stored["stored_at"] == WHEN
    assert objects.counts(engine) == {"spooled": 0, "stored": 1, "quarantined": 0}
    assert objects.outlets(engine) == ["sana"]
    assert objects.kind_of("warc/sana/2026/11/x.warc.gz") == "warc"
    assert objects.kind_of("text/sana/2026/11/c.x3-abc.json") == "text"


def test_verify_names_the_outlets_it_can_check(tmp_path: Path, catalog_url: str,
                                               engine: Engine) -> None:
    env = {"NEWSVAULT_HOME": str(tmp_path / "home"), "NEWSVAULT_CONFIG": str(tmp_path / "no"),
           "NEWSVAULT_CATALOG": catalog_url}
    objects.add_spooled(engine, "text/sana/2026/11/c1.json", 2, "c" * 64)
    done = CliRunner().invoke(cli, ["verify", "--outlet", "sanaa"], env=env)
    assert done.exit_code == 2 and "outlets with objects: sana" in done.output
    done = CliRunner().invoke(cli, ["verify"], env=env)  # recorded, but in no spool or store
    assert done.exit_code == 1
    assert "missing     text/sana/2026/11/c1.json" in done.output
