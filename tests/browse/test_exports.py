"""Exports (WARC, CDXJ, JSONL, WACZ) from the CLI and the web UI, checked by independent
tools: warcio, cdxj-indexer, py-wacz's ``wacz validate``, and replay in pywb."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator

from newsvault.cli import cli
from tests.support.browse_archive import T0, BrowseArchive
from tests.support.pywb import pywb_server
from tests.support.wacz import validate

QUSAYR = "https://sana.sy/en/?p=101"


def export(archive: BrowseArchive, out: Path, *args: str) -> dict[str, object]:
    env = {"NEWSVAULT_CATALOG": archive.catalog_url, "NEWSVAULT_STORAGE": archive.store_uri}
    done = CliRunner().invoke(cli, ["export", *args, "-o", str(out), "--json"], env=env)
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.output))


def records(data: bytes) -> list[tuple[str, str | None, str | None]]:
    out = []
    for rec in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
        rec.content_stream().read()
        out.append((rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI"),
                    rec.rec_headers.get_header("WARC-Payload-Digest")))
    return out


@pytest.fixture(scope="module")
def warc_export(archive: BrowseArchive, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exports") / "sana.warc.gz"
    summary = export(archive, out, "--format", "warc", "--outlet", "sana")
    assert summary["records"] == len(records(out.read_bytes())) - 1  # + the export's warcinfo
    return out


def test_warc_export_is_valid_and_byte_identical(warc_export: Path,
                                                 archive: BrowseArchive) -> None:
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc_export)],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    found = records(warc_export.read_bytes())
    assert found[0][0] == "warcinfo"  # the export's own, then each source file's
    assert sum(1 for kind, _, _ in found if kind == "warcinfo") == 1 + 3  # three sana runs
    kinds = {kind for kind, _, _ in found}
    assert {"request", "response", "revisit", "metadata"} <= kinds
    stored = b"".join(p.read_bytes() for p in sorted(archive.store.glob("warc/sana/*/*/*")))
    assert {r for r in records(stored) if r[0] != "warcinfo"} <= set(found)


@pytest.mark.server
def test_warc_and_cdxj_exports_replay_in_pywb(warc_export: Path, archive: BrowseArchive,
                                              tmp_path: Path) -> None:
    cdxj = tmp_path / "sana.cdxj"
    export(archive, cdxj, "--format", "cdxj", "--outlet", "sana")
    # The CDXJ collection: the stored files as they are, indexed only by our export.
    coll = tmp_path / "pywb" / "collections" / "stored"
    (coll / "archive").mkdir(parents=True)
    (coll / "indexes").mkdir()
    for path in archive.store.glob("warc/sana/*/*/*.warc.gz"):
        shutil.copy(path, coll / "archive" / path.name)
    shutil.copy(cdxj, coll / "indexes" / "index.cdxj")
    with pywb_server(tmp_path / "pywb", {"export": [warc_export]}) as pywb:
        for collection in ("export", "stored"):
            first = fetch(pywb.replay_url(collection, _ts(T0, 1), QUSAYR))
            assert b"several villages" in first, collection
            second = fetch(pywb.replay_url(collection, _ts(T0, 86401), QUSAYR))
            assert b"eleven villages" in second, collection
            # the server-not-modified revisit is indexed and found: pywb answers it as the
            # 304 it archived
            with pytest.raises(urllib.error.HTTPError) as revisit:
                fetch(pywb.replay_url(collection, _ts(T0, 172801), QUSAYR))
            assert revisit.value.code == 304, collection


def _ts(start: object, seconds: int) -> str:
    from datetime import timedelta

    return (start + timedelta(seconds=seconds)).strftime("%Y%m%d%H%M%S")  # type: ignore


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as reply:
        return bytes(reply.read())


def test_cdxj_export_matches_cdxj_indexer(archive: BrowseArchive, tmp_path: Path) -> None:
    from cdxj_indexer.main import CDXJIndexer

    ours = tmp_path / "ours.cdxj"
    export(archive, ours, "--format", "cdxj")
    files = sorted(archive.store.glob("warc/*/*/*/*.warc.gz"))
    theirs = io.StringIO()
    CDXJIndexer(output=theirs, inputs=[str(f) for f in files], sort=True).process_all()
    assert ours.read_text().splitlines() == [
        line for line in theirs.getvalue().splitlines() if line and not line.startswith("!")]


def test_jsonl_export(archive: BrowseArchive, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    summary = export(archive, out, "--format", "jsonl", "--article", str(archive.ids["qusayr"]))
    (doc,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary["articles"] == 1 and doc["id"] == archive.ids["qusayr"]
    assert isinstance(doc["body"], list) and "eleven villages" in doc["body"][0]
    assert [v["version"] for v in doc["versions"]] == [1, 2]
    assert [c["kind"] for c in doc["captures"]] == ["response", "response", "revisit"]
    assert doc["captures"][0]["provenance"]["warc"]["offset"] >= 0
    since = tmp_path / "since.jsonl"
    export(archive, since, "--format", "jsonl", "--since", "2026-11-22")
    assert [json.loads(x)["id"] for x in since.read_text().splitlines()] == [
        archive.ids["qusayr"]]  # only the revisit was captured on the 22nd


def test_wacz_export_validates(archive: BrowseArchive, tmp_path: Path) -> None:
    out = tmp_path / "sana.wacz"
    summary = export(archive, out, "--format", "wacz", "--outlet", "sana",
                     "--since", "2026-11-20", "--until", "2026-11-22")
    done = validate(out)
    assert done.returncode == 0 and "is valid" in done.stdout, done.stdout + done.stderr
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"archive/newsvault-export.warc.gz", "indexes/index.cdx.gz", "indexes/index.idx",
                "pages/pages.jsonl", "datapackage.json", "datapackage-digest.json"} <= names
        assert zf.getinfo("archive/newsvault-export.warc.gz").compress_type == zipfile.ZIP_STORED
        warc = zf.read("archive/newsvault-export.warc.gz")
        lines = gzip.decompress(zf.read("indexes/index.cdx.gz")).decode().splitlines()
        pages = [json.loads(x) for x in zf.read("pages/pages.jsonl").decode().splitlines()]
    assert pages[0]["format"] == "json-pages-1.0" and summary["pages"] == len(pages) - 1
    for line in lines:  # every index line points at its record in the packaged WARC
        fields = json.loads(line.split(" ", 2)[2])
        start, length = int(fields["offset"]), int(fields["length"])
        rec = next(iter(ArchiveIterator(io.BytesIO(warc[start:start + length]))))
        assert rec.rec_headers.get_header("WARC-Target-URI") == fields["url"]


def test_web_downloads(client: TestClient, archive: BrowseArchive, tmp_path: Path) -> None:
    wacz = client.get("/export/wacz", params={"article": archive.ids["qusayr"]})
    assert wacz.status_code == 200 and wacz.headers["content-type"] == "application/wacz"
    assert 'filename="newsvault-article-' in wacz.headers["content-disposition"]
    (tmp_path / "a.wacz").write_bytes(wacz.content)
    assert validate(tmp_path / "a.wacz").returncode == 0
    revisit = client.get(f"/captures/{archive.captures['revisit']}/records.warc.gz")
    assert revisit.headers["content-type"] == "application/warc"
    kinds = [kind for kind, _, _ in records(revisit.content)]
    assert "revisit" in kinds and "response" in kinds  # with the original it refers to
    feed = records(client.get(f"/captures/{archive.captures['feed']}/records.warc.gz").content)
    assert [k for k, _, _ in feed] == ["warcinfo", "response", "request"]
    for fmt in ("jsonl", "cdxj", "warc"):
        got = client.get(f"/export/{fmt}", params={"outlet": "emirates_voice"})
        assert got.status_code == 200 and got.content, fmt
    assert client.get("/export/zip").status_code == 404
    assert client.get("/export/wacz?article=x").status_code == 400
    assert client.get("/export/wacz?since=soon").status_code == 400
